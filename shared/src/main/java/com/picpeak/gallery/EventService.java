package com.picpeak.gallery;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Names;
import com.picpeak.catalog.Page;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.catalog.Tombstone;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.notify.DomainEvent;
import com.picpeak.notify.DomainEventSink;
import com.picpeak.rendition.DownloadSize;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What an admin does with events and their photos (imports go through ImportService). */
public final class EventService {
    private static final Logger log = LoggerFactory.getLogger(EventService.class);
    public static final int MAX_TITLE_LENGTH = 200;

    /**
     * The one rule of an event title (the admin API's and a restored backup's): 1 to {@value #MAX_TITLE_LENGTH}
     * characters, not blank, no control characters (C0, DEL, C1: an escape sequence or a line break would reach
     * pages, logs and terminals) and no line or paragraph separators. Text of every script passes, its
     * directional marks included.
     *
     * @return why the title is refused, or null when it is fine
     */
    public static String titleProblem(String title) {
        if (title == null || title.isBlank() || title.length() > MAX_TITLE_LENGTH) {
            return "\"title\" must be 1 to " + MAX_TITLE_LENGTH + " characters";
        }
        for (int i = 0; i < title.length(); i++) {
            char c = title.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return "\"title\" contains a control character (code " + (int) c + ") at position " + (i + 1);
            }
        }
        return null;
    }
    /** For new passwords; a shorter one set before (the minimum was 4) keeps working until it is changed. */
    public static final int MIN_PASSWORD_LENGTH = 6;

    private final Catalog catalog;
    private final BlobStore store;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final DomainEventSink events;
    private final FavouriteStore favourites;

    public EventService(Catalog catalog, BlobStore store, PasswordHasher hasher, Clock clock) {
        this(catalog, store, hasher, clock, DomainEventSink.NONE);
    }

    /** @param events receives {@code photo.deleted} for every photo deleted */
    public EventService(Catalog catalog, BlobStore store, PasswordHasher hasher, Clock clock, DomainEventSink events) {
        this(catalog, store, hasher, clock, events, null);
    }

    /** @param favourites the guests' selections, which a deleted photo leaves (null: none kept) */
    public EventService(Catalog catalog, BlobStore store, PasswordHasher hasher, Clock clock, DomainEventSink events,
                        FavouriteStore favourites) {
        this.favourites = favourites;
        this.events = events;
        this.catalog = catalog;
        this.store = store;
        this.hasher = hasher;
        this.clock = clock;
    }

    /** A new, active event with downloads allowed unless the request says otherwise. */
    public Event create(String slug, EventPatch fields) {
        Names.slug(slug);
        if (fields.title() == null) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"title\" is required");
        }
        Instant now = clock.instant();
        Event blank = new Event(slug, "", null, null, true, true, false, false, 0, null, null, 0, now, now, null);
        Event patched = applyPatch(blank, fields);
        Event event = new Event(patched.slug(), patched.title(), patched.passwordHash(), patched.expiresAt(),
                patched.active(), patched.allowDownloads(), patched.watermarkDownloads(), patched.allowDirectS3Download(),
                0, null, null, 0, now, now, null, patched.protection(), patched.downloadSizes(), patched.guests(),
                patched.downloadLimit());
        catalog.createEvent(event);
        return event;
    }

    public Event get(String slug) {
        return catalog.findEvent(Names.slug(slug)).orElseThrow(() -> notFound(slug));
    }

    public Page<Event> list(int limit, String cursor) {
        return catalog.listEvents(limit, cursor);
    }

    public Event update(String slug, EventPatch patch) {
        Names.slug(slug);
        return catalog.updateEvent(slug, current -> applyPatch(current, patch));
    }

    public Page<Photo> photos(String slug, int limit, String cursor) {
        get(slug);
        return catalog.listPhotos(slug, limit, cursor);
    }

    public Photo photo(String slug, String photoId) {
        if (!Names.isPhotoId(photoId)) {
            throw photoNotFound(slug, photoId);
        }
        return catalog.findPhoto(Names.slug(slug), photoId).orElseThrow(() -> photoNotFound(slug, photoId));
    }

    /**
     * Deletes a photo so that a crash or a storage outage can neither lose a delete nor bring the photo back:
     * storage must answer first (else 503, nothing changed); then the row goes and the name's claim becomes a
     * tombstone (the gallery stops showing the photo at once, the walker and the watcher do not import its
     * original again); then its objects go, and last the tombstone. If storage fails in between, the answer
     * is 503 and repeating the request finishes the delete.
     */
    public void deletePhoto(String slug, String photoId) {
        if (get(slug).isArchived()) { // its archive holds the photo: restore first, so the two stay in step
            throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is archived: restore it before "
                    + "deleting photos");
        }
        if (!Names.isPhotoId(photoId)) {
            throw photoNotFound(slug, photoId);
        }
        Optional<Photo> found = catalog.findPhoto(slug, photoId);
        if (found.isEmpty()) { // a delete that storage interrupted is finished now
            Tombstone tombstone = catalog.findTombstone(slug, photoId).orElseThrow(() -> photoNotFound(slug, photoId));
            boolean external = tombstone.originalKey().startsWith(Keys.EXTERNAL_PREFIX);
            removeObjects(slug, photoId, external ? List.of(Keys.thumbnail(slug, photoId))
                    : List.of(tombstone.originalKey(), Keys.thumbnail(slug, photoId)));
            if (!external) {
                catalog.clearTombstone(slug, tombstone.filename(), photoId);
            }
            return;
        }
        Photo photo = found.get();
        store.head(photo.key()); // storage answers, or 503 before anything changed
        if (!catalog.deletePhoto(slug, photoId)) {
            throw photoNotFound(slug, photoId);
        }
        events.publish(DomainEvent.photoDeleted(photo, clock.instant()));
        if (favourites != null) { // a deleted photo leaves every selection
            for (String owner : favourites.ownersOf(slug, photoId)) {
                favourites.drop(slug, owner, photoId);
            }
        }
        catalog.updateEvent(slug, e -> photoId.equals(e.heroPhotoId()) ? e.withHero(null, null, clock.instant()) : e);
        List<String> keys = new ArrayList<>(List.of(photo.thumbnailKey()));
        if (photo.source() != PhotoSource.EXTERNAL) {
            keys.add(photo.key());
        }
        removeObjects(slug, photoId, keys);
        if (photo.source() != PhotoSource.EXTERNAL) {
            // a referenced file stays in the photographer's folder: its tombstone keeps the watcher from
            // bringing it back; anything else's name is free again
            catalog.clearTombstone(slug, photo.filename(), photoId);
        }
    }

    /** The photo's objects, its hero and renditions; 503 naming what is left when storage fails meanwhile. */
    private void removeObjects(String slug, String photoId, List<String> keys) {
        try {
            List<String> all = new ArrayList<>(keys);
            all.add(Keys.hero(slug, photoId));
            try (Stream<BlobInfo> renditions = store.list(Keys.renditionsOf(slug, photoId))) {
                renditions.forEach(rendition -> all.add(rendition.key()));
            }
            all.forEach(store::delete);
        } catch (PicPeakException e) {
            log.warn("photo {} of {} is deleted from the gallery, its files not yet: {}", photoId, slug, e.getMessage());
            throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "photo " + photoId + " is deleted from the "
                    + "gallery, but its files could not be removed (" + e.getMessage() + "): repeat the request to "
                    + "finish", e);
        }
    }

    /** Records the hero photo and the key of its rendered hero image. */
    public Event setHero(String slug, String photoId, String heroKey) {
        return catalog.updateEvent(slug, e -> e.withHero(photoId, heroKey, clock.instant()));
    }

    private Event applyPatch(Event e, EventPatch p) {
        String title = e.title();
        if (p.title() != null) {
            title = p.title().strip();
            String problem = titleProblem(title);
            if (problem != null) {
                throw new PicPeakException(ErrorCode.INVALID_REQUEST, problem);
            }
        }
        String passwordHash = e.passwordHash();
        if (p.password() != null) {
            if (p.password().isEmpty()) {
                passwordHash = null;
            } else if (p.password().length() < MIN_PASSWORD_LENGTH) {
                throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"password\" must have at least "
                        + MIN_PASSWORD_LENGTH + " characters (or \"\" for a gallery without password)");
            } else {
                passwordHash = hasher.hash(p.password());
            }
        }
        Instant expiresAt = p.clearExpiry() ? null : (p.expiresAt() != null ? p.expiresAt() : e.expiresAt());
        boolean[] downloadFlags = DownloadRules.apply(e, p.watermarkDownloads(), p.allowDirectS3Download(),
                store.canPresign());
        return new Event(e.slug(), title, passwordHash, expiresAt,
                p.active() != null ? p.active() : e.active(),
                p.allowDownloads() != null ? p.allowDownloads() : e.allowDownloads(),
                downloadFlags[0], downloadFlags[1], e.revision(), e.heroPhotoId(), e.heroKey(), e.photoCount(),
                e.createdAt(), clock.instant(), e.archivedAt(),
                p.protection() == null ? e.protection() : p.protection().applyTo(e.protection()),
                p.downloadSizes() == null ? e.downloadSizes() : downloadSizes(p.downloadSizes()),
                p.guests() == null ? e.guests() : p.guests().applyTo(e.guests()),
                p.clearDownloadLimit() ? null : p.downloadLimit() != null ? downloadLimit(p.downloadLimit())
                        : e.downloadLimit());
    }

    /** A download limit: 0 (nothing may be downloaded) to {@value DownloadLimits#MAX_LIMIT} photos. */
    static Integer downloadLimit(int limit) {
        if (limit < 0 || limit > DownloadLimits.MAX_LIMIT) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"downloadLimit\" must be 0 to "
                    + DownloadLimits.MAX_LIMIT + " photos, or null for no limit");
        }
        return limit;
    }

    /**
     * The offered download sizes in their canonical order (original, large, web), the original always among them;
     * an unknown name is a 400 naming it.
     */
    static List<String> downloadSizes(List<String> requested) {
        EnumSet<DownloadSize> chosen = EnumSet.of(DownloadSize.ORIGINAL);
        for (String name : requested) {
            chosen.add(DownloadSize.parse(name, "downloadSizes"));
        }
        return chosen.stream().map(DownloadSize::wireName).toList();
    }

    static PicPeakException notFound(String slug) {
        return new PicPeakException(ErrorCode.EVENT_NOT_FOUND, "there is no event '" + slug + "'");
    }

    static PicPeakException photoNotFound(String slug, String photoId) {
        return new PicPeakException(ErrorCode.PHOTO_NOT_FOUND, "event '" + slug + "' has no photo '" + photoId + "'");
    }
}
