package com.picpeak.gallery;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Names;
import com.picpeak.catalog.Page;
import com.picpeak.catalog.Photo;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.rendition.DownloadSize;
import com.picpeak.error.TooManyRequestsException;

import java.time.Clock;
import java.time.Duration;

/**
 * What a guest may see. Every call is checked against the guest's own event: a session is valid for
 * one event only, and photos are looked up inside that event, so a guest of A never reads B.
 * Inactive and unknown events look the same (404); expired ones say so (410).
 */
public final class GalleryService {
    public static final int MAX_PAGE_SIZE = 200;

    private final Catalog catalog;
    private final PasswordHasher hasher;
    private final GuestSessions sessions;
    private final PasswordGuesses guesses;
    private final Clock clock;
    private final SessionIssuance issuance;
    private final ListingPages pages = new ListingPages(256);
    private final ApiTokens apiTokens;

    /** @param guesses holds back clients that guess passwords (counted in the catalog, so across instances) */
    public GalleryService(Catalog catalog, PasswordHasher hasher, GuestSessions sessions, PasswordGuesses guesses,
                          Clock clock) {
        this(catalog, hasher, sessions, guesses, null, clock);
    }

    /** @param issuance bounds the sessions one client network is issued per minute (null: no bound) */
    public GalleryService(Catalog catalog, PasswordHasher hasher, GuestSessions sessions, PasswordGuesses guesses,
                          SessionIssuance issuance, Clock clock) {
        this(catalog, hasher, sessions, guesses, issuance, null, clock);
    }

    /** @param apiTokens the scoped API tokens that open the guest API without a session (null: none accepted) */
    public GalleryService(Catalog catalog, PasswordHasher hasher, GuestSessions sessions, PasswordGuesses guesses,
                          SessionIssuance issuance, ApiTokens apiTokens, Clock clock) {
        this.apiTokens = apiTokens;
        this.issuance = issuance;
        this.catalog = catalog;
        this.hasher = hasher;
        this.sessions = sessions;
        this.guesses = guesses;
        this.clock = clock;
    }

    /**
     * A guest who may see an event: the event and the session (null for a gallery without password, and for a
     * request with an API token: then {@code apiToken}).
     */
    public record GuestAccess(Event event, GuestSessions.Session session, ApiTokens.Token apiToken) {
        public GuestAccess(Event event, GuestSessions.Session session) {
            this(event, session, null);
        }
    }

    /** The event as a guest may learn of it before signing in. */
    public Event visibleEvent(String slug) {
        Event event = catalog.findEvent(Names.slug(slug)).orElse(null);
        if (event != null && event.isArchived()) {
            throw new PicPeakException(ErrorCode.EVENT_EXPIRED, "the gallery '" + slug + "' has been archived: "
                    + "ask the photographer if you need its photos");
        }
        if (event == null || !event.active()) {
            throw new PicPeakException(ErrorCode.EVENT_NOT_FOUND, "there is no gallery '" + slug + "'");
        }
        if (event.isExpired(clock.instant())) {
            throw new PicPeakException(ErrorCode.EVENT_EXPIRED, "the gallery '" + slug + "' expired on "
                    + event.expiresAt() + ": ask the photographer for a new link");
        }
        return event;
    }

    /**
     * Checks the password and issues a session (also for a gallery without password). A client that guessed
     * wrong too often is held back before its password is checked (429, see {@link PasswordGuesses}).
     *
     * @param clientAddress the client's address (the connection's peer, or what a trusted proxy forwarded)
     */
    public GuestSessions.Session signIn(String slug, String password, String clientAddress) {
        Event event = visibleEvent(slug);
        if (!event.requiresPassword()) {
            return issue(event, clientAddress);
        }
        if (password == null || password.isEmpty()) { // nothing to check, so no try taken
            throw wrongPassword(slug, Duration.ZERO);
        }
        PasswordGuesses.Attempt attempt = guesses.begin(event.slug(), clientAddress);
        if (!hasher.matches(password, event.passwordHash())) {
            throw wrongPassword(slug, guesses.failed(attempt));
        }
        guesses.succeeded(attempt);
        return issue(event, clientAddress);
    }

    /** A new session, counted against its network's sessions of the minute (429 past them). */
    private GuestSessions.Session issue(Event event, String clientAddress) {
        if (issuance != null) {
            issuance.admit(clientAddress);
        }
        return sessions.issue(event);
    }

    private static PicPeakException wrongPassword(String slug, Duration wait) {
        return new PicPeakException(ErrorCode.WRONG_PASSWORD, "wrong password for gallery '" + slug + "'"
                + (wait.isZero() ? "" : ": too many wrong passwords from your address, the next try in "
                + TooManyRequestsException.wholeSeconds(wait) + " s"));
    }

