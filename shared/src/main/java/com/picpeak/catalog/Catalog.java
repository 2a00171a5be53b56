package com.picpeak.catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The catalog: events and their photos. Writes that must happen once are conditional: a second
 * create of the same event, photo, file name or content fails instead of overwriting.
 */
public interface Catalog {

    /** @throws com.picpeak.error.PicPeakException CONFLICT when the slug is taken */
    void createEvent(Event event);

    Optional<Event> findEvent(String slug);

    /** Events in slug order. */
    Page<Event> listEvents(int limit, String cursor);

    /**
     * Applies {@code change} to the current event and stores the result only if nobody changed the event
     * in between (optimistic: retried a few times), so a PATCH never loses a concurrent revision bump.
     *
     * @throws com.picpeak.error.PicPeakException EVENT_NOT_FOUND
     */
    Event updateEvent(String slug, UnaryOperator<Event> change);

    /** Removes the event and every row that belongs to it (photos, claims). Objects are the caller's. */
    void deleteEvent(String slug);

    /**
     * Reserves a file name for good (a photo restored from a backup, a referenced file whose photo was
     * deleted). Returns false when the name is taken.
     */
    boolean claimFilename(String slug, String filename);

    /**
     * Reserves a file name within an event before its object is written, so two imports of the same name
     * never overwrite each other, for {@code lease}: an import that dies leaves a claim that others may take
     * once it has run out (the photo is then imported by them, once). Returns the claim's token, or empty
     * when the name is taken (by a photo, or by a live claim).
     */
    Optional<String> leaseFilename(String slug, String filename, Instant now, Duration lease);

    void releaseFilename(String slug, String filename);

    /**
     * Takes over the claim of an import that has not finished (no photo, no tombstone), live or not, for
     * {@code lease}: for a retry of the same upload, which takes back the leftover its failed import could not
     * release (the caller checks the bytes are the same). Empty when the name has a photo or a tombstone, or is free.
     */
    Optional<String> takeOverUnfinishedClaim(String slug, String filename, Instant now, Duration lease);

    /**
     * Releases the claim only while it is still the one with this token (no one took it over); false when it
     * was not (another import holds the name now, or its photo was added).
     */
    boolean releaseFilename(String slug, String filename, String claimToken);

    /**
     * Adds a photo and bumps the event's revision and photo count in one transaction.
     *
     * @throws com.picpeak.error.PicPeakException DUPLICATE_PHOTO (naming the existing photo) when the event
     *         already has the same bytes; EVENT_NOT_FOUND when the event is gone; CONFLICT while a job
     *         archives, restores or deletes the event
     */
    default void addPhoto(Photo photo) {
        addPhoto(photo, null);
    }

    /**
     * As {@link #addPhoto(Photo)}, and the file name's claim must still carry {@code claimToken} (when not
     * null): an import whose claim was taken over after its lease ran out adds nothing.
     */
    default void addPhoto(Photo photo, String claimToken) {
        addPhoto(photo, claimToken, null);
    }

    /**
     * As {@link #addPhoto(Photo, String)}, recording with the name's claim the version of the object the photo
     * was read from ({@code objectEtag}, may be null), so that a file replaced later is recognised.
     */
    void addPhoto(Photo photo, String claimToken, String objectEtag);

    /** The claim on a file name: who holds it, and which version of the object its photo was read from. */
    Optional<FileClaim> findFileClaim(String slug, String filename);

    /**
     * The event's file names that are imported, or being imported under a live claim, with their claims (one query,
     * paged): a photo's (with the object version it was read from, to recognise a replaced file), a live import's, a
     * deleted photo's tombstone. A name whose lease ran out by {@code now} (its import died) is not among them: it is
     * imported again, once. Auto-import compares what it finds with these.
     */
    Map<String, FileClaim> liveFileClaims(String slug, Instant now);

    /**
     * Makes {@code updated} the photo in place of {@code current} (same id, name and key; new bytes), with the
     * object version it was read from, and bumps the event's revision, in one transaction.
     *
     * @throws com.picpeak.error.PicPeakException DUPLICATE_PHOTO when the event has the new bytes as another
     *         photo; CONFLICT when the photo changed meanwhile or a job holds the event
     */
    void replacePhoto(Photo current, Photo updated, String objectEtag);

    Optional<Photo> findPhoto(String slug, String photoId);

    /** Photos in upload order (ids sort by time), {@code limit} at most. */
    Page<Photo> listPhotos(String slug, int limit, String cursor);

    /** Every photo of the event in upload order, fetched lazily a page at a time. */
    default Stream<Photo> allPhotos(String slug) {
        return Pages.stream(cursor -> listPhotos(slug, 500, cursor));
    }

    /** Every photo of the event in upload order, as a list (a job's step reads them whole). */
    default List<Photo> photosOf(String slug) {
        try (Stream<Photo> rows = allPhotos(slug)) {
            return rows.toList();
        }
    }

    /** Every event in slug order, fetched lazily a page at a time. */
    default Stream<Event> allEvents() {
        return Pages.stream(cursor -> listEvents(100, cursor));
    }

    /**
     * Removes the photo row and its content claim, bumps the revision, and turns its file-name claim into a
     * tombstone (the name stays taken until {@link #clearTombstone}); false when there was no such photo.
     *
     * @throws com.picpeak.error.PicPeakException CONFLICT while a job archives, restores or deletes the event
     */
    boolean deletePhoto(String slug, String photoId);

    /**
     * Releases every file-name claim of an import that did not finish (a claim with a lease and no photo),
     * whatever its lease: only for a catalog that no other process uses (local mode's embedded one, at start),
     * where every such claim belongs to a process that was killed. Returns how many.
     */
    int releaseInterruptedClaims();

    /** A deleted photo whose tombstone is still there (its objects may not all be gone). */
    Optional<Tombstone> findTombstone(String slug, String photoId);

    /** Frees the name of a deleted photo, once its objects are gone. */
    void clearTombstone(String slug, String filename, String photoId);

    /** Records the state of a cached Download All zip (its build job writes BUILDING, READY or FAILED). */
    void finishDownloadAllBuild(String slug, String variant, long revision, DownloadAllRecord.State state,
                                long length, String error);

    Optional<DownloadAllRecord> findDownloadAll(String slug, String variant, long revision);

    /** Forgets the records of every other revision of the variant (their objects are removed by the caller). */
    void deleteDownloadAllRecordsExcept(String slug, String variant, long keepRevision);
}
