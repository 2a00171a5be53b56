package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.protect.FingerprintedDelivery;
import com.picpeak.protect.ProtectionStore;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The admin routes that trace a leaked image (behind {@link RequestGate}): who was served this fingerprint. */
@RestController
public class FingerprintsController {
    private final PicPeakRuntime runtime;

    public FingerprintsController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    /** Who received the images carrying this fingerprint (from the access log). */
    @GetMapping("/api/admin/fingerprints/{id}")
    Map<String, Object> fingerprint(@PathVariable String id) {
        return accessJson(runtime.protection().access().lookup(id).orElseThrow(() -> new PicPeakException(ErrorCode.NOT_FOUND,
                "no image carrying fingerprint '" + id + "' was served (or its record expired)")));
    }

    /** The same for a leaked file: its fingerprint is read from the image's metadata, then looked up. */
    @PostMapping(value = "/api/admin/fingerprints/lookup", consumes = {"image/jpeg", "image/png", "application/octet-stream"})
    Map<String, Object> fingerprintOfFile(HttpServletRequest request) throws IOException {
        String id = FingerprintedDelivery.readFingerprint(request.getInputStream()).orElseThrow(() ->
                new PicPeakException(ErrorCode.NOT_FOUND, "the file carries no PicPeak fingerprint (it was served below "
                        + "protection level enhanced, or its metadata was stripped)"));
        return fingerprint(id);
    }

    private static Map<String, Object> accessJson(ProtectionStore.AccessRecord r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("fingerprint", r.fingerprintId());
        json.put("event", r.slug());
        json.put("photoId", r.photoId());
        json.put("session", r.sessionId());
        json.put("clientHash", r.clientHash());
        json.put("firstServedAt", r.firstServedAt());
        json.put("lastServedAt", r.lastServedAt());
        json.put("serves", r.serves());
        json.put("lastVariant", r.lastVariant());
        return json;
    }
}
