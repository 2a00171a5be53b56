package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Photo;
import com.picpeak.gallery.Favourites;
import com.picpeak.gallery.GalleryService.GuestAccess;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * A guest's favourites and sending them to the photographer (docs/selections.md). Each route answers the
 * selection as it is now ({@link Json#selection}): its count against the event's limit, its state and its picks.
 */
@RestController
public class SelectionsController {
    private final PicPeakRuntime runtime;

    public SelectionsController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping("/api/gallery/{slug}/favourites")
    Map<String, Object> mine(@PathVariable String slug, HttpServletRequest request) {
        return Json.selection(runtime.favourites().mine(access(slug, request)));
    }

    @PutMapping("/api/gallery/{slug}/favourites/{photoId}")
    Map<String, Object> mark(@PathVariable String slug, @PathVariable String photoId, HttpServletRequest request) {
        GuestAccess access = access(slug, request);
        Photo photo = runtime.gallery().photo(access, photoId);
        return Json.selection(runtime.favourites().mark(access, photo));
    }

    @DeleteMapping("/api/gallery/{slug}/favourites/{photoId}")
    Map<String, Object> unmark(@PathVariable String slug, @PathVariable String photoId, HttpServletRequest request) {
        return Json.selection(runtime.favourites().unmark(access(slug, request), photoId));
    }

    /** Sends the selection, with an optional {@code note}: locked from now on until the photographer unlocks it. */
    @PostMapping("/api/gallery/{slug}/favourites/submit")
    Map<String, Object> submit(@PathVariable String slug, @RequestBody(required = false) JsonNode body,
                               HttpServletRequest request) {
        String note = body == null || body.isNull() ? null : JsonFields.text(body, "note");
        return Json.selection(runtime.favourites().submit(access(slug, request), note));
    }

    private GuestAccess access(String slug, HttpServletRequest request) {
        return runtime.gallery().access(slug, GuestController.sessionToken(request));
    }
}
