package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.storage.StorageConfig;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.Map;

/** The admin's view of storage (behind {@link RequestGate}): the backend, the start-up check, auto-import's state. */
@RestController
public class StorageController {
    private final PicPeakRuntime runtime;

    public StorageController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping("/api/admin/storage")
    Map<String, Object> storage() {
        StorageConfig config = runtime.storageConfig();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("backend", config.backend().name().toLowerCase());
        if (config.backend() == StorageConfig.Backend.LOCAL) {
            json.put("root", config.localRoot().toString());
        } else {
            StorageConfig.S3Settings s3 = config.s3().orElseThrow();
            json.put("bucket", s3.bucket());
            json.put("prefix", s3.prefix());
            json.put("endpoint", s3.endpoint().map(Object::toString).orElse(null));
            json.put("region", s3.region());
        }
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("ok", runtime.startupCheck().ok());
        check.put("message", runtime.startupCheck().line());
        check.put("tookMs", runtime.startupCheck().took().toMillis());
        json.put("startupCheck", check);
        json.put("autoImport", autoImportStatus());
        json.put("maxUploadBytes", runtime.appConfig().maxUploadBytes());
        return json;
    }

    private Map<String, Object> autoImportStatus() {
        StorageConfig config = runtime.storageConfig();
        Map<String, Object> json = new LinkedHashMap<>();
        String mode = config.backend() == StorageConfig.Backend.LOCAL ? "folder-watcher"
                : config.autoImport() ? "prefix-walker" : "off";
        json.put("mode", mode);
        json.put("enabled", !mode.equals("off"));
        json.put("intervalMs", config.autoImportInterval().toMillis());
        json.put("pushImport", config.pushImport()); // notifications import; the walker, if on, reconciles
        json.put("externalMediaRoot", config.externalMediaRoot().map(Object::toString).orElse(null));
        json.put("events", WebhooksController.sink(runtime));
        json.put("lastPoll", runtime.autoImportState().lastPoll().orElse(null));
        return json;
    }
}
