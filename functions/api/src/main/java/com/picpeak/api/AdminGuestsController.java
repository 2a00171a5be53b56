package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.Favourites;
import com.picpeak.gallery.GuestStore;
import com.picpeak.gallery.Guests;
import com.picpeak.gallery.SelectionExports;
import jakarta.servlet.http.HttpServletResponse;
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

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The photographer's side of guests and their selections (behind {@link RequestGate}; docs/selections.md): guests
 * (create with a PIN shown once, list with counts, new PIN, rename, merge, remove), the selections and their
 * exports, unlocking a sent selection.
 */
@RestController
public class AdminGuestsController {
    private final PicPeakRuntime runtime;
    private final ObjectMapper json;

    /** @param json the application's mapper (instants as ISO-8601 text), for the JSON answer written as it streams */
    public AdminGuestsController(PicPeakRuntime runtime, ObjectMapper json) {
        this.runtime = runtime;
        this.json = json;
    }

    @GetMapping("/api/admin/events/{slug}/guests")
    Map<String, Object> list(@PathVariable String slug) {
        Event event = runtime.events().get(slug);
        List<Map<String, Object>> guests = runtime.guests().list(event.slug()).stream()
                .map(g -> Json.guest(g, runtime.favourites().selectionOf(event.slug(), g.id()), null)).toList();
        return Map.of("guests", guests);
    }

    /** A new guest: 201 with the guest and its {@code pin}, shown in this answer only. */
    @PostMapping("/api/admin/events/{slug}/guests")
    ResponseEntity<Map<String, Object>> create(@PathVariable String slug, @RequestBody(required = false) JsonNode body) {
        Event event = runtime.events().get(slug);
        Guests.WithPin created = runtime.guests().create(event.slug(), text(body, "name"), text(body, "email"));
        return ResponseEntity.status(HttpStatus.CREATED).body(Json.guest(created.guest(), Optional.empty(),
                created.pin()));
    }

    @PatchMapping("/api/admin/events/{slug}/guests/{guestId}")
    Map<String, Object> rename(@PathVariable String slug, @PathVariable String guestId,
                               @RequestBody(required = false) JsonNode body) {
        Event event = runtime.events().get(slug);
        GuestStore.Guest guest = runtime.guests().rename(event.slug(), guestId, text(body, "name"), text(body, "email"));
        return Json.guest(guest, runtime.favourites().selectionOf(event.slug(), guestId), null);
    }

    /** A new PIN (shown in this answer only): the old one stops working and the guest's sessions end. */
    @PostMapping("/api/admin/events/{slug}/guests/{guestId}/reset-pin")
    Map<String, Object> resetPin(@PathVariable String slug, @PathVariable String guestId) {
        Event event = runtime.events().get(slug);
        Guests.WithPin reset = runtime.guests().resetPin(event.slug(), guestId);
        return Json.guest(reset.guest(), runtime.favourites().selectionOf(event.slug(), guestId), reset.pin());
    }

    /** Merges the guest {@code "from"} into this one (the same person twice): their picks join here. */
    @PostMapping("/api/admin/events/{slug}/guests/{guestId}/merge")
    Map<String, Object> merge(@PathVariable String slug, @PathVariable String guestId,
                              @RequestBody(required = false) JsonNode body) {
        Event event = runtime.events().get(slug);
        String from = text(body, "from");
        if (from == null) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"from\" (the id of the guest to merge into this "
                    + "one) is required");
        }
        GuestStore.Guest kept = runtime.guests().merge(event.slug(), guestId, from);
        return Json.guest(kept, runtime.favourites().selectionOf(event.slug(), guestId), null);
    }

    @DeleteMapping("/api/admin/events/{slug}/guests/{guestId}")
    ResponseEntity<Void> remove(@PathVariable String slug, @PathVariable String guestId) {
        Event event = runtime.events().get(slug);
        runtime.guests().remove(event.slug(), guestId);
        return ResponseEntity.noContent().build();
    }

    /**
     * The selections of the event (or of one guest, {@code guest=<guest id or selection id>}) as JSON, or as an
     * export: {@code csv}, {@code txt} (one file name a line), {@code xmp} (a zip of sidecars).
     */
    @GetMapping("/api/admin/events/{slug}/selections")
    void selections(@PathVariable String slug, @RequestParam(required = false) String format,
                    @RequestParam(required = false) String guest, HttpServletResponse response) throws IOException {
        SelectionExports.Format chosen = SelectionExports.Format.parse(format);
        Event event = runtime.events().get(slug);
        List<Favourites.View> views = runtime.favourites().selections(event, guest);
        Map<String, String> names = new HashMap<>();
        runtime.guests().list(event.slug()).forEach(g -> names.put(g.id(), g.name()));
        List<SelectionExports.Named> named = views.stream().map(v -> new SelectionExports.Named(v,
                v.guestId().map(id -> names.getOrDefault(id, "guest " + id))
                        .orElse("anonymous " + v.selectionId()))).toList();
        response.setContentType(chosen.contentType());
        response.setHeader("Cache-Control", "no-store");
        if (chosen != SelectionExports.Format.JSON) {
            response.setHeader("Content-Disposition", "attachment; filename=\"" + event.slug() + "-selections"
                    + (guest == null ? "" : "-" + guest.replaceAll("[^a-z0-9-]", "")) + "." + chosen.extension() + "\"");
        }
        OutputStream out = response.getOutputStream();
        switch (chosen) {
            case JSON -> json.writeValue(out, Map.of("selections", named.stream()
                    .map(n -> Json.adminSelection(n.selection(), n.guestName(), event.slug())).toList()));
            case CSV -> SelectionExports.csv(named, out);
            case TXT -> SelectionExports.txt(named, out);
            case XMP -> SelectionExports.xmp(named, out);
        }
        out.flush();
    }

    /** Opens a sent selection again: the guest may change it and send it anew. */
    @PostMapping("/api/admin/events/{slug}/selections/{selectionId}/unlock")
    Map<String, Object> unlock(@PathVariable String slug, @PathVariable String selectionId) {
        Event event = runtime.events().get(slug);
        return Json.selection(runtime.favourites().unlock(event, selectionId));
    }

    private static String text(JsonNode body, String field) {
        return body == null || !body.isObject() ? null : JsonFields.text(body, field);
    }
}
