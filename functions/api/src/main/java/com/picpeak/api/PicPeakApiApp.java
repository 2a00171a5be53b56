package com.picpeak.api;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** Every route in one app: local mode and the API tests. No component scanning: the controllers are listed. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ApiConfiguration.class, GuestController.class, GalleryPageController.class, DownloadController.class,
        AdminEventsController.class, AdminPhotosController.class, EventArchiveController.class, BrandingController.class,
        FingerprintsController.class, StorageController.class, WebhooksController.class, AutoImportController.class,
        AdminPageController.class, JobsController.class, StorageEventsController.class, SelectionsController.class,
        AdminGuestsController.class, DownloadLimitsController.class, ApiTokensController.class,
        ActivityBeaconController.class, AdminActivityController.class})
public class PicPeakApiApp {
}
