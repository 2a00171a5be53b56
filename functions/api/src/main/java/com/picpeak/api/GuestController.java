package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.archive.ArchiveService;
import com.picpeak.media.WatermarkService;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Page;
import com.picpeak.catalog.Photo;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.GalleryService.GuestAccess;
import com.picpeak.gallery.GuestSessions;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The guest routes. Each request is checked against its own event by {@code GalleryService.access}. */
@RestController
public class GuestController {
    static final String SESSION_COOKIE = "picpeak_session";
    private static final String CACHE_PRIVATE = "private, max-age=86400";

    private final PicPeakRuntime runtime;

    public GuestController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * The event as a guest sees it. {@code downloadAllSize} (bytes, or null while unknown) is given only to
     * a guest who may open the gallery: it pages the photo rows once per revision.
     */
    @GetMapping("/api/gallery/{slug}")
    Map<String, Object> info(@PathVariable String slug, HttpServletRequest request) {
        Event event = runtime.gallery().visibleEvent(slug);
        Map<String, Object> json = Json.guestEvent(event);
        Long downloadAllSize = null;
        if (event.allowDownloads() && runtime.gallery().mayOpen(event, sessionToken(request))) {
            OptionalLong length = runtime.archives().expectedLength(event);
            downloadAllSize = length.isPresent() ? length.getAsLong() : null;
        }
        json.put("downloadAllSize", downloadAllSize);
        return json;
    }

    @PostMapping("/api/gallery/{slug}/auth")
    ResponseEntity<Map<String, Object>> signIn(@PathVariable String slug, @RequestBody(required = false) Map<String, Object> body,
                                               HttpServletRequest request) {
        Object password = body == null ? null : body.get("password");
        if (password != null && !(password instanceof String)) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"password\" must be a string");
        }
        GuestSessions.Session session = runtime.gallery().signIn(slug, (String) password);
        ResponseCookie cookie = ResponseCookie.from(SESSION_COOKIE, session.token()).httpOnly(true).sameSite("Lax")
                .path("/").secure(isHttps(request))
                .maxAge(Duration.between(runtime.clock().instant(), session.expiresAt())).build();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("token", session.token());
        json.put("expiresAt", session.expiresAt());
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, cookie.toString()).body(json);
    }

    @GetMapping("/api/gallery/{slug}/photos")
    Map<String, Object> photos(@PathVariable String slug, @RequestParam(required = false) Integer limit,
                               @RequestParam(required = false) String cursor, HttpServletRequest request) {
        GuestAccess access = access(slug, request);
        Page<Photo> page = runtime.gallery().photos(access, limit, cursor);
        List<Map<String, Object>> photos = page.items().stream().map(Json::guestPhoto).toList();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("photos", photos);
        json.put("nextCursor", page.nextCursor());
        return json;
    }

    @GetMapping("/api/gallery/{slug}/photos/{id}")
    void photo(@PathVariable String slug, @PathVariable String id, HttpServletRequest request,
               HttpServletResponse response) throws IOException {
        Photo photo = runtime.gallery().photo(access(slug, request), id);
        BlobResponder.serve(request, response, runtime, photo.key(), photo.sha256(), photo.size(), photo.contentType(),
                null, CACHE_PRIVATE);
    }

    @GetMapping("/api/gallery/{slug}/photos/{id}/thumbnail")
    void thumbnail(@PathVariable String slug, @PathVariable String id, HttpServletRequest request,
                   HttpServletResponse response) throws IOException {
        Photo photo = runtime.gallery().photo(access(slug, request), id);
        BlobResponder.serve(request, response, runtime, photo.thumbnailKey(), "thumb-" + photo.id(), -1, "image/jpeg",
                null, CACHE_PRIVATE);
    }

    @GetMapping("/api/gallery/{slug}/photos/{id}/download")
    void download(@PathVariable String slug, @PathVariable String id, HttpServletRequest request,
                  HttpServletResponse response) throws IOException {
        GuestAccess access = access(slug, request);
        Photo photo = runtime.gallery().downloadablePhoto(access, id);
        if (access.event().watermarkDownloads()) { // never the original: the copy with the watermark in force
            WatermarkService.Copy copy = runtime.watermarks().copyOf(slug, photo.id(), photo.key());
            BlobResponder.serve(request, response, runtime, copy.key(), "wm-" + copy.watermarkVersion() + "-" + photo.id(),
                    copy.size(), "image/jpeg", ArchiveService.jpegName(photo.filename()), CACHE_PRIVATE);
            return;
        }
        BlobResponder.serve(request, response, runtime, photo.key(), photo.sha256(), photo.size(), photo.contentType(),
                photo.filename(), CACHE_PRIVATE);
    }

    @GetMapping("/api/gallery/{slug}/hero")
    void hero(@PathVariable String slug, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Event event = access(slug, request).event();
        if (event.heroKey() == null) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "gallery '" + slug + "' has no hero image");
        }
        BlobResponder.serve(request, response, runtime, event.heroKey(), "hero-" + event.heroPhotoId(), -1,
                "image/jpeg", null, CACHE_PRIVATE);
    }

    GuestAccess access(String slug, HttpServletRequest request) {
        return runtime.gallery().access(slug, sessionToken(request));
    }

    /** The guest's session: the cookie, or {@code Authorization: Bearer} for API clients. */
    static String sessionToken(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.startsWith("Bearer ")) {
            return header.substring(7).trim();
        }
        if (request.getCookies() != null) {
            for (Cookie cookie : request.getCookies()) {
                if (SESSION_COOKIE.equals(cookie.getName())) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    private static boolean isHttps(HttpServletRequest request) {
        return request.isSecure() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
    }
}
