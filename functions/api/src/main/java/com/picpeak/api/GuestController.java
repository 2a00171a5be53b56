package com.picpeak.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.protect.ImageTiles;
import com.picpeak.protect.ImageAccess;
import com.picpeak.protect.FingerprintedDelivery;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.protect.ImageProtection;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Page;
import com.picpeak.catalog.Photo;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.GalleryService;
import com.picpeak.gallery.GalleryService.GuestAccess;
import com.picpeak.gallery.ApiTokens;
import com.picpeak.gallery.ContentTags;
import com.picpeak.gallery.Downloader;
import com.picpeak.gallery.GuestSessions;
import com.picpeak.gallery.TrustedProxies;
import com.picpeak.rendition.DownloadSize;
import com.picpeak.rendition.Tier;
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
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;

/** The guest routes. Each request is checked against its own event by {@code GalleryService.access}. */
@RestController
public class GuestController {
    static final String SESSION_COOKIE = "picpeak_session";
    private static final String CACHE_PRIVATE = "private, max-age=86400";
    /** Token-bound images: the browser keeps no copy (each view asks for a new token anyway). */
    private static final String NO_STORE = "private, no-store";
    /** The version of a listing page's JSON shape (Json.guestPhoto): part of its entity tag. */
    static final String LISTING_SHAPE = "tiers2";
    /** A shared cache keeps a signed tier at most this long, whatever its token's expiry. */
    static final Duration MAX_SHARED_AGE = Duration.ofDays(1);

    /** Rendered listing pages kept: a few hundred pages of 100 photos. */
    static final long RENDERED_PAGE_BYTES = 16L * 1024 * 1024;

    private final PicPeakRuntime runtime;
    private final ObjectMapper jsonWriter;
    private final RenderedPages renderedPages = new RenderedPages(RENDERED_PAGE_BYTES);

    /** @param jsonWriter Spring's (the one every other answer is written with) */
    public GuestController(PicPeakRuntime runtime, ObjectMapper jsonWriter) {
        this.runtime = runtime;
        this.jsonWriter = jsonWriter;
    }

    /**
     * The event as a guest sees it. {@code downloadAllSize} (bytes, or null while unknown) is given only to
     * a guest who may open the gallery: it pages the photo rows once per revision.
     */
    @GetMapping("/api/gallery/{slug}")
    ResponseEntity<Map<String, Object>> info(@PathVariable String slug, HttpServletRequest request) {
        String bearer = sessionToken(request);
        Event event;
        GuestAccess opened; // null while the guest may not open the gallery (it needs the password)
        if (ApiTokens.isApiToken(bearer)) { // refused (401, 404) like every route of the token
            opened = access(slug, request);
            event = opened.event();
        } else {
            event = runtime.gallery().visibleEvent(slug);
            opened = runtime.gallery().openAccess(event, bearer).orElse(null);
        }
        boolean mayOpen = opened != null;
        Map<String, Object> json = Json.guestEvent(event);
        Long downloadAllSize = null;
        if (event.allowDownloads() && mayOpen) {
            OptionalLong length = runtime.downloadAll().expectedLength(event);
            downloadAllSize = length.isPresent() ? length.getAsLong() : null;
        }
        json.put("downloadAllSize", downloadAllSize);
        json.put("downloads", downloads(event, opened));
        // the answer is small and made from the event row: its tag is a hash of what it says
        String tag = ConditionalGet.quoted("e" + event.revision() + "-" + ContentTags.of(json.toString()));
        return ConditionalGet.answer(request, tag, () -> json);
    }

    /**
     * {@code {"used","limit"}}: what this guest has used of the event's download limit ({@code used} null for a guest
     * who may not open the gallery yet; both null without a limit).
     */
    private Map<String, Object> downloads(Event event, GuestAccess opened) {
        Map<String, Object> downloads = new LinkedHashMap<>();
        Integer used = null;
        if (event.limitsDownloads() && opened != null) {
            used = runtime.downloadLimits().usage(event, Downloader.of(opened)).used();
        }
        downloads.put("used", used);
        downloads.put("limit", event.downloadLimit());
        return downloads;
    }

