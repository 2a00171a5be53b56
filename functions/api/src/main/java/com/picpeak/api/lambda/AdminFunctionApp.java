package com.picpeak.api.lambda;

import com.picpeak.api.AdminActivityController;
import com.picpeak.api.AdminEventsController;
import com.picpeak.api.AdminGuestsController;
import com.picpeak.api.AdminPageController;
import com.picpeak.api.AdminPhotosController;
import com.picpeak.api.ApiConfiguration;
import com.picpeak.api.AutoImportController;
import com.picpeak.api.ApiTokensController;
import com.picpeak.api.BrandingController;
import com.picpeak.api.DownloadLimitsController;
import com.picpeak.api.EventArchiveController;
import com.picpeak.api.FingerprintsController;
import com.picpeak.api.JobsController;
import com.picpeak.api.StorageController;
import com.picpeak.api.WebhooksController;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The admin and upload functions: the admin routes and the admin pages. They share one app; the stack gives the upload
 * function more memory and time (uploads decode images) and routes only upload paths to it.
 */
@SpringBootConfiguration
@Import({LambdaAutoConfiguration.class, ApiConfiguration.class, AdminEventsController.class, AdminPhotosController.class, EventArchiveController.class,
        BrandingController.class, FingerprintsController.class, StorageController.class, WebhooksController.class,
        AutoImportController.class, AdminPageController.class, JobsController.class,
        AdminGuestsController.class, DownloadLimitsController.class, ApiTokensController.class,
        AdminActivityController.class})
public class AdminFunctionApp {
}
