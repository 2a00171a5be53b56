package com.picpeak.catalog;

import java.util.Optional;
import java.util.function.UnaryOperator;

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
     * Reserves a file name within an event before its object is written, so two uploads of the same name
     * never overwrite each other. Returns false when the name is taken.
     */
    boolean claimFilename(String slug, String filename);

    void releaseFilename(String slug, String filename);

    /**
     * Adds a photo and bumps the event's revision and photo count in one transaction.
     *
     * @throws com.picpeak.error.PicPeakException DUPLICATE_PHOTO (naming the existing photo) when the event
     *         already has the same bytes; EVENT_NOT_FOUND when the event is gone
     */
    void addPhoto(Photo photo);

    Optional<Photo> findPhoto(String slug, String photoId);

    /** Photos in upload order (ids sort by time), {@code limit} at most. */
    Page<Photo> listPhotos(String slug, int limit, String cursor);

    /** Every photo of the event in upload order, fetched lazily a page at a time. */
    default java.util.stream.Stream<Photo> allPhotos(String slug) {
        return Pages.stream(cursor -> listPhotos(slug, 500, cursor));
    }

    /** Every event in slug order, fetched lazily a page at a time. */
    default java.util.stream.Stream<Event> allEvents() {
        return Pages.stream(cursor -> listEvents(100, cursor));
    }

    /** Removes the photo row with its claims and bumps the revision; false when there was no such photo. */
    boolean deletePhoto(String slug, String photoId);

    /**
     * Claims the build of an archive: succeeds when there is no record, or the last build failed, or its
     * lease ran out (the builder died). Returns false when someone else holds it or it is ready.
     */
    boolean claimArchiveBuild(String slug, String variant, long revision, java.time.Instant now,
                              java.time.Instant leaseUntil);

    /** Records the outcome of the build this process claimed. */
    void finishArchiveBuild(String slug, String variant, long revision, ArchiveRecord.State state, long length,
                            String error);

    Optional<ArchiveRecord> findArchive(String slug, String variant, long revision);

    /** Forgets the records of every other revision of the variant (their objects are removed by the caller). */
    void deleteArchiveRecordsExcept(String slug, String variant, long keepRevision);
}
