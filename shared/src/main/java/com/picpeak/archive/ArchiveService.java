package com.picpeak.archive;

import com.picpeak.catalog.ArchiveRecord;
import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.media.WatermarkService;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Download All. The archive of an event is a pure function of its photo set, so its bytes, its length and
 * its ETag (slug and revision) are known before anything is written: it can be streamed straight from
 * the originals, or served from the cached copy at {@link Keys#downloadCache}, with identical bytes.
 * The cache is built once per revision under a claim in the catalog, written through the store's atomic
 * put (a failed build leaves no object), checked for its exact length, and only then marked READY; the
 * caches of older revisions are removed.
 */
public final class ArchiveService {
    private static final Logger log = LoggerFactory.getLogger(ArchiveService.class);
    public static final String ORIGINALS = "originals";
    /** Longer than any build may take: a claim older than this belongs to a builder that died. */
    public static final Duration BUILD_LEASE = Duration.ofMinutes(15);

    private final Catalog catalog;
    private final BlobStore store;
    private final WatermarkService watermarks;
    private final Clock clock;
    /** Planned lengths of originals archives by slug and revision (the revision fixes the photo set), bounded. */
    private final Map<String, Long> plannedLengths = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > 1024;
                }
            });
    private final ExecutorService zipWriters = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "zip-writer");
        thread.setDaemon(true);
        return thread;
    });

    public ArchiveService(Catalog catalog, BlobStore store, WatermarkService watermarks, Clock clock) {
        this.catalog = catalog;
        this.store = store;
        this.watermarks = watermarks;
        this.clock = clock;
    }

    /**
     * The event's archive as it is now. A ready archive is served from its cached file (its length from
     * the build record); a not-ready originals archive carries its plan, so it can be streamed at once; a
     * not-ready watermarked one has neither plan nor length (its copies must be rendered by its build).
     */
    public record Archive(Event event, String variant, String key, ZipPlan plan, long length, boolean ready) {
        public String etag() {
            return event.slug() + "-r" + event.revision() + (ORIGINALS.equals(variant) ? "" : "-" + variant);
        }

        public String fileName() {
            return event.slug() + ".zip";
        }

        /** Whether the archive can be written now, straight from storage (the originals variant can). */
        public boolean streamable() {
            return plan != null;
        }
    }

    public enum BuildOutcome { BUILT, ALREADY_READY, BUILDING_ELSEWHERE, SUPERSEDED }

    /** The archive of the event's current photos, and whether its cached copy is ready. */
    public Archive current(Event event) {
        if (event.photoCount() == 0) {
            throw new PicPeakException(ErrorCode.NO_PHOTOS, "gallery '" + event.slug()
                    + "' has no photos yet: there is nothing to download");
        }
        String variant = variant(event);
        String key = Keys.downloadCache(event.slug(), event.revision(), variant);
        java.util.Optional<ArchiveRecord> ready = readyAndPresent(event.slug(), variant, event.revision(), key);
        if (ready.isPresent()) { // the revision fixes the photo set: no need to page the catalog again
            return new Archive(event, variant, key, null, ready.get().length(), true);
        }
        if (!ORIGINALS.equals(variant)) {
            return new Archive(event, variant, key, null, -1, false);
        }
        ZipPlan plan = plan(event.slug());
        plannedLengths.put(event.slug() + "@" + event.revision(), plan.length());
        return new Archive(event, variant, key, plan, plan.length(), false);
    }

    /**
     * The byte size of Download All as a guest would get it now, to show before it starts: the ready copy's
     * length, else the planned length of the originals archive (remembered per revision, so a page view
     * does not read every photo row again). Empty when it cannot be known yet: no photos, a watermarked
     * archive whose copies are not rendered, or watermarking without a watermark image.
     */
    public OptionalLong expectedLength(Event event) {
        if (event.photoCount() == 0) {
            return OptionalLong.empty();
        }
        String variant;
        try {
            variant = variant(event);
        } catch (PicPeakException watermarkUnavailable) {
            return OptionalLong.empty();
        }
        String key = Keys.downloadCache(event.slug(), event.revision(), variant);
        java.util.Optional<ArchiveRecord> ready = readyAndPresent(event.slug(), variant, event.revision(), key);
        if (ready.isPresent()) {
            return OptionalLong.of(ready.get().length());
        }
        if (!ORIGINALS.equals(variant)) {
            return OptionalLong.empty();
        }
        String revisionKey = event.slug() + "@" + event.revision();
        Long planned = plannedLengths.get(revisionKey);
        if (planned == null) { // planned outside the map's lock: paging the catalog must not hold up other events
            planned = plan(event.slug()).length();
            plannedLengths.put(revisionKey, planned);
        }
        return OptionalLong.of(planned);
    }

    /**
     * The READY record of a cached archive whose file is really there. A READY record whose file is gone
     * (removed by an archive, not migrated, deleted by hand) is marked FAILED, so the next build may claim it.
     */
    private java.util.Optional<ArchiveRecord> readyAndPresent(String slug, String variant, long revision, String key) {
        java.util.Optional<ArchiveRecord> ready = catalog.findArchive(slug, variant, revision)
                .filter(r -> r.state() == ArchiveRecord.State.READY);
        if (ready.isPresent() && store.head(key).map(BlobInfo::size).orElse(-1L) != ready.get().length()) {
            catalog.finishArchiveBuild(slug, variant, revision, ArchiveRecord.State.FAILED, 0, "the cached file " + key
                    + " is missing or has another size");
            return java.util.Optional.empty();
        }
        return ready;
    }

    /** {@value #ORIGINALS}, or {@code wm-<version>} when downloads are watermarked (a new watermark, a new variant). */
    private String variant(Event event) {
        if (!event.watermarkDownloads()) {
            return ORIGINALS;
        }
        return "wm-" + watermarks.resolve(event).map(WatermarkService.Watermark::version)
                .orElseThrow(() -> new PicPeakException(ErrorCode.WATERMARK_UNAVAILABLE, "downloads of gallery '"
                        + event.slug() + "' are to be watermarked but no watermark image is set: PUT a PNG to "
                        + "/api/admin/events/" + event.slug() + "/watermark or /api/admin/watermark"));
    }

    /** Writes the archive from the original photos (the same bytes as the cached copy). */
    public void writeFromOriginals(Archive archive, OutputStream out) throws IOException {
        if (!archive.streamable()) {
            throw new IllegalStateException("only a not-ready originals archive is streamed; a ready one is served from "
                    + archive.key());
        }
        ZipWriter.write(archive.plan(), item -> store.get(item.storageKey()).stream(), out);
    }

    /**
     * Builds the cached archive of the event's current revision, unless it is ready or another process is
     * building it. Safe to call from many places at once: one of them builds.
     */
    public BuildOutcome build(String slug) {
        Event event = catalog.findEvent(slug).orElseThrow(() ->
                new PicPeakException(ErrorCode.EVENT_NOT_FOUND, "there is no event '" + slug + "'"));
        long revision = event.revision();
        String variant = variant(event);
        boolean watermarked = !ORIGINALS.equals(variant);
        String key = Keys.downloadCache(slug, revision, variant);
        if (readyAndPresent(slug, variant, revision, key).isPresent()) {
            return BuildOutcome.ALREADY_READY;
        }
        Instant now = clock.instant();
        if (!catalog.claimArchiveBuild(slug, variant, revision, now, now.plus(BUILD_LEASE))) {
            return BuildOutcome.BUILDING_ELSEWHERE;
        }
        try {
            ZipPlan plan = watermarked ? planWatermarked(event) : plan(slug);
            if (catalog.findEvent(slug).map(Event::revision).orElse(-1L) != revision) {
                catalog.finishArchiveBuild(slug, variant, revision, ArchiveRecord.State.FAILED, 0, "superseded");
                return BuildOutcome.SUPERSEDED; // photos changed while planning: the next request builds the new revision
            }
            storeArchive(plan, key);
            long stored = store.head(key).map(BlobInfo::size).orElse(-1L);
            if (stored != plan.length()) {
                store.delete(key);
                throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "the archive " + key + " has " + stored
                        + " bytes after writing, " + plan.length() + " were planned");
            }
            catalog.finishArchiveBuild(slug, variant, revision, ArchiveRecord.State.READY, plan.length(), null);
            removeStale(slug, key, variant, revision);
            log.info("built {} ({} photos, {} bytes)", key, plan.entries().size(), plan.length());
            return BuildOutcome.BUILT;
        } catch (RuntimeException e) {
            catalog.finishArchiveBuild(slug, variant, revision, ArchiveRecord.State.FAILED, 0, e.getMessage());
            throw e;
        }
    }

    /** Renders the watermarked copies that are missing, then plans the archive from the copies. */
    ZipPlan planWatermarked(Event event) {
        try (Stream<Photo> photos = catalog.allPhotos(event.slug())) {
            return ZipPlan.of(photos.map(photo -> {
                WatermarkService.Copy copy = watermarks.copyOf(event, photo.id(), photo.key());
                return new ZipItem(jpegName(photo.filename()), copy.key(), copy.size(), copy.crc32(), timeOf(photo));
            }).toList());
        }
    }

    /** A watermarked copy is a JPEG whatever the original was. */
    public static String jpegName(String filename) {
        int dot = filename.lastIndexOf('.');
        String base = dot > 0 ? filename.substring(0, dot) : filename;
        String extension = dot > 0 ? filename.substring(dot + 1).toLowerCase(java.util.Locale.ROOT) : "";
        return extension.equals("jpg") || extension.equals("jpeg") ? filename : base + ".jpg";
    }

    /** The plan of the event's photos in upload order, read from the catalog a page at a time. */
    ZipPlan plan(String slug) {
        try (Stream<Photo> photos = catalog.allPhotos(slug)) {
            return planOf(photos.toList());
        }
    }

    /** The plan of these photo rows, in their order (the originals, under their file names). */
    static ZipPlan planOf(List<Photo> photos) {
        return ZipPlan.of(photos.stream().map(photo -> new ZipItem(photo.filename(), photo.key(), photo.size(),
                photo.crc32(), timeOf(photo))).toList());
    }

    private static Instant timeOf(Photo photo) {
        return photo.takenAt() != null ? photo.takenAt() : photo.uploadedAt();
    }

    /**
     * The store's put reads the zip while another thread writes it. If the writer fails (a photo vanished),
     * the reader fails too, so the put keeps nothing; the writer's error, which names the photo, is thrown.
     */
    void storeArchive(ZipPlan plan, String key) {
        PipedInputStream pipe = new PipedInputStream(1024 * 1024);
        Future<?> writer;
        try {
            PipedOutputStream sink = new PipedOutputStream(pipe);
            writer = zipWriters.submit(() -> {
                try (sink) {
                    ZipWriter.write(plan, item -> store.get(item.storageKey()).stream(), sink);
                }
                return null;
            });
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "cannot start writing " + key, e);
        }
        try {
            store.put(key, new FailingWithWriter(pipe, writer), PutOptions.of("application/zip"));
        } catch (RuntimeException e) {
            writer.cancel(true);
            throw writerFailure(writer).orElse(e);
        }
    }

    private static java.util.Optional<RuntimeException> writerFailure(Future<?> writer) {
        if (!writer.isDone() || writer.isCancelled()) {
            return java.util.Optional.empty();
        }
        try {
            writer.get();
            return java.util.Optional.empty();
        } catch (ExecutionException e) {
            return java.util.Optional.of(e.getCause() instanceof RuntimeException r ? r
                    : new PicPeakException(ErrorCode.STORAGE_FAILURE, "writing the archive failed: " + e.getCause(), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    /**
     * Removes the caches of older revisions (any variant): a newer revision's cache may be being built by
     * another process and must not be touched. Records of this variant's other revisions go too.
     */
    private void removeStale(String slug, String keep, String variant, long revision) {
        String folder = Keys.downloadCacheFolder(slug);
        try (Stream<BlobInfo> cached = store.list(folder)) {
            cached.map(BlobInfo::key).filter(k -> !k.equals(keep) && revisionOf(k.substring(folder.length())) < revision)
                    .forEach(store::delete);
        }
        catalog.deleteArchiveRecordsExcept(slug, variant, revision);
    }

    /** The revision a cache file name starts with ({@code 12.zip}, {@code 12-wm-abc.zip}); MAX for anything else. */
    private static long revisionOf(String fileName) {
        int end = 0;
        while (end < fileName.length() && Character.isDigit(fileName.charAt(end))) {
            end++;
        }
        return end == 0 ? Long.MAX_VALUE : Long.parseLong(fileName.substring(0, end));
    }

    /** At the end of the pipe, waits for the writer and turns its failure into a read failure. */
    private static final class FailingWithWriter extends FilterInputStream {
        private final Future<?> writer;

        FailingWithWriter(InputStream in, Future<?> writer) {
            super(in);
            this.writer = writer;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = super.read();
            } catch (IOException e) {
                throw failure(e);
            }
            if (b < 0) {
                checkWriter();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = super.read(buffer, offset, length);
            } catch (IOException e) {
                throw failure(e);
            }
            if (n < 0) {
                checkWriter();
            }
            return n;
        }

        private void checkWriter() throws IOException {
            try {
                writer.get();
            } catch (ExecutionException e) {
                throw new IOException("the archive writer failed: " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        private IOException failure(IOException e) {
            try {
                checkWriter();
            } catch (IOException writerFailed) {
                return writerFailed;
            }
            return e;
        }
    }
}
