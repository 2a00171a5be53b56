package com.picpeak.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.GuestPolicy;
import com.picpeak.catalog.Protection;
import com.picpeak.catalog.Photo;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.HashingInputStream;
import com.picpeak.storage.PutOptions;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ObjIntConsumer;
import java.util.stream.Stream;

/**
 * Backups of what the objects cannot tell by themselves: the catalog (every event and photo row, as JSON
 * lines) and a manifest of every object (key, size, sha256) to check a store against. The objects are
 * protected by the store itself (S3 versioning and lifecycle, or a copy of the local folder; see docs/migration-and-backups.md).
 * Each event is read consistently: if its revision moves while its photos are read, it is read again.
 * A restore rebuilds the catalog (events, photos, their name and content claims, revisions) into an
 * empty table and reports which manifest objects are missing or different in the store.
 */
public final class BackupService {
    public static final String CATALOG = "catalog.jsonl";
    public static final String MANIFEST = "manifest.jsonl";
    public static final String SUMMARY = "backup.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONSISTENT_READ_ATTEMPTS = 5;

    private final Catalog catalog;
    private final BlobStore store;
    private final Clock clock;
    private final Optional<Path> externalRoot;

    /** A service whose restore refuses every referenced (external) file: this server has no EXTERNAL_MEDIA_ROOT. */
    public BackupService(Catalog catalog, BlobStore store, Clock clock) {
        this(catalog, store, clock, Optional.empty());
    }

    /** @param externalRoot the server's EXTERNAL_MEDIA_ROOT: a restored referenced file must be in a folder inside it */
    public BackupService(Catalog catalog, BlobStore store, Clock clock, Optional<Path> externalRoot) {
        this.catalog = catalog;
        this.store = store;
        this.clock = clock;
        this.externalRoot = externalRoot;
    }

    public record BackupSummary(Instant createdAt, long events, long photos, long objects, long bytes) {
    }

    public record RestoreSummary(long events, long photos, long eventsSkipped, long objectsChecked,
                                 List<String> objectsMissingOrDifferent) {
    }

    /** Writes catalog, manifest and summary under {@code destination} (a folder store, or a store on an S3 prefix). */
    public BackupSummary backup(BlobStore destination, Path scratch) {
        try {
            Path catalogFile = Files.createTempFile(scratch, "catalog", ".jsonl");
            Path manifestFile = Files.createTempFile(scratch, "manifest", ".jsonl");
            long[] counts = new long[4];
            try (BufferedWriter out = Files.newBufferedWriter(catalogFile, StandardCharsets.UTF_8);
                 Stream<Event> events = catalog.allEvents()) {
                for (Event event : (Iterable<Event>) events::iterator) {
                    counts[1] += writeEventConsistently(event.slug(), out);
                    counts[0]++;
                }
            }
            try (BufferedWriter out = Files.newBufferedWriter(manifestFile, StandardCharsets.UTF_8);
                 Stream<BlobInfo> objects = store.list("")) {
                for (BlobInfo object : (Iterable<BlobInfo>) objects::iterator) {
                    String sha256 = sha256(object.key());
                    if (sha256 == null) {
                        continue; // removed while the backup ran (a stale cache, a staged upload): not part of it
                    }
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("key", object.key());
                    line.put("size", object.size());
                    line.put("sha256", sha256);
                    out.write(JSON.writeValueAsString(line));
                    out.write('\n');
                    counts[2]++;
                    counts[3] += object.size();
                }
            }
            BackupSummary summary = new BackupSummary(clock.instant(), counts[0], counts[1], counts[2], counts[3]);
            putFile(destination, CATALOG, catalogFile, "application/x-ndjson");
            putFile(destination, MANIFEST, manifestFile, "application/x-ndjson");
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("createdAt", summary.createdAt().toString());
            json.put("store", store.describe());
            json.put("events", summary.events());
            json.put("photos", summary.photos());
            json.put("objects", summary.objects());
            json.put("bytes", summary.bytes());
            destination.put(SUMMARY, new ByteArrayInputStream(JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(json)), PutOptions.of("application/json"));
            Files.deleteIfExists(catalogFile);
            Files.deleteIfExists(manifestFile);
            return summary;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the backup failed: " + e.getMessage(), e);
        }
    }

