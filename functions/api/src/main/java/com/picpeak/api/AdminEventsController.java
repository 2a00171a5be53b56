package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** The admin routes of events themselves (behind {@link RequestGate}): list, create, read, change, delete. */
@RestController
public class AdminEventsController {
    private final PicPeakRuntime runtime;

    public AdminEventsController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping("/api/admin/events")
    Map<String, Object> listEvents(@RequestParam(defaultValue = "100") int limit,
                                   @RequestParam(required = false) String cursor) {
        return PagedJson.of("events", runtime.events().list(PagedJson.limit(limit, 500), cursor), Json::adminEvent);
    }

    @PostMapping("/api/admin/events")
    ResponseEntity<Map<String, Object>> createEvent(@RequestBody(required = false) JsonNode body) {
        Event event = runtime.events().create(EventRequests.slug(body), EventRequests.patch(body));
        return ResponseEntity.status(HttpStatus.CREATED).body(Json.adminEvent(event));
    }

    @GetMapping("/api/admin/events/{slug}")
    Map<String, Object> getEvent(@PathVariable String slug) {
        return Json.adminEvent(runtime.events().get(slug));
    }

    @PatchMapping("/api/admin/events/{slug}")
    Map<String, Object> updateEvent(@PathVariable String slug, @RequestBody(required = false) JsonNode body) {
        if (body != null && body.has("slug") && !slug.equals(body.get("slug").asText())) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "the slug of an event cannot change");
        }
        return Json.adminEvent(runtime.events().update(slug, EventRequests.patch(body)));
    }

    /** Deletes the event with every object and row of it: a job (202, follow its Location). */
    @DeleteMapping("/api/admin/events/{slug}")
    ResponseEntity<Map<String, Object>> deleteEvent(@PathVariable String slug) {
        return JobsController.accepted(runtime.deletions().delete(slug));
    }
}
