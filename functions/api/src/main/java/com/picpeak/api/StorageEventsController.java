package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.autoimport.StorageNotification;
import com.picpeak.autoimport.StorageNotifications;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.StorageConfig;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/**
 * Local mode's storage notification hook (behind {@link RequestGate}, which checks its bearer token
 * {@code PICPEAK_STORAGE_EVENTS_TOKEN} before the body is read): a store's webhook (MinIO, Ceph, ...) posts S3 event
 * records here, and push import applies them in the background. Not deployed in AWS, where S3 notifies through
 * EventBridge and a queue ({@code StorageEventsHandler}).
 */
@RestController
public class StorageEventsController {
    private final PicPeakRuntime runtime;

    public StorageEventsController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    /** 202 once the records are queued; records of other events or keys are accepted and ignored. */
    @PostMapping("/api/hooks/storage-events")
    ResponseEntity<Map<String, Object>> notified(@RequestBody(required = false) String body) {
        if (runtime.storageConfig().backend() != StorageConfig.Backend.S3) {
            throw new PicPeakException(ErrorCode.CONFLICT, "push import takes the notifications of an S3-compatible "
                    + "store; with the local backend the folder watcher imports dropped files as they arrive");
        }
        List<StorageNotification> notifications = StorageNotifications.parse(body);
        runtime.pushImportLanes().submit(notifications);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("accepted", notifications.size()));
    }
}
