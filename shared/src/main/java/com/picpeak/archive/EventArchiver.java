package com.picpeak.archive;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageHeader;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Archiving an expired event, as the original product keeps "archive zips" in storage. The event is
 * hidden, its originals are written to {@code events/archived/<slug>.zip} with the Download All writer,
 * the archive is read back and every entry's name, size and CRC-32 checked against the catalog, and only
 * then are the originals and everything derived from them removed. The event and its photo rows stay
 * (listed for admins as archived); a restore puts every photo back at its key, checked against its
 * sha256, and renders thumbnails and the hero again.
 */
public final class EventArchiver {
    private static final Logger log = LoggerFactory.getLogger(EventArchiver.class);

    private final Catalog catalog;
    private final BlobStore store;
    private final ArchiveService archives;
    private final ImportService imports;
    private final Clock clock;

    public EventArchiver(Catalog catalog, BlobStore store, ArchiveService archives, ImportService imports, Clock clock) {
        this.catalog = catalog;
        this.store = store;
        this.archives = archives;
        this.imports = imports;
        this.clock = clock;
    }

    public record Result(String slug, String key, long length, int photos) {
    }

    public Result archive(String slug) {
        Event event = event(slug);
        if (event.isArchived()) {
            throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is archived already");
        }
        if (event.photoCount() == 0) {
            throw new PicPeakException(ErrorCode.NO_PHOTOS, "event '" + slug + "' has no photos to archive: delete it instead");
        }
        try (Stream<Photo> rows = catalog.allPhotos(slug)) {
            if (rows.anyMatch(p -> p.source() == com.picpeak.catalog.PhotoSource.EXTERNAL)) {
                // archiving removes originals; referenced files are the photographer's, not ours to move
                throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' references files under "
                        + "EXTERNAL_MEDIA_ROOT: it cannot be archived (deactivate or delete it instead)");
            }
        }
        boolean wasActive = event.active();
        long revision = event.revision();
        catalog.updateEvent(slug, e -> e.withActive(false, clock.instant())); // guests stop seeing it at once
        ZipPlan plan;
        String key = Keys.archivedEvent(slug);
        try {
            plan = archives.plan(slug);
            archives.storeArchive(plan, key);
            verify(key, plan);
            if (event(slug).revision() != revision) { // a photo came or went meanwhile: it may not be in the zip
                throw new PicPeakException(ErrorCode.CONFLICT, "the photos of '" + slug + "' changed while it was "
                        + "archived: nothing was removed, archive it again");
            }
            Instant now = clock.instant();
            // Archived before anything is removed: a run that stops half-way leaves an archived event whose
            // zip holds every photo, which restore can always bring back.
            catalog.updateEvent(slug, e -> e.withArchivedAt(now, now));
        } catch (RuntimeException e) {
            store.delete(key); // an archive that does not read back, or is out of date, is no archive
            catalog.updateEvent(slug, current -> current.withActive(wasActive, clock.instant()));
            throw e;
        }
        for (String prefix : List.of(Keys.eventFolder(slug), "thumbnails/" + slug + "/", "heroes/" + slug + "/",
                "watermarks/" + slug + "/")) {
            try (Stream<BlobInfo> objects = store.list(prefix)) {
                objects.forEach(object -> store.delete(object.key()));
            }
        }
        log.info("archived {}: {} photos in {} ({} bytes)", slug, plan.entries().size(), key, plan.length());
        return new Result(slug, key, plan.length(), plan.entries().size());
    }

    /** Puts every photo of an archived event back (checked against its sha256), with thumbnails and hero. */
    public Event restore(String slug) {
        Event event = event(slug);
        if (!event.isArchived()) {
            throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is not archived");
        }
        String key = Keys.archivedEvent(slug);
        List<Photo> photos;
        try (Stream<Photo> rows = catalog.allPhotos(slug)) {
            photos = rows.toList();
        }
        ZipPlan plan = ArchiveService.planOf(photos); // the entry names, as the archive was written
        try (BlobRead read = store.get(key); ZipInputStream zip = new ZipInputStream(read.stream())) {
            for (int i = 0; i < photos.size(); i++) {
                ZipEntry entry = zip.getNextEntry();
                Photo photo = photos.get(i);
                String expectedName = new String(plan.entries().get(i).name(), java.nio.charset.StandardCharsets.UTF_8);
                if (entry == null || !entry.getName().equals(expectedName)) {
                    throw new PicPeakException(ErrorCode.INTEGRITY_MISMATCH, "the archive " + key + " does not hold '"
                            + expectedName + "' where the catalog expects it");
                }
                store.put(photo.key(), new NonClosing(zip), PutOptions.of(photo.contentType()).expectingSha256(photo.sha256()));
                ImageHeader header = imports.header(photo.key());
                store.put(photo.thumbnailKey(), new ByteArrayInputStream(
                        imports.render(photo.key(), header, ImportService.THUMBNAIL_SIZE, ImportService.THUMBNAIL_SIZE)),
                        PutOptions.of("image/jpeg"));
                if (photo.id().equals(event.heroPhotoId()) && event.heroKey() != null) {
                    store.put(event.heroKey(), new ByteArrayInputStream(imports.render(photo.key(), header, 1920, 1080)),
                            PutOptions.of("image/jpeg"));
                }
            }
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading the archive " + key + " failed: " + e, e);
        }
        Instant now = clock.instant();
        Event restored = catalog.updateEvent(slug, e -> e.withArchivedAt(null, now).withActive(true, now));
        store.delete(key);
        log.info("restored {} ({} photos)", slug, photos.size());
        return restored;
    }

    /** The daily sweep: archives every expired event that has photos and is not archived yet. */
    public List<Result> sweepExpired() {
        Instant now = clock.instant();
        List<Result> archived = new ArrayList<>();
        List<String> due;
        try (Stream<Event> events = catalog.allEvents()) {
            due = events.filter(e -> e.isExpired(now) && !e.isArchived() && e.photoCount() > 0).map(Event::slug).toList();
        }
        for (String slug : due) {
            try {
                archived.add(archive(slug));
            } catch (RuntimeException e) {
                log.warn("archiving expired event {} failed (it stays as it is): {}", slug, e.getMessage());
            }
        }
        return archived;
    }

    /** Reads the stored archive back: every entry in order, with the planned name, size and CRC-32. */
    private void verify(String key, ZipPlan plan) {
        byte[] buffer = new byte[64 * 1024];
        try (BlobRead read = store.get(key); ZipInputStream zip = new ZipInputStream(read.stream())) {
            for (ZipPlan.Entry planned : plan.entries()) {
                ZipEntry entry = zip.getNextEntry();
                String name = new String(planned.name(), java.nio.charset.StandardCharsets.UTF_8);
                if (entry == null || !entry.getName().equals(name)) {
                    throw mismatch(key, "misses '" + name + "'");
                }
                CRC32 crc = new CRC32();
                long size = 0;
                for (int n; (n = zip.read(buffer)) > 0; ) {
                    crc.update(buffer, 0, n);
                    size += n;
                }
                if (size != planned.item().size() || crc.getValue() != planned.item().crc32()) {
                    throw mismatch(key, "has '" + name + "' with other bytes than the catalog says");
                }
            }
            if (zip.getNextEntry() != null) {
                throw mismatch(key, "has more entries than photos");
            }
        } catch (IOException e) {
            throw mismatch(key, "cannot be read back: " + e.getMessage());
        }
    }

    private static PicPeakException mismatch(String key, String what) {
        return new PicPeakException(ErrorCode.INTEGRITY_MISMATCH, "the archive " + key + " " + what
                + ": nothing was removed");
    }

    private Event event(String slug) {
        return catalog.findEvent(slug).orElseThrow(() ->
                new PicPeakException(ErrorCode.EVENT_NOT_FOUND, "there is no event '" + slug + "'"));
    }


    /** One zip entry as a stream: the store closes what it reads, the zip must stay open for the next entry. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the next entry follows in the same stream
        }
    }
}
