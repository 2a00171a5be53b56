package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.error.ErrorCode;
import com.picpeak.storage.Keys;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: 200 when storage and catalog answer, 503 naming the one that does not. Why it fails (a path,
 * a bucket, an endpoint) is shown to the admin only (the admin token as bearer) and logged; anyone else reads
 * {@code "failing"}.
 */
@RestController
public class HealthController {
    private static final Logger log = LoggerFactory.getLogger(HealthController.class);
    private final PicPeakRuntime runtime;

    public HealthController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping("/health")
    ResponseEntity<Map<String, Object>> health(HttpServletRequest request) {
        boolean admin = AdminAccess.isAdmin(request, runtime.adminTokenChecker());
        Map<String, Object> body = new LinkedHashMap<>();
        boolean ok = true;
        try {
            runtime.store().head(Keys.SENTINEL);
            body.put("storage", "ok");
        } catch (RuntimeException e) {
            log.warn("health: the storage fails: {}", e.getMessage());
            body.put("storage", admin ? e.getMessage() : "failing");
            ok = false;
        }
        try {
            runtime.catalog().findEvent("health-check");
            body.put("catalog", "ok");
        } catch (RuntimeException e) {
            log.warn("health: the catalog fails: {}", e.getMessage());
            body.put("catalog", admin ? e.getMessage() : "failing");
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