    /**
     * Rebuilds the catalog from a backup into this (empty) catalog, then checks the store against the manifest.
     * The whole backup is read and checked first ({@link RestoreCheck}: every slug, file name, photo id and key as
     * the import path would have made them), into local copies that the restore then reads, so that a backup
     * with one bad row restores nothing and the one checked is the one restored.
     *
     * @throws PicPeakException INVALID_BACKUP naming the bad rows (file and line); nothing is written then
     */
    public RestoreSummary restore(BlobStore source) {
        Path catalogCopy = null;
        Path manifestCopy = null;
        try {
            RestoreCheck check = new RestoreCheck(externalRoot);
            catalogCopy = checkedCopy(source, CATALOG, check::catalogLine);
            manifestCopy = checkedCopy(source, MANIFEST, check::manifestLine);
            check.finish();
            return restoreChecked(catalogCopy, manifestCopy);
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading the backup failed: " + e.getMessage(), e);
        } finally {
            deleteQuietly(catalogCopy);
            deleteQuietly(manifestCopy);
        }
    }

    /** Copies one file of the backup to a local temporary file (owner-only), handing each line to {@code check}. */
    private static Path checkedCopy(BlobStore source, String name, ObjIntConsumer<String> check)
            throws IOException {
        Path copy = Files.createTempFile("picpeak-restore-", "-" + name);
        try (BlobRead read = source.get(name);
             BufferedReader in = new BufferedReader(new InputStreamReader(read.stream(), StandardCharsets.UTF_8));
             BufferedWriter out = Files.newBufferedWriter(copy, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line; (line = in.readLine()) != null; ) {
                check.accept(line, ++number);
                out.write(line);
                out.write('\n');
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(copy);
            throw e;
        }
        return copy;
    }

    private RestoreSummary restoreChecked(Path catalogCopy, Path manifestCopy) throws IOException {
        long events = 0;
        long photos = 0;
        long skipped = 0;
        try (BufferedReader in = Files.newBufferedReader(catalogCopy, StandardCharsets.UTF_8)) {
            Event pending = null;
            List<Photo> pendingPhotos = new ArrayList<>();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                Map<?, ?> row = RestoreCheck.parse(line);
                if ("event".equals(row.get("type"))) {
                    if (pending != null) {
                        if (restoreEvent(pending, pendingPhotos)) {
                            photos += pendingPhotos.size();
                        } else {
                            skipped++;
                        }
                    }
                    pending = RestoreCheck.event(row);
                    pendingPhotos = new ArrayList<>();
                    events++;
                } else {
                    pendingPhotos.add(RestoreCheck.photo(row));
                }
            }
            if (pending != null) {
                if (restoreEvent(pending, pendingPhotos)) {
                    photos += pendingPhotos.size();
                } else {
                    skipped++;
                }
            }
        }
        List<String> missing = new ArrayList<>();
        long checked = 0;
        try (BufferedReader in = Files.newBufferedReader(manifestCopy, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                Map<?, ?> row = RestoreCheck.parse(line);
                String key = (String) row.get("key");
                checked++;
                boolean same = store.head(key).map(info -> info.size() == ((Number) row.get("size")).longValue()
                        && info.sha256().map(row.get("sha256")::equals).orElse(true)).orElse(false);
                if (!same) {
                    missing.add(key);
                }
            }
        }
        return new RestoreSummary(events - skipped, photos, skipped, checked, missing);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file: the system's temp cleaning removes it
        }
    }

    /** The event and its photos, read again if its revision moved meanwhile. Returns the photos written. */
    private long writeEventConsistently(String slug, BufferedWriter out) throws IOException {
        for (int attempt = 0; attempt < CONSISTENT_READ_ATTEMPTS; attempt++) {
            Event before = catalog.findEvent(slug).orElse(null);
            if (before == null) {
                return 0; // deleted meanwhile
            }
            List<Photo> photos;
            try (Stream<Photo> rows = catalog.allPhotos(slug)) {
                photos = rows.toList();
            }
            Event after = catalog.findEvent(slug).orElse(null);
            if (after != null && after.revision() == before.revision()) {
                out.write(JSON.writeValueAsString(eventRow(after)));
                out.write('\n');
                for (Photo photo : photos) {
                    out.write(JSON.writeValueAsString(photoRow(photo)));
                    out.write('\n');
                }
                return photos.size();
            }
        }
        throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' kept changing while it was backed up: "
                + "run the backup again when uploads have stopped");
    }

    private boolean restoreEvent(Event event, List<Photo> photos) {
        if (catalog.findEvent(event.slug()).isPresent()) {
            return false; // never overwrite a live event
        }
        // addPhoto bumps revision and count once per photo: start below so the backup's revision comes out
        Event base = new Event(event.slug(), event.title(), event.passwordHash(), event.expiresAt(), event.active(),
                event.allowDownloads(), event.watermarkDownloads(), event.allowDirectS3Download(),
                event.revision() - photos.size(), event.heroPhotoId(), event.heroKey(), 0, event.createdAt(),
                event.updatedAt(), event.archivedAt(), event.protection(), event.downloadSizes(), event.guests(),
                event.downloadLimit());
        catalog.createEvent(base);
        for (Photo photo : photos) {
            catalog.claimFilename(event.slug(), photo.filename());
            catalog.addPhoto(photo);
        }
        catalog.updateEvent(event.slug(), current -> event); // admin fields and times as backed up
        return true;
    }

    /** The object's sha256, or null when it vanished meanwhile. */
    private String sha256(String key) throws IOException {
        BlobInfo info = store.head(key).orElse(null);
        if (info == null) {
            return null;
        }
        if (info.sha256().isPresent()) {
            return info.sha256().get();
        }
        try (BlobRead read = store.get(key); HashingInputStream hashing = new HashingInputStream(read.stream())) {
            hashing.transferTo(OutputStream.nullOutputStream());
            return hashing.sha256Hex();
        }
    }

    private static void putFile(BlobStore destination, String key, Path file, String contentType) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            destination.put(key, in, PutOptions.of(contentType));
        }
    }

    private static Map<String, Object> eventRow(Event e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("type", "event");
        row.put("slug", e.slug());
        row.put("title", e.title());
        row.put("passwordHash", e.passwordHash());
        row.put("expiresAt", str(e.expiresAt()));
        row.put("active", e.active());
        row.put("allowDownloads", e.allowDownloads());
        row.put("watermarkDownloads", e.watermarkDownloads());
        row.put("allowDirectS3Download", e.allowDirectS3Download());
        row.put("revision", e.revision());
        row.put("heroPhotoId", e.heroPhotoId());
        row.put("heroKey", e.heroKey());
        row.put("photoCount", e.photoCount());
        row.put("createdAt", str(e.createdAt()));
        row.put("updatedAt", str(e.updatedAt()));
        row.put("archivedAt", str(e.archivedAt()));
        Protection p = e.protection();
        row.put("protection", Map.of("level", p.level().name(), "watermarkViews", p.watermarkViews(),
                "position", p.position().name(), "sizePercent", p.sizePercent(), "opacityPercent", p.opacityPercent(),
                "fragmentationLevel", p.fragmentationLevel()));
        row.put("downloadSizes", e.downloadSizes());
        if (e.downloadLimit() != null) { // a backup says what it must: older restores read no such field
            row.put("downloadLimit", e.downloadLimit());
        }
        if (!e.guests().equals(GuestPolicy.NONE)) {
            row.put("guestIdentity", e.guests().identity().wireName());
            if (e.guests().favouritesLimit() != null) {
                row.put("favouritesLimit", e.guests().favouritesLimit());
            }
        }
        return row;
    }

    private static Map<String, Object> photoRow(Photo p) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("type", "photo");
        row.put("id", p.id());
        row.put("event", p.eventSlug());
        row.put("key", p.key());
        row.put("thumbnailKey", p.thumbnailKey());
        row.put("filename", p.filename());
        row.put("contentType", p.contentType());
        row.put("size", p.size());
        row.put("crc32", p.crc32());
        row.put("sha256", p.sha256());
        row.put("width", p.width());
        row.put("height", p.height());
        row.put("takenAt", str(p.takenAt()));
        row.put("uploadedAt", str(p.uploadedAt()));
        row.put("source", p.source().wireName());
        return row;
    }

    private static String str(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