    @PostMapping("/api/gallery/{slug}/auth")
    ResponseEntity<Map<String, Object>> signIn(@PathVariable String slug, @RequestBody(required = false) Map<String, Object> body,
                                               HttpServletRequest request) {
        GalleryService.Credentials credentials = new GalleryService.Credentials(stringField(body, "password"),
                stringField(body, "name"), stringField(body, "email"), stringField(body, "pin"));
        GuestSessions.Session session = runtime.gallery().signInAs(slug, credentials, clientAddress(runtime, request));
        ResponseCookie cookie = ResponseCookie.from(SESSION_COOKIE, session.token()).httpOnly(true).sameSite("Lax")
                .path("/").secure(isHttps(request))
                .maxAge(Duration.between(runtime.clock().instant(), session.expiresAt())).build();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("token", session.token());
        json.put("expiresAt", session.expiresAt());
        json.put("guestId", session.guestId().orElse(null));
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, cookie.toString()).body(json);
    }

    /** A string field of the sign-in body (null when absent); a 400 naming it when it is not a string. */
    private static String stringField(Map<String, Object> body, String field) {
        Object value = body == null ? null : body.get(field);
        if (value != null && !(value instanceof String)) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"" + field + "\" must be a string");
        }
        return (String) value;
    }

    /**
     * A page of the listing, tagged by the event's revision and the page: a browser that has it revalidates with
     * {@code If-None-Match} and gets 304 without a photo row being read; otherwise the page's JSON comes from the
     * in-process cache of rendered pages by that tag, else is made from the cache of that revision's pages, or the
     * catalog.
     */
    @GetMapping("/api/gallery/{slug}/photos")
    ResponseEntity<byte[]> photos(@PathVariable String slug, @RequestParam(required = false) Integer limit,
                                  @RequestParam(required = false) String cursor, HttpServletRequest request) {
        GuestAccess access = access(slug, request);
        List<DownloadSize> sizes = DownloadSize.named(access.event().downloadSizes());
        // the offered sizes are in every photo's JSON but change no revision: they are part of the page's tag;
        // at basic and standard the tier URLs are signed for the current window: the page changes with the window
        Optional<ImageProtection.TierUrlSigner> signer = runtime.protection().tierUrlSigner(access.event());
        String view = LISTING_SHAPE + "|" + String.join(",", access.event().downloadSizes())
                + signer.map(s -> "|w" + s.window() + "|v" + s.versionTag()).orElse("");
        String tag = ConditionalGet.quoted(runtime.gallery().pageTag(access, limit, cursor, view));
        return ConditionalGet.answerJson(request, tag, () -> renderedPages.get(access.event().slug() + "|" + tag, () -> {
            Page<Photo> page = runtime.gallery().photos(access, limit, cursor);
            BiFunction<Photo, Tier, String> tierQuery = signer.<BiFunction<Photo, Tier, String>>map(s -> s::query)
                    .orElse((photo, tier) -> "");
            List<Map<String, Object>> photos = page.items().stream().map(p -> Json.guestPhoto(p, sizes, tierQuery))
                    .toList();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("photos", photos);
            json.put("nextCursor", page.nextCursor());
            try {
                return jsonWriter.writeValueAsBytes(json);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a listing page could not be written as JSON", e);
            }
        }));
    }

    @GetMapping("/api/gallery/{slug}/photos/{id}")
    void photo(@PathVariable String slug, @PathVariable String id, @RequestParam(name = "t", required = false) String token,
               HttpServletRequest request, HttpServletResponse response) throws IOException {
        GuestAccess access = access(slug, request);
        Photo photo = runtime.gallery().photo(access, id);
        serve(request, response, runtime.protection().view(access, photo, client(runtime, request), token), NO_STORE);
    }

    @GetMapping("/api/gallery/{slug}/photos/{id}/tiles/{index}")
    void tile(@PathVariable String slug, @PathVariable String id, @PathVariable int index,
              @RequestParam(name = "t", required = false) String token, HttpServletRequest request,
              HttpServletResponse response) throws IOException {
        GuestAccess access = access(slug, request);
        Photo photo = runtime.gallery().photo(access, id);
        serve(request, response, runtime.protection().tile(access, photo, index, client(runtime, request), token),
                NO_STORE);
    }

    @GetMapping("/api/gallery/{slug}/photos/{id}/thumbnail")
    void thumbnail(@PathVariable String slug, @PathVariable String id, HttpServletRequest request,
                   HttpServletResponse response) throws IOException {
        GuestAccess access = access(slug, request);
        Photo photo = runtime.gallery().photo(access, id);
        serve(request, response, runtime.protection().thumbnail(access, photo, client(runtime, request)), CACHE_PRIVATE);
    }

    /**
     * A rendition tier (thumbnail or preview) of the photo, made on its first request. At basic and standard a
     * signed URL ({@code sig}, from the listing, spelled only as listed) opens it without a session and makes it
     * cacheable by any shared cache (the CDN) until the token expires; without a valid one the guest's session decides, as before. At
     * enhanced a preview needs the token of a view grant and carries the guest's fingerprint: never shared.
     */
    @GetMapping("/api/gallery/{slug}/photos/{id}/r/{tier}")
    void rendition(@PathVariable String slug, @PathVariable String id, @PathVariable String tier,
                   @RequestParam(name = "t", required = false) String token,
                   @RequestParam(name = ImageProtection.SIGNED_URL_PARAMETER, required = false) String signature,
                   HttpServletRequest request, HttpServletResponse response) throws IOException {
        Tier chosen = Tier.parse(tier);
        if (signature != null) {
            Event event = runtime.gallery().visibleEvent(slug);
            Photo photo = runtime.gallery().photo(new GuestAccess(event, null), id);
            // one spelling only, the listed one (the CDN keys on the whole query): anything else opens nothing
            Optional<ImageProtection.SignedServe> signed = isCanonicalSignedQuery(request, signature)
                    ? runtime.protection().tierBySignedUrl(event, photo, chosen, signature) : Optional.empty();
            if (signed.isPresent()) {
                FingerprintedDelivery.Served served = signed.get().served();
                // a shared cache keeps it no longer than the token, nor past the gallery's own expiry
                Instant until = event.expiresAt() != null && event.expiresAt().isBefore(signed.get().expiresAt())
                        ? event.expiresAt() : signed.get().expiresAt();
                long seconds = Duration.between(runtime.clock().instant(), until).getSeconds();
                long maxAge = Math.max(0, Math.min(seconds, MAX_SHARED_AGE.getSeconds()));
                BlobResponder.serve(request, response, runtime, served.key(), served.etag(), served.size(),
                        served.contentType(), null, "public, max-age=" + maxAge);
                return;
            }
            // a gallery without a password needs no session: a stale URL falls back to the guest's own answer
            if (sessionToken(request) == null && event.requiresPassword()) {
                throw new PicPeakException(ErrorCode.ACCESS_TOKEN_INVALID, "this image URL has expired or is not "
                        + "this photo's: list the gallery again (GET /api/gallery/" + slug + "/photos) for fresh URLs");
            }
        }
        GuestAccess access = access(slug, request);
        Photo photo = runtime.gallery().photo(access, id);
        boolean perGuest = access.event().protection().tracesGuests();
        serve(request, response, runtime.protection().tier(access, photo, chosen, client(runtime, request), token),
                perGuest ? NO_STORE : chosen.thumbnail() ? CACHE_PRIVATE : NO_STORE);
    }

    /**
     * Whether the query is exactly {@code sig=<token>} as the listing wrote it: no other parameter, no repeat, no
     * percent-encoding. The CDN's cache key holds the whole query, so a re-spelled URL would be a second entry.
     */
    static boolean isCanonicalSignedQuery(HttpServletRequest request, String signature) {
        return (ImageProtection.SIGNED_URL_PARAMETER + "=" + signature).equals(request.getQueryString());
    }

    /**
     * A single download: the original, or with {@code size=large|web} a JPEG fitted into 2560 or 2048 px where the
     * event offers that size.
     */
    @GetMapping("/api/gallery/{slug}/photos/{id}/download")
    void download(@PathVariable String slug, @PathVariable String id, @RequestParam(name = "t", required = false) String token,
                  @RequestParam(name = "size", required = false) String size, HttpServletRequest request,
                  HttpServletResponse response) throws IOException {
        DownloadSize chosen = DownloadSize.parse(size);
        GuestAccess access = access(slug, request);
        Photo photo = runtime.gallery().downloadablePhoto(access, id, chosen);
        FingerprintedDelivery.Served served = runtime.protection().download(access, photo, client(runtime, request),
                token, chosen);
        // counted before the first byte and before any presigned URL (BlobResponder may answer with one)
        Downloader downloader = Downloader.of(access);
        runtime.downloadLimits().grant(access.event(), downloader, photo.id());
        if (startsAtFirstByte(request)) { // a resumed download is the same download: counted once
            runtime.activity().countDownload(access.event(), downloader, photo.id());
        }
        serve(request, response, served, NO_STORE);
    }

    /** Whether the request asks for the response from its first byte (no range, or a range from 0). */
    static boolean startsAtFirstByte(HttpServletRequest request) {
        String range = request.getHeader("Range");
        return range == null || range.replace(" ", "").startsWith("bytes=0-");
    }

    @GetMapping("/api/gallery/{slug}/hero")
    void hero(@PathVariable String slug, HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, runtime.protection().hero(access(slug, request), client(runtime, request)), CACHE_PRIVATE);
    }

    /**
     * What the page needs to show or download a photo: at enhanced and maximum a short-lived token (and at
     * maximum the tiles to fetch with it); below, the plain URLs.
     */
    @PostMapping("/api/gallery/{slug}/photos/{id}/access")
    Map<String, Object> grant(@PathVariable String slug, @PathVariable String id,
                              @RequestBody(required = false) Map<String, Object> body, HttpServletRequest request) {
        Object purposeValue = body == null ? null : body.get("purpose");
        if (purposeValue != null && !(purposeValue instanceof String)) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"purpose\" must be \"view\" or \"download\"");
        }
        ImageAccess.Purpose purpose = purposeValue == null ? ImageAccess.Purpose.VIEW
                : ImageAccess.Purpose.parse((String) purposeValue);
        GuestAccess access = access(slug, request);
        Photo photo = purpose == ImageAccess.Purpose.DOWNLOAD ? runtime.gallery().downloadablePhoto(access, id)
                : runtime.gallery().photo(access, id);
        ImageProtection.Grant grant = runtime.protection().grant(access, photo, purpose, client(runtime, request));
        String base = "/api/gallery/" + slug + "/photos/" + photo.id();
        String query = grant.token() == null ? "" : "?t=" + grant.token();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("purpose", purpose.wireName());
        json.put("token", grant.token());
        json.put("expiresAt", grant.expiresAt());
        json.put("uses", grant.token() == null ? null : grant.uses());
        if (grant.tiles() != null) {
            ImageTiles.TileLayout layout = grant.tiles();
            Map<String, Object> tiles = new LinkedHashMap<>();
            tiles.put("columns", layout.columns());
            tiles.put("rows", layout.rows());
            tiles.put("width", layout.width());
            tiles.put("height", layout.height());
            tiles.put("items", layout.tiles().stream().map(t -> Map.of("index", t.index(), "x", t.x(), "y", t.y(),
                    "width", t.width(), "height", t.height(), "url", base + "/tiles/" + t.index() + query)).toList());
            json.put("url", null);
            json.put("tiles", tiles);
        } else {
            json.put("url", base + (purpose == ImageAccess.Purpose.DOWNLOAD ? "/download" : "") + query);
            json.put("tiles", null);
        }
        // the viewer's preview tiers, each URL good for one fetch with the token (the browser fetches one of them)
        json.put("previews", purpose == ImageAccess.Purpose.VIEW && grant.tiles() == null
                ? Json.previews(photo, query) : null);
        return json;
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, FingerprintedDelivery.Served served,
                       String cacheControl) throws IOException {
        if (!served.fingerprinted()) { // the stored bytes, the same for every guest: the browser may keep them
            BlobResponder.serve(request, response, runtime, served.key(), served.etag(), served.size(),
                    served.contentType(), served.downloadName(), CACHE_PRIVATE);
            return;
        }
        BlobResponder.serveFingerprinted(request, response, runtime, served, cacheControl);
    }

    static ImageAccess.Client client(PicPeakRuntime runtime, HttpServletRequest request) {
        return new ImageAccess.Client(clientAddress(runtime, request), request.getHeader("User-Agent"));
    }

    /**
     * The client's address: the connection's peer (in the serverless shape API Gateway's
     * {@code requestContext.http.sourceIp}), or, when that peer is a proxy named in {@code PICPEAK_TRUSTED_PROXIES},
     * the address it forwarded in {@code X-Forwarded-For}; behind the stack's CloudFront, the viewer's address it
     * forwarded, when the request carries the origin secret. A client's own headers count for nothing.
     */
    static String clientAddress(PicPeakRuntime runtime, HttpServletRequest request) {
        TrustedProxies proxies = runtime.appConfig().trustedProxies();
        if (proxies.isEmpty()) {
            return request.getRemoteAddr();
        }
        return proxies.clientAddress(request.getRemoteAddr(), Collections.list(request.getHeaders("X-Forwarded-For")),
                request.getHeader(TrustedProxies.ORIGIN_SECRET_HEADER), request.getHeader(TrustedProxies.VIEWER_ADDRESS_HEADER));
    }

    GuestAccess access(String slug, HttpServletRequest request) {
        // an API token needs "download" for a photo as downloaded, "list" for everything else
        ApiTokens.Scope scope = request.getRequestURI().endsWith("/download") ? ApiTokens.Scope.DOWNLOAD
                : ApiTokens.Scope.LIST;
        return access(runtime, slug, request, scope);
    }

    /** The request's access to the event: its session, or an API token used for {@code scope} (recorded with its route). */
    static GuestAccess access(PicPeakRuntime runtime, String slug, HttpServletRequest request, ApiTokens.Scope scope) {
        return runtime.gallery().access(slug, sessionToken(request), scope, request.getMethod() + " "
                + request.getRequestURI());
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
