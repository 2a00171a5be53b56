package com.picpeak.ingest;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.FileClaim;
import com.picpeak.catalog.Names;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoIds;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.metrics.Metrics;
import com.picpeak.error.PicPeakException;
import com.picpeak.media.ImageHeader;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.notify.DomainEvent;
import com.picpeak.notify.DomainEventSink;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.ByteRange;
import com.picpeak.storage.HashingInputStream;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.StoredBlob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The one path every photo takes into the system (upload, direct upload, folder watcher, S3 walker,
 * migration): check the type by magic bytes and the dimensions from the header before anything is
 * stored, store the bytes while computing sha256 and CRC-32 in the same pass, make the thumbnail from
 * a subsampled decode, then write the catalog row (which bumps the event's revision). Whatever fails,
 * what this import wrote is removed: no row without its object, no object without its row.
 */
public final class ImportService {
    /** How much of each end of a local file its version tag hashes. */
    static final int SAMPLE_BYTES = 64 * 1024;
    /** Between a local file's etag and the hash of its ends in a version tag (PrefixWalker compares the etag part). */
    public static final String VERSION_SAMPLE_SEPARATOR = "~";
    private volatile Metrics metrics = Metrics.NONE;
    private static final Logger log = LoggerFactory.getLogger(ImportService.class);
    public static final int THUMBNAIL_SIZE = 300;
    private static final int MAX_NAME_ATTEMPTS = 50;
    /**
     * How long a file-name claim holds without its import finishing: longer than any import (a 5 GB upload
     * included). An import that died leaves its claim until then; the walker or watcher then imports the file.
     */
    public static final Duration CLAIM_LEASE = Duration.ofHours(1);

    private final Catalog catalog;
    private final BlobStore store;
    private final ImageProbe probe;
    private final ImageScaler scaler;
    private final Clock clock;
    private final long maxUploadBytes;
    private final DomainEventSink events;

    /** An import service that tells nobody (tools and tests of other things). */
    public ImportService(Catalog catalog, BlobStore store, ImageProbe probe, ImageScaler scaler, Clock clock,
                         long maxUploadBytes) {
        this(catalog, store, probe, scaler, clock, maxUploadBytes, DomainEventSink.NONE);
    }

    /** @param events receives {@code photo.uploaded} for every photo imported, whatever its source */
    public ImportService(Catalog catalog, BlobStore store, ImageProbe probe, ImageScaler scaler, Clock clock,
                         long maxUploadBytes, DomainEventSink events) {
        this.events = events;
        this.catalog = catalog;
        this.store = store;
        this.probe = probe;
        this.scaler = scaler;
        this.clock = clock;
        this.maxUploadBytes = maxUploadBytes;
    }

    /**
     * Imports bytes that arrive as a stream (an upload). The file is stored as
     * {@code events/active/<slug>/<filename>}; when that name is taken in the event, as {@code name-1.ext},
     * {@code name-2.ext}, ... so that no photo is ever overwritten.
     *
     * @throws PicPeakException with the reason (415, 422, 413, 409 duplicate, 404 event), nothing kept
     */
    public Photo importStream(String slug, String filename, InputStream content, PhotoSource source) {
        return measured(source, () -> importStreamOnce(slug, filename, content, source, null));
    }

    /** One file of an upload: its name and how to open its bytes (opened once, by the import that takes it). */
    public record UploadedFile(String filename, Opener content) {
    }

    /** Opens the bytes of an uploaded file. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    /** What became of one file of an upload: the photo, or why it was refused. */
    public record Outcome(String filename, Photo photo, PicPeakException failure) {
    }

    /**
     * The heap one import may take at its peak: the bytes buffered while the header is probed and stored, and the
     * decode of the thumbnail (a 1/8 decode, or a subsampled one at two to three times 300 px): well under this.
     */
    static final long HEAP_PER_IMPORT = 64L * 1024 * 1024;

    /**
     * How many files of one upload are imported at once: one per core (the decode is CPU-bound), no more than the
     * heap holds at {@link #HEAP_PER_IMPORT} each beside what is in use, never fewer than one.
     */
    static int parallelism(int files, int cores, long maxHeap) {
        long byHeap = Math.max(1, maxHeap / 2 / HEAP_PER_IMPORT);
        return (int) Math.max(1, Math.min(files, Math.min(cores, byHeap)));
    }

    /**
     * Imports the files of one upload, several at a time (see {@link #parallelism}), each as
     * {@link #importStream} does; the outcomes are in the files' order. A file that fails does not stop the others.
     */
    public List<Outcome> importAll(String slug, List<UploadedFile> files, PhotoSource source) {
        int threads = parallelism(files.size(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory());
        // ids in the files' order (a millisecond apart: ids sort by time), so the gallery lists them in that order
        // whichever import finishes first
        Instant start = clock.instant();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            ids.add(PhotoIds.next(start.plusMillis(i)));
        }
        if (threads <= 1) {
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                outcomes.add(importOne(slug, files.get(i), source, ids.get(i)));
            }
            return outcomes;
        }
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        ExecutorService workers = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "import-" + slug);
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Outcome>> pending = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                UploadedFile file = files.get(i);
                String id = ids.get(i);
                pending.add(workers.submit(() -> {
                    if (logContext != null) {
                        MDC.setContextMap(logContext);
                    }
                    try {
                        return importOne(slug, file, source, id);
                    } finally {
                        MDC.clear();
                    }
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> outcome : pending) {
                outcomes.add(outcome.get());
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "the upload was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException unexpected) {
                throw unexpected; // not a refusal of one file (those are outcomes): as the serial import would
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            workers.shutdownNow();
        }
    }

    private Outcome importOne(String slug, UploadedFile file, PhotoSource source, String photoId) {
        try (InputStream content = file.content().open()) {
            return new Outcome(file.filename(), measured(source,
                    () -> importStreamOnce(slug, file.filename(), content, source, photoId)), null);
        } catch (PicPeakException e) {
            return new Outcome(file.filename(), null, e);
        } catch (IOException e) {
            return new Outcome(file.filename(), null, new PicPeakException(ErrorCode.INVALID_REQUEST,
                    "the upload could not be read: " + e.getMessage(), e));
        }
    }

    private Photo importStreamOnce(String slug, String filename, InputStream content, PhotoSource source, String photoId) {
        requireEvent(slug);
        Names.filename(filename);
        BufferedInputStream in = new BufferedInputStream(content, ImageProbe.HEADER_BYTES); // grows to the probe's need
        ImageHeader header = named(filename, () -> probeHead(in));
        Claim claim = claimFreeName(slug, filename);
        String key = Keys.original(slug, claim.name());
        List<String> written = new ArrayList<>();
        written.add(key); // claimed and free: ours to remove even if the put fails after writing
        try {
            StoredBlob stored = store.put(key, new SizeLimitedInputStream(in, maxUploadBytes, filename),
                    PutOptions.of(header.type().contentType()));
            Digest digest = new Digest(header, stored.size(), stored.crc32(), stored.sha256(), stored.etag());
            if (!claim.name().equals(filename)) {
                Optional<Claim> own = takeBackLeftover(slug, filename, stored.sha256());
                if (own.isPresent()) { // the same bytes are at the name already: ours, left by a failed try
                    undo(slug, claim, written);
                    claim = own.get();
                    key = Keys.original(slug, filename);
                    written.clear();
                    written.add(key);
                    String etag = store.head(key).map(BlobInfo::etag).orElse(stored.etag());
                    digest = new Digest(header, stored.size(), stored.crc32(), stored.sha256(), etag);
                }
            }
            return finish(slug, claim, key, header, digest, source, written, photoId);
        } catch (RuntimeException e) {
            undo(slug, claim, written);
            throw e;
        }
    }

    /**
     * The name of an earlier try of the same upload that failed when the catalog did (its claim could not be
     * released and holds the name for {@link #CLAIM_LEASE}; its original stayed): taken back when the object there
     * has these very bytes (its sha256), so a retry is stored under its own name, not {@code name-1}, and leaves
     * no copy behind. Empty when the name has a photo or a tombstone, or other bytes.
     */
    private Optional<Claim> takeBackLeftover(String slug, String filename, String sha256) {
        Optional<FileClaim> held = catalog.findFileClaim(slug, filename);
        if (held.isEmpty() || held.get().photoId() != null || held.get().tombstone() != null) {
            return Optional.empty();
        }
        boolean same = store.head(Keys.original(slug, filename)).flatMap(BlobInfo::sha256)
                .filter(sha256::equals).isPresent();
        if (!same) {
            return Optional.empty();
        }
        Optional<Claim> taken = catalog.takeOverUnfinishedClaim(slug, filename, clock.instant(), CLAIM_LEASE)
                .map(token -> new Claim(filename, token));
        taken.ifPresent(c -> log.info("{} of {}: took back the leftover of an earlier try (same sha256) that a failed "
                + "import could not release", filename, slug));
        return taken;
    }

    /**
     * Imports an object that is already in storage at its final key (watcher, walker): reads it once for
     * the digests and header, once more for the thumbnail. Nothing is copied.
     */
    public Photo importStored(String slug, String key, PhotoSource source) {
        requireEvent(slug);
        String filename = Names.filename(key.substring(key.lastIndexOf('/') + 1));
        if (!key.equals(Keys.original(slug, filename))) {
            throw new PicPeakException(ErrorCode.INVALID_KEY, "'" + key + "' is not in the folder of event '" + slug + "'");
        }
        return importInPlace(slug, key, filename, source);
    }

    /**
     * A file in the event's folder (watcher, walker): imported when its name is new; when it replaced the file
     * of a photo imported before (another version than the one that photo was read from), that photo's new
     * version: re-hashed, its size, CRC-32 and sha256 updated, its thumbnail and hero rendered again, its other
     * renditions dropped (they are made again from the new bytes), the event's revision bumped (so Download
     * All never plans the old bytes), and {@code photo.updated} sent.
     *
     * @throws PicPeakException CONFLICT when the name is imported and its file unchanged (or being imported)
     */
    public Photo importOrReplaceStored(String slug, String key, PhotoSource source) {
        String filename = Names.filename(key.substring(key.lastIndexOf('/') + 1));
        Optional<FileClaim> claim = catalog.findFileClaim(Names.slug(slug), filename);
        if (claim.isEmpty() || claim.get().photoId() == null) {
            return importStored(slug, key, source);
        }
        Photo current = catalog.findPhoto(slug, claim.get().photoId()).orElseThrow(() -> imported(slug, filename));
        if (!current.key().equals(key)) {
            throw imported(slug, filename); // a referenced photo's name: its file is not this one
        }
        String recorded = claim.get().objectEtag();
        BlobInfo now = store.head(key).orElseThrow(() -> imported(slug, filename));
        if (recorded == null ? now.size() == current.size() : recorded.equals(versionTag(key, now.etag(), now.size()))) {
            throw imported(slug, filename); // the version imported (or, unrecorded, the same size: kept as it is)
        }
        requireEvent(slug);
        Digest digest = named(filename, () -> digest(key));
        if (digest.sha256().equals(current.sha256())) {
            catalog.replacePhoto(current, current, versionTag(key, digest)); // same bytes, new version: remembered
            return current;
        }
        ImageHeader header = digest.header();
        byte[] thumbnail = named(filename, () -> render(key, header, THUMBNAIL_SIZE, THUMBNAIL_SIZE));
        Photo updated = new Photo(current.id(), slug, key, current.thumbnailKey(), filename,
                header.type().contentType(), digest.size(), digest.crc32(), digest.sha256(), header.displayWidth(),
                header.displayHeight(), header.takenAt().orElse(null), current.uploadedAt(), current.source());
        catalog.replacePhoto(current, updated, versionTag(key, digest));
        store.put(current.thumbnailKey(), new ByteArrayInputStream(thumbnail), PutOptions.of("image/jpeg"));
        try (Stream<BlobInfo> renditions = store.list(Keys.renditionsOf(slug, current.id()))) {
            renditions.forEach(r -> store.delete(r.key())); // of the old bytes; made again on demand
        }
        catalog.findEvent(slug).filter(e -> current.id().equals(e.heroPhotoId()) && e.heroKey() != null)
                .ifPresent(e -> store.put(e.heroKey(), new ByteArrayInputStream(render(key, header, 1920, 1080)),
                        PutOptions.of("image/jpeg")));
        events.publish(DomainEvent.photoUpdated(updated, clock.instant()));
        log.info("{} of {} was replaced: photo {} is its new version ({} bytes, was {})", filename, slug,
                current.id(), updated.size(), current.size());
        return updated;
    }

    private static PicPeakException imported(String slug, String filename) {
        return new PicPeakException(ErrorCode.CONFLICT, "'" + filename + "' of event '" + slug
                + "' is imported already (or being imported)");
    }

    /**
     * Imports a file of {@code EXTERNAL_MEDIA_ROOT} by reference: the catalog row points at
     * {@code external/<folder>/<name>} and only the thumbnail is written to the backend. The caller has
     * checked that the folder is the one the event references.
     */
    public Photo importReferenced(String slug, String folder, String filename) {
        requireEvent(slug);
        Names.filename(filename);
        return importInPlace(slug, Keys.validate(Keys.external(folder, filename)), filename, PhotoSource.EXTERNAL);
    }

    private Photo importInPlace(String slug, String key, String filename, PhotoSource source) {
        return measured(source, () -> importInPlaceOnce(slug, key, filename, source));
    }

    /** Counts an import, or its failure by reason (the error code, or the exception's class). */
    private Photo measured(PhotoSource source, Supplier<Photo> importing) {
        try {
            Photo photo = importing.get();
            metrics.count("Imports", Map.of("Source", source.name().toLowerCase(Locale.ROOT)));
            return photo;
        } catch (RuntimeException e) {
            String reason = e instanceof PicPeakException refused ? refused.errorCode().name().toLowerCase(Locale.ROOT)
                    : e.getClass().getSimpleName();
            metrics.count("ImportFailures", Map.of("Reason", reason));
            throw e;
        }
    }

    /** Where imports and their failures are counted. */
    public void useMetrics(Metrics figures) {
        this.metrics = figures;
    }

    private Photo importInPlaceOnce(String slug, String key, String filename, PhotoSource source) {
        Claim claim = catalog.leaseFilename(slug, filename, clock.instant(), CLAIM_LEASE)
                .map(token -> new Claim(filename, token))
                .orElseThrow(() -> new PicPeakException(ErrorCode.CONFLICT, "'" + filename + "' of event '" + slug
                        + "' is imported already (or being imported)"));
        List<String> written = new ArrayList<>();
        try {
            Digest digest = named(filename, () -> digest(key));
            return finish(slug, claim, key, digest.header, digest, source, written, null);
        } catch (RuntimeException e) {
            undo(slug, claim, written); // the object itself was not ours to delete
            throw e;
        }
    }

    /** A file name this import holds, with the token that proves it. */
    private record Claim(String name, String token) {
    }

    /**
     * Imports a direct upload: the browser PUT the bytes to a staging key. They go through the same path
     * as an upload (read from the staging object, checked, stored at {@code events/active/<slug>/<name>}
     * with their digests), so what is stored is exactly what was checked, even if the staging object is
     * replaced meanwhile. The photo takes the id {@code photoId} (the upload's own), so a retried import finds
     * what an interrupted one stored. The staging object is removed once imported, or refused for what it is (not
     * an image, too large, a bad name, already in the event: no retry changes that); after anything else (storage
     * down, the event busy or gone, a conflicting write) it stays for a retry, and the bucket's lifecycle rule
     * removes what no one retries.
     */
    public Photo importStaged(String slug, String stagingKey, String filename, PhotoSource source, String photoId) {
        try (BlobRead staged = store.get(stagingKey)) {
            Photo photo = measured(source, () -> importStreamOnce(slug, filename, staged.stream(), source, photoId));
            store.delete(stagingKey);
            return photo;
        } catch (PicPeakException e) {
            if (refusesTheBytes(e.errorCode())) {
                store.delete(stagingKey);
            }
            throw e;
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + stagingKey + "' failed: " + e, e);
        }
    }

    /** Whether a refusal is about the file itself, so that trying it again can never succeed. */
    public static boolean refusesTheBytes(ErrorCode code) {
        int status = code.httpStatus();
        return status == 400 || status == 413 || status == 415 || status == 422 || code == ErrorCode.DUPLICATE_PHOTO;
    }

    private Photo finish(String slug, Claim claim, String key, ImageHeader header, Digest digest, PhotoSource source,
                         List<String> written, String presetPhotoId) {
        String filename = claim.name();
        long size = digest.size();
        long crc32 = digest.crc32();
        String sha256 = digest.sha256();
        if (size > maxUploadBytes) {
            throw new PicPeakException(ErrorCode.FILE_TOO_LARGE, "'" + filename + "' is larger than the limit of "
                    + maxUploadBytes + " bytes (PICPEAK_MAX_UPLOAD_BYTES)");
        }
        Instant now = clock.instant();
        String photoId = presetPhotoId != null ? presetPhotoId : PhotoIds.next(now);
        String thumbnailKey = Keys.thumbnail(slug, photoId);
        byte[] thumbnail = named(filename, () -> render(key, header, THUMBNAIL_SIZE, THUMBNAIL_SIZE));
        store.put(thumbnailKey, new ByteArrayInputStream(thumbnail), PutOptions.of("image/jpeg"));
        written.add(thumbnailKey);
        Photo photo = new Photo(photoId, slug, key, thumbnailKey, filename, header.type().contentType(), size, crc32,
                sha256, header.displayWidth(), header.displayHeight(), header.takenAt().orElse(null), now, source);
        catalog.addPhoto(photo, claim.token(), versionTag(key, digest));
        events.publish(DomainEvent.photoUploaded(photo, now));
        log.info("imported {} into {} as {} ({} bytes, {}x{}, {})", filename, slug, photoId, size,
                photo.width(), photo.height(), source.wireName());
        return photo;
    }

    /** A JPEG of the photo covering {@code width x height}, decoded with subsampling from the stored original. */
    public byte[] render(String key, ImageHeader header, int width, int height) {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream(64 * 1024);
        try (BlobRead original = store.get(key)) {
            scaler.cover(original.stream(), header, width, height, jpeg);
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + key + "' failed: " + e, e);
        }
        return jpeg.toByteArray();
    }

    /** The header of a stored original (for rendering hero images and variants later). */
    public ImageHeader header(String key) {
        try (BlobRead read = store.get(key)) {
            return probe.probe(read.stream());
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + key + "' failed: " + e, e);
        }
    }

    /** Media errors say what is wrong with the bytes; in an import the user also needs to know which file. */
    private static <T> T named(String filename, Supplier<T> step) {
        try {
            return step.get();
        } catch (PicPeakException e) {
            if (e.getMessage().contains(filename)) {
                throw e;
            }
            throw new PicPeakException(e.errorCode(), "'" + filename + "': " + e.getMessage(), e);
        }
    }

    private String versionTag(String key, Digest digest) {
        return versionTag(key, digest.etag(), digest.size());
    }

    /**
     * The version of a stored file its claim remembers: the etag where it follows the bytes (S3); where it is the
     * size and modification time only (a local file), with a hash of the file's first and last
     * {@value #SAMPLE_BYTES} bytes (the whole file when smaller), so an edit of the same size that keeps the time
     * is a new version, and telling costs two short reads, not the whole file.
     */
    String versionTag(String key, String etag, long size) {
        if (store.etagFollowsContent()) {
            return etag;
        }
        try {
            MessageDigest sample = MessageDigest.getInstance("SHA-256");
            if (size <= 2L * SAMPLE_BYTES) {
                sampleInto(sample, key, null);
            } else {
                sampleInto(sample, key, ByteRange.of(0, SAMPLE_BYTES - 1));
                sampleInto(sample, key, ByteRange.suffix(SAMPLE_BYTES));
            }
            return etag + VERSION_SAMPLE_SEPARATOR + HexFormat.of().formatHex(sample.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private void sampleInto(MessageDigest sample, String key, ByteRange range) {
        try (BlobRead read = store.get(key, range); InputStream in = read.stream()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sample.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + key + "' failed: " + e, e);
        }
    }

    /** What one read of an object found: its header, digests, and the version (etag) that was read. */
    private record Digest(ImageHeader header, long size, long crc32, String sha256, String etag) {
    }

    /** One read of a stored object: its header (checked before the rest is read) and its digests. */
    private Digest digest(String key) {
        try (BlobRead read = store.get(key);
             HashingInputStream hashing = new HashingInputStream(read.stream())) {
            ImageHeader header = probe.probe(hashing);
            hashing.transferTo(OutputStream.nullOutputStream());
            return new Digest(header, hashing.count(), hashing.crc32(), hashing.sha256Hex(), read.info().etag());
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + key + "' failed: " + e, e);
        }
    }

    private ImageHeader probeHead(BufferedInputStream in) {
        try {
            in.mark(probe.maxReadBytes());
            ImageHeader header = probe.probe(in);
            in.reset();
            return header;
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "the upload could not be read: " + e.getMessage(), e);
        }
    }

    private void requireEvent(String slug) {
        Event event = catalog.findEvent(Names.slug(slug)).orElse(null);
        if (event == null) {
            throw new PicPeakException(ErrorCode.EVENT_NOT_FOUND, "there is no event '" + slug + "'");
        }
        if (event.isArchived()) {
            throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is archived: restore it before "
                    + "adding photos");
        }
    }

    /**
     * Claims the file name, or the first free {@code name-N.ext}; a name whose object was dropped in by hand is
     * skipped too. A claim is never kept when checking its object fails (the storage is down): it is released
     * at once, so a retry gets the same name.
     */
    private Claim claimFreeName(String slug, String filename) {
        int dot = filename.lastIndexOf('.');
        String base = dot > 0 ? filename.substring(0, dot) : filename;
        String extension = dot > 0 ? filename.substring(dot) : "";
        for (int n = 0; n < MAX_NAME_ATTEMPTS; n++) {
            String candidate = n == 0 ? filename : base + "-" + n + extension;
            Optional<String> token = catalog.leaseFilename(slug, candidate, clock.instant(), CLAIM_LEASE);
            if (token.isPresent()) {
                Claim claim = new Claim(candidate, token.get());
                boolean free;
                try {
                    // free: nothing there, or what an import of ours stored (it records the sha256) and left
                    // behind when it failed and could not remove it: a retry of the upload takes the name again
                    free = store.head(Keys.original(slug, candidate)).map(o -> o.sha256().isPresent()).orElse(true);
                } catch (RuntimeException e) {
                    releaseQuietly(slug, claim);
                    throw e;
                }
                if (free) {
                    return claim;
                }
                releaseQuietly(slug, claim); // a file dropped in by hand, not yet imported: leave it
            }
        }
        throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' has " + MAX_NAME_ATTEMPTS
                + " files named like '" + filename + "' already: rename the file");
    }

    /**
     * Removes what this import wrote. The thumbnail is named by this import's photo id: always ours. The original
     * sits at the file name's key: removed only when this import still held the name (released here first), so an
     * import that outlived its claim never removes the file of the import that took the name over.
     */
    private void undo(String slug, Claim claim, List<String> written) {
        boolean stillOurs = releaseQuietly(slug, claim);
        String original = Keys.original(slug, claim.name());
        for (String key : written) {
            if (key.equals(original) && !stillOurs) {
                continue;
            }
            try {
                store.delete(key);
            } catch (RuntimeException e) {
                log.warn("could not remove {} after a failed import: {}", key, e.getMessage());
            }
        }
    }

    /** A claim that cannot be released now runs out with its lease; the walker or watcher imports the file then. */
    private boolean releaseQuietly(String slug, Claim claim) {
        try {
            return catalog.releaseFilename(slug, claim.name(), claim.token());
        } catch (RuntimeException e) {
            log.warn("could not release the name {} of {} after a failed import (its claim runs out after {}): {}",
                    claim.name(), slug, CLAIM_LEASE, e.getMessage());
            return false; // not known to be ours any more: its original stays (a retry takes it over)
        }
    }
}
