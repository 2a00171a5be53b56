package com.picpeak.api.lambda;

import com.picpeak.api.ActivityBeaconController;
import com.picpeak.api.ApiConfiguration;
import com.picpeak.api.GalleryPageController;
import com.picpeak.api.GuestController;
import com.picpeak.api.SelectionsController;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The gallery function: guest listing and serving, the guest page, and the pages' static files under
 * {@code /assets/} (a small context starts faster).
 */
@SpringBootConfiguration
@Import({LambdaAutoConfiguration.class, ApiConfiguration.class, GuestController.class, GalleryPageController.class,
        SelectionsController.class, ActivityBeaconController.class})
public class GalleryFunctionApp {
}
