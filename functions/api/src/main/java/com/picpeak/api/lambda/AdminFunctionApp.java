package com.picpeak.api.lambda;

import com.picpeak.api.AdminController;
import com.picpeak.api.AdminPageController;
import com.picpeak.api.AutoImportController;
import com.picpeak.api.JobsController;
import com.picpeak.api.ApiConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The admin and upload functions: the admin routes and the admin pages. They share one app; the stack gives the upload
 * function more memory and time (uploads decode images) and routes only upload paths to it.
 */
@SpringBootConfiguration
@Import({LambdaAutoConfiguration.class, ApiConfiguration.class, AdminController.class, AutoImportController.class, AdminPageController.class,
        JobsController.class})
public class AdminFunctionApp {
}
