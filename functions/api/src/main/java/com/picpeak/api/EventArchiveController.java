package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Names;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.Keys;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.util.Map;

/** The admin routes of archiving expired events (behind {@link RequestGate}): archive, fetch the archive, restore, sweep. */
@RestController
public class EventArchiveController {
    private final PicPeakRuntime runtime;

    public EventArchiveController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Archives the event: its photos into events/archived/<slug>.zip (verified), then removed. A job (202,
     * follow its Location); the archive is then at GET /api/admin/events/{slug}/archive.
     */
    @PostMapping("/api/admin/events/{slug}/archive")
    ResponseEntity<Map<String, Object>> archive(@PathVariable String slug) {
        return JobsController.accepted(runtime.archiver().archive(Names.slug(slug)));
    }

    /** The archive of an archived event, for the admin (302 to a presigned URL above the inline cap). */
    @GetMapping("/api/admin/events/{slug}/archive")
    void downloadArchive(@PathVariable String slug, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Event event = runtime.events().get(slug);
        if (!event.isArchived()) {
            throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is not archived");
        }
        String key = Keys.archivedEvent(slug);
        long size = runtime.store().head(key).map(BlobInfo::size).orElseThrow(() ->
                new PicPeakException(ErrorCode.NOT_FOUND, "the archive " + key + " is missing from storage"));
        BlobResponder.serve(request, response, runtime, key, "archived-" + slug + "-" + event.archivedAt().toEpochMilli(),
                size, "application/zip", slug + ".zip", "private, no-cache");
    }

    /** Puts an archived event's photos back (a job: 202, follow its Location). */
    @PostMapping("/api/admin/events/{slug}/restore")
    ResponseEntity<Map<String, Object>> restore(@PathVariable String slug) {
        return JobsController.accepted(runtime.archiver().restore(Names.slug(slug)));
    }

    /** Runs the daily sweep now: a job that starts one archive job per expired event with photos. */
    @PostMapping("/api/admin/archive-sweep")
    ResponseEntity<Map<String, Object>> sweep() {
        return JobsController.accepted(runtime.archiver().sweep());
    }
}
