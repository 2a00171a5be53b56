package com.picpeak.gallery;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.GuestPolicy;
import com.picpeak.catalog.Names;
import com.picpeak.catalog.Page;
import com.picpeak.catalog.Photo;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.rendition.DownloadSize;
import com.picpeak.error.TooManyRequestsException;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

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
    private final Guests guests;
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
        this(catalog, hasher, sessions, guesses, issuance, null, null, clock);
    }

    /** @param guests the events' guests, for galleries with guest identity (null: every gallery signs in anonymously) */
    public GalleryService(Catalog catalog, PasswordHasher hasher, GuestSessions sessions, PasswordGuesses guesses,
                          SessionIssuance issuance, Guests guests, Clock clock) {
        this(catalog, hasher, sessions, guesses, issuance, guests, null, clock);
    }

    /**
     * @param guests    the events' guests, for galleries with guest identity (null: every gallery signs in anonymously)
     * @param apiTokens the scoped API tokens that open the guest API without a session (null: none accepted)
     */
    public GalleryService(Catalog catalog, PasswordHasher hasher, GuestSessions sessions, PasswordGuesses guesses,
                          SessionIssuance issuance, Guests guests, ApiTokens apiTokens, Clock clock) {
        this.guests = guests;
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

        /** The guest making the request: empty without guest identity (or without a session). */
        public Optional<String> guestId() {
            return session == null ? Optional.empty() : session.guestId();
        }
    }

    /** What a guest gives at the door: the gallery password, and a name (with an optional email) or a PIN. */
    public record Credentials(String password, String name, String email, String pin) {
        public static Credentials password(String password) {
            return new Credentials(password, null, null, null);
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
        return signInAs(slug, Credentials.password(password), clientAddress);
    }

    /**
     * As {@link #signIn(String, String, String)}, and where the event asks who the guest is (its guest identity),
     * the name or the PIN: a missing one is a 401 naming the field; a wrong PIN counts as a wrong password.
     */
    public GuestSessions.Session signInAs(String slug, Credentials credentials, String clientAddress) {
        Event event = visibleEvent(slug);
        GuestPolicy.Identity identity = guests == null ? GuestPolicy.Identity.NONE : event.guests().identity();
        if (event.requiresPassword() && empty(credentials.password())) { // nothing to check, so no try taken
            throw wrongPassword(slug, Duration.ZERO);
        }
        if (identity == GuestPolicy.Identity.NAME && empty(credentials.name())) {
            throw new PicPeakException(ErrorCode.NAME_REQUIRED, "gallery '" + slug + "' asks each guest for their "
                    + "\"name\" (and optionally \"email\")");
        }
        if (identity == GuestPolicy.Identity.PIN && empty(credentials.pin())) {
            throw new PicPeakException(ErrorCode.PIN_REQUIRED, "gallery '" + slug + "' asks each guest for their "
                    + "\"pin\": the photographer hands it out");
        }
        PasswordGuesses.Attempt attempt = event.requiresPassword() || identity == GuestPolicy.Identity.PIN
                ? guesses.begin(event.slug(), clientAddress) : null;
        if (event.requiresPassword() && !hasher.matches(credentials.password(), event.passwordHash())) {
            throw wrongPassword(slug, guesses.failed(attempt));
        }
        GuestStore.Guest guest = null;
        if (identity == GuestPolicy.Identity.PIN) {
            guest = guests.byPin(event.slug(), credentials.pin()).orElse(null);
            if (guest == null) {
                Duration wait = guesses.failed(attempt);
                throw new PicPeakException(ErrorCode.WRONG_PIN, "wrong \"pin\" for gallery '" + slug + "'"
                        + (wait.isZero() ? "" : ": too many wrong guesses from your address, the next try in "
                        + TooManyRequestsException.wholeSeconds(wait) + " s"));
            }
        }
        if (attempt != null) {
            guesses.succeeded(attempt);
        }
        if (identity == GuestPolicy.Identity.NAME) {
            guest = guests.atTheDoor(event.slug(), credentials.name(), credentials.email());
        }
        if (issuance != null) {
            issuance.admit(clientAddress);
        }
        return guest == null ? sessions.issue(event) : sessions.issue(event, guest.id(), guest.generation());
    }

    private static boolean empty(String value) {
        return value == null || value.isBlank();
    }

    private static PicPeakException wrongPassword(String slug, Duration wait) {
        return new PicPeakException(ErrorCode.WRONG_PASSWORD, "wrong password for gallery '" + slug + "'"
                + (wait.isZero() ? "" : ": too many wrong passwords from your address, the next try in "
                + TooManyRequestsException.wholeSeconds(wait) + " s"));
    }

    /** The access a request with this token has to the event, or 401 when the gallery needs a password. */
    public GuestAccess access(String slug, String token) {
        Event event = visibleEvent(slug);
        GuestSessions.Session session = session(token, event);
        if (needsSession(event) && session == null) {
            throw new PicPeakException(ErrorCode.UNAUTHORIZED, "gallery '" + slug + "' needs its "
                    + (event.requiresPassword() ? "password" : event.guests().identity().wireName()) + ": "
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
        return !needsSession(event) || session(token, event) != null;
    }

    private boolean needsSession(Event event) {
        return event.requiresPassword() || (guests != null && event.guests().identity() != GuestPolicy.Identity.NONE);
    }

    /**
     * The session the token proves, a guest's only while the guest is still there at the generation it was issued
     * for (a new PIN, a merge or a removal ends it); in a gallery with guest identity only a guest's session counts.
     */
    private GuestSessions.Session session(String token, Event event) {
        GuestSessions.Session session = sessions.verify(token, event);
        if (session == null || guests == null) {
            return session;
        }
        if (session.guestId().isEmpty()) {
            return event.guests().identity() == GuestPolicy.Identity.NONE ? session : null;
        }
        return guests.find(event.slug(), session.guestId().get())
                .filter(guest -> guest.generation() == session.guestGeneration()).isPresent() ? session : null;
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
