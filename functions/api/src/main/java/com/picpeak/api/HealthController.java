package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.error.ErrorCode;
import com.picpeak.storage.Keys;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /health}: 200 when storage and catalog answer, 503 naming the one that does not. */
@RestController
public class HealthController {
    private final PicPeakRuntime runtime;

    public HealthController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping("/health")
    ResponseEntity<Map<String, Object>> health() {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean ok = true;
        try {
            runtime.store().head(Keys.SENTINEL);
            body.put("storage", "ok");
        } catch (RuntimeException e) {
            body.put("storage", e.getMessage());
            ok = false;
        }
        try {
            runtime.catalog().findEvent("health-check");
            body.put("catalog", "ok");
        } catch (RuntimeException e) {
            body.put("catalog", e.getMessage());
            ok = false;
        }
        body.put("status", ok ? "ok" : "failing");
        if (ok) {
            return ResponseEntity.ok(body);
        }
        Map<String, Object> failing = ApiErrors.body(ErrorCode.STORAGE_UNAVAILABLE, "storage or catalog did not "
                + "answer (see \"storage\" and \"catalog\"): try again shortly");
        failing.putAll(body);
        return ResponseEntity.status(503).header("Retry-After", Integer.toString(ApiErrors.STORAGE_RETRY_AFTER_SECONDS))
                .header("Cache-Control", "no-store").body(failing);
    }
}
