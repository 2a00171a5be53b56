package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.gallery.DownloadLimits;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin's view of an event's download limit (behind {@link RequestGate}): the counts, and starting them over. */
@RestController
public class DownloadLimitsController {
    private final PicPeakRuntime runtime;

    public DownloadLimitsController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    /** {@code {"limit","downloaders":[{"downloader","used","remaining"}]}}: every downloader counted at the event. */
    @GetMapping("/api/admin/events/{slug}/downloads")
    Map<String, Object> counts(@PathVariable String slug) {
        Event event = runtime.events().get(slug);
        List<Map<String, Object>> downloaders = runtime.downloadLimits().counts(event.slug()).stream().map(c -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("downloader", c.downloader());
            json.put("used", c.used());
            json.put("remaining", new DownloadLimits.Usage(c.used(), event.downloadLimit()).remaining());
            return json;
        }).toList();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("limit", event.downloadLimit());
        json.put("downloaders", downloaders);
        return json;
    }

    /** Starts the counts over (204): one downloader's ({@code ?downloader=}), or every one's at the event. */
    @DeleteMapping("/api/admin/events/{slug}/downloads")
    ResponseEntity<Void> reset(@PathVariable String slug, @RequestParam(required = false) String downloader) {
        Event event = runtime.events().get(slug);
        runtime.downloadLimits().reset(event.slug(), downloader);
        return ResponseEntity.noContent().build();
    }
}