    /** The access a request with this token has to the event, or 401 when the gallery needs a password. */
    public GuestAccess access(String slug, String token) {
        Event event = visibleEvent(slug);
        GuestSessions.Session session = sessions.verify(token, event);
        if (event.requiresPassword() && session == null) {
            throw new PicPeakException(ErrorCode.UNAUTHORIZED, "gallery '" + slug + "' needs its password: "
                    + "POST /api/gallery/" + slug + "/auth first (the session may also have expired)");
        }
        return new GuestAccess(event, session);
    }

    /**
     * The access of a request with this bearer value for {@code scope} on {@code route}: an API token (its events,
     * its scopes, its rate; the use recorded; no password needed), else the session as {@link #access(String, String)}.
     */
    public GuestAccess access(String slug, String bearer, ApiTokens.Scope scope, String route) {
        if (apiTokens != null && ApiTokens.isApiToken(bearer)) {
            ApiTokens.Token token = apiTokens.use(bearer, slug, scope, route); // 401 or 404 before the event is read
            return new GuestAccess(visibleEvent(slug), null, token);
        }
        return access(slug, bearer);
    }

    /** The access of a request with this session token to the event already read, or empty while it may not open it. */
    public java.util.Optional<GuestAccess> openAccess(Event event, String token) {
        GuestSessions.Session session = sessions.verify(token, event);
        return event.requiresPassword() && session == null ? java.util.Optional.empty()
                : java.util.Optional.of(new GuestAccess(event, session));
    }

    /** Whether a request with this token may open the event's gallery (no password, or a valid session). */
    public boolean mayOpen(Event event, String token) {
        return !event.requiresPassword() || sessions.verify(token, event) != null;
    }

    /**
     * A page of the event's photos. Pages are kept in process memory by the event's revision (read with the
     * event row on every request), so a repeat view reads no photo rows.
     */
    public Page<Photo> photos(GuestAccess access, Integer limit, String cursor) {
        int size = pageSize(limit);
        Event event = access.event();
        return pages.get(event.slug(), event.revision(), size, cursor,
                () -> catalog.listPhotos(event.slug(), size, cursor));
    }

    /**
     * The entity tag of a listing page: the event's revision and what names the page, plus {@code view} (what
     * else the caller's answer depends on, such as its JSON shape). The same on every instance, so a browser's
     * {@code If-None-Match} is answered without reading a photo row.
     */
    public String pageTag(GuestAccess access, Integer limit, String cursor, String view) {
        Event event = access.event();
        return "l" + event.revision() + "-" + ContentTags.of(event.slug() + "|" + pageSize(limit) + "|"
                + (cursor == null ? "" : cursor) + "|" + view);
    }

    private static int pageSize(Integer limit) {
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "limit must be 1 to " + MAX_PAGE_SIZE);
        }
        return size;
    }

    public Photo photo(GuestAccess access, String photoId) {
        String slug = access.event().slug();
        if (!Names.isPhotoId(photoId)) {
            throw EventService.photoNotFound(slug, photoId);
        }
        return catalog.findPhoto(slug, photoId).orElseThrow(() -> EventService.photoNotFound(slug, photoId));
    }

    /** A photo the guest may download (not only view). */
    public Photo downloadablePhoto(GuestAccess access, String photoId) {
        requireDownloads(access);
        return photo(access, photoId);
    }

    /** A photo the guest may download at {@code size}: downloads allowed, and the size one the event offers. */
    public Photo downloadablePhoto(GuestAccess access, String photoId, DownloadSize size) {
        requireDownloadSize(access, size);
        return photo(access, photoId);
    }

    /** Downloads allowed, and {@code size} one of the event's offered sizes (else 403 naming the offered ones). */
    public void requireDownloadSize(GuestAccess access, DownloadSize size) {
        requireDownloads(access);
        Event event = access.event();
        if (!event.offersDownloadSize(size.wireName())) {
            throw new PicPeakException(ErrorCode.SIZE_NOT_OFFERED, "gallery '" + event.slug() + "' does not offer "
                    + "the size '" + size.wireName() + "'; it offers " + String.join(", ", event.downloadSizes()));
        }
    }

    /** Downloads must be allowed (whether they are watermarked is the download path's business). */
    public void requireDownloads(GuestAccess access) {
        Event event = access.event();
        if (!event.allowDownloads()) {
            throw new PicPeakException(ErrorCode.DOWNLOADS_DISABLED, "downloads are turned off for gallery '"
                    + event.slug() + "'");
        }
    }
}
