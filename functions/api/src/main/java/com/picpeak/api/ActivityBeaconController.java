package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.ActivityCounts;
import com.picpeak.gallery.ApiTokens;
import com.picpeak.gallery.Downloader;
import com.picpeak.gallery.GalleryService.GuestAccess;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gallery page's view beacon (docs/limits-tokens-activity.md): photos seen, in batches, since the CDN serves most
 * image bytes without reaching the origin. Checked against the event's session like every guest route; the body is
 * bounded like every guest body (RequestLimits), the ids per batch and the views per hour too (ActivityCounts).
 */
@RestController
public class ActivityBeaconController {
    /** The longest photo id taken (ids are far shorter): anything longer is not a photo of any event. */
    static final int MAX_ID_LENGTH = 64;
    private final PicPeakRuntime runtime;

    public ActivityBeaconController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    /** {@code {"views":["photoId",...]}}: 202 {@code {"counted":N}}; ids not of the event are ignored. */
    @PostMapping("/api/gallery/{slug}/activity")
    ResponseEntity<Map<String, Object>> views(@PathVariable String slug, @RequestBody(required = false) JsonNode body,
                                              HttpServletRequest request) {
        GuestAccess access = GuestController.access(runtime, slug, request, ApiTokens.Scope.LIST);
        JsonNode views = body == null ? null : body.get("views");
        if (views == null || !views.isArray()) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "the body must be {\"views\":[\"photoId\",...]}");
        }
        if (views.size() > ActivityCounts.MAX_VIEWS_PER_BEACON) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "at most " + ActivityCounts.MAX_VIEWS_PER_BEACON
                    + " photo ids per beacon, not " + views.size());
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode id : views) {
            if (!id.isTextual()) {
                throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"views\" must hold photo ids (strings)");
            }
            if (!id.asText().isEmpty() && id.asText().length() <= MAX_ID_LENGTH) {
                ids.add(id.asText());
            }
        }
        int counted = runtime.activity().countViews(access.event(), Downloader.of(access), ids);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("counted", counted));
    }
}
