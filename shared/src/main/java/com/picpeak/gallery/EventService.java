package com.picpeak.gallery;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Page;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.notify.DomainEvent;
import com.picpeak.notify.EventSink;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** What an admin does with events and their photos (imports go through ImportService). */
public final class EventService {
    private static final Logger log = LoggerFactory.getLogger(EventService.class);
    public static final int MAX_TITLE_LENGTH = 200;
    /** For new passwords; a shorter one set before (the minimum was 4) keeps working until it is changed. */
    public static final int MIN_PASSWORD_LENGTH = 6;

    private final Catalog catalog;
    private final BlobStore store;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final EventSink events;

    public EventService(Catalog catalog, BlobStore store, PasswordHasher hasher, Clock clock) {
        this(catalog, store, hasher, clock, EventSink.NONE);
    }

    /** @param events receives {@code photo.deleted} for every photo deleted */
    public EventService(Catalog catalog, BlobStore store, PasswordHasher hasher, Clock clock, EventSink events) {
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
                0, null, null, 0, now, now, null, patched.protection());
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

    /** Removes the row first (the gallery stops showing it at once), then its objects and renditions. */
    public void deletePhoto(String slug, String photoId) {
        if (get(slug).isArchived()) { // its archive holds the photo: restore first, so the two stay in step
            throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is archived: restore it before "
                    + "deleting photos");
        }
        Photo photo = photo(slug, photoId);
        if (!catalog.deletePhoto(slug, photoId)) {
            throw photoNotFound(slug, photoId);
        }
        if (photo.source() == PhotoSource.EXTERNAL) {
            // the referenced file stays in the photographer's folder: keep its name taken so the watcher
            // does not bring it back
            catalog.claimFilename(slug, photo.filename());
        }
        events.publish(DomainEvent.photoDeleted(photo, clock.instant()));
        catalog.updateEvent(slug, e -> photoId.equals(e.heroPhotoId()) ? e.withHero(null, null, clock.instant()) : e);
        List<String> keys = new java.util.ArrayList<>(List.of(photo.key(), photo.thumbnailKey(), Keys.hero(slug, photoId)));
        try (Stream<BlobInfo> renditions = store.list(Keys.renditionsOf(slug, photoId))) {
            renditions.forEach(rendition -> keys.add(rendition.key()));
        } catch (PicPeakException e) {
            log.warn("photo {} of {} is deleted but its renditions could not be listed: {}", photoId, slug, e.getMessage());
        }
        for (String key : keys) {
            try {
                store.delete(key);
            } catch (PicPeakException e) {
                log.warn("photo {} of {} is deleted but its object {} could not be: {}", photoId, slug, key, e.getMessage());
            }
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
            if (title.isEmpty() || title.length() > MAX_TITLE_LENGTH) {
                throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"title\" must be 1 to " + MAX_TITLE_LENGTH
                        + " characters");
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
                p.protection() == null ? e.protection() : p.protection().applyTo(e.protection()));
    }

    static PicPeakException notFound(String slug) {
        return new PicPeakException(ErrorCode.EVENT_NOT_FOUND, "there is no event '" + slug + "'");
    }

    static PicPeakException photoNotFound(String slug, String photoId) {
        return new PicPeakException(ErrorCode.PHOTO_NOT_FOUND, "event '" + slug + "' has no photo '" + photoId + "'");
    }
}
