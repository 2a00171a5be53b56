package com.picpeak.local;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoIds;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.downloadall.DownloadAllService;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobRunner;
import com.picpeak.jobs.JobSettings;
import com.picpeak.jobs.JobState;
import com.picpeak.jobs.JobStore;
import com.picpeak.jobs.JobWorker;
import com.picpeak.jobs.Jobs;
import com.picpeak.jobs.LocalJobQueue;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.media.RenditionMaker;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.ByteRange;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.StoredBlob;
import com.picpeak.zip.ZipParts;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.SequenceInputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Download All's figures on the configured backend: archive throughput against reading the same photos
 * raw from the same backend, the heap's peak while the archive of a 1,000- and a 10,000-photo gallery is
 * written (it should not grow with the photo count), and the cached archive built by part jobs with 1, 2
 * and 4 workers against a raw parallel copy of the same bytes at the same concurrency.
 */
final class DownloadAllBenchmark {
    private final BlobStore store;
    private final PrintStream out;

    DownloadAllBenchmark(BlobStore store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    /** What to measure: the stream against raw reads, the heap of 1,000 and 10,000 photos, the parallel build. */
    enum Section { STREAM, HEAP, BUILD }

    /** The parallel build's event and worker counts. */
    record BuildRun(int photos, int photoMb, List<Integer> workers, long partBytes) {
    }

    void run(int largePhotos, int largeMb, int rounds, Set<Section> sections, BuildRun build) throws IOException {
        AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create();
        try {
            DynamoCatalog catalog = new DynamoCatalog(dynamo.dynamoDbClient(), "bench-archive");
            DynamoCatalog.createTableIfMissing(dynamo.dynamoDbClient(), "bench-archive");
            DownloadAllService archives = new DownloadAllService(catalog, store,
                    new RenditionMaker(store, new ImageProbe(), new ImageScaler()), Clock.systemUTC());
            if (sections.contains(Section.STREAM)) {
                stream(catalog, archives, largePhotos, largeMb, rounds);
            }
            if (sections.contains(Section.HEAP)) {
                heap(catalog, archives);
            }
            if (sections.contains(Section.BUILD)) {
                build(catalog, new DynamoTable(dynamo.dynamoDbClient(), "bench-archive"), build);
            }
        } finally {
            dynamo.shutdown();
        }
    }

    private void stream(DynamoCatalog catalog, DownloadAllService archives, int largePhotos, int largeMb, int rounds)
            throws IOException {
        Event big = seed(catalog, "bench-big", largePhotos, largeMb * 1024 * 1024);
        double bestRaw = 0;
        double bestZip = 0;
        long bytes = big.photoCount() * (long) largeMb * 1024 * 1024;
        for (int round = 0; round <= rounds; round++) {
            long start = System.nanoTime();
            for (Photo photo : catalog.listPhotos(big.slug(), largePhotos, null).items()) {
                try (BlobRead read = store.get(photo.key())) {
                    read.stream().transferTo(OutputStream.nullOutputStream());
                }
            }
            double raw = bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            archives.writeFromOriginals(archives.current(catalog.findEvent(big.slug()).orElseThrow()),
                    OutputStream.nullOutputStream());
            double zip = bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
            if (round > 0) {
                bestRaw = Math.max(bestRaw, raw);
                bestZip = Math.max(bestZip, zip);
            }
        }
        out.printf(Locale.ROOT, "archive throughput on %s: %d photos of %d MiB, best of %d%n", store.describe(),
                largePhotos, largeMb, rounds);
        out.printf(Locale.ROOT, "  raw reads %.0f MB/s, Download All stream %.0f MB/s, ratio %.2f (goal >= 0.9)%n",
                bestRaw, bestZip, bestZip / bestRaw);
    }

    private void heap(DynamoCatalog catalog, DownloadAllService archives) throws IOException {
        for (int count : new int[] {1_000, 10_000}) {
            Event event = seed(catalog, "bench-" + count, count, 4096);
            DownloadAllService.Archive archive = archives.current(event);
            HeapPeak.reset();
            long start = System.nanoTime();
            archives.writeFromOriginals(archive, OutputStream.nullOutputStream());
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "  %,6d photos: archive %.1f MB in %.2f s, heap peak %.0f MB (sum of heap pools' peaks)%n",
                    count, archive.length() / 1e6, seconds, HeapPeak.sinceReset() / 1e6);
        }
    }

    /**
     * The cached archive built by part jobs on {@code workers} threads (local mode's job pool; the serverless
     * shape's bound is the worker function's concurrency), against the floor: a raw parallel copy of the same
     * bytes (the photos end to end, no zip) into one object of the same parts, on as many threads.
     */
    private void build(DynamoCatalog catalog, DynamoTable table, BuildRun run) {
        Event event = seed(catalog, "bench-build", run.photos(), run.photoMb() * 1024 * 1024);
        List<Photo> photos = catalog.photosOf(event.slug());
        long bytes = photos.stream().mapToLong(Photo::size).sum();
        out.printf(Locale.ROOT, "parallel Download All build on %s: %,d photos, %.2f GB, parts of %d MiB%n",
                store.describe(), photos.size(), bytes / 1e9, run.partBytes() >> 20);
        for (int workers : run.workers()) {
            double raw = rawParallelCopy(photos, run.partBytes(), workers);
            JobSettings settings = new JobSettings(JobSettings.DEFAULTS.stepDeadline(), JobSettings.DEFAULTS.lease(),
                    JobSettings.DEFAULTS.retryDelay(), JobSettings.DEFAULTS.minimumStep(), 3, run.partBytes(), workers);
            System.gc();
            long baseline = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            HeapPeak.reset();
            long start = System.nanoTime();
            long length = buildOnce(catalog, table, settings);
            double seconds = (System.nanoTime() - start) / 1e9;
            double perWorker = Math.max(0, HeapPeak.sinceReset() - baseline) / 1e6 / workers;
            double mbps = length / 1e6 / seconds;
            out.printf(Locale.ROOT, "  %d worker%s: build %.1f s (%.0f MB/s), raw parallel copy %.1f s, ratio %.2f "
                            + "(goal <= 1.3), heap above the start %.0f MB per worker (pools' peaks, an upper bound), "
                            + "30 GB projected %.1f min%n", workers, workers == 1 ? " " : "s", seconds, mbps, raw,
                    seconds / raw, perWorker, 30e9 / (length / seconds) / 60);
        }
    }

    /** One build of the event's cache through jobs on a pool of {@code settings.workers()} threads; its length. */
    private long buildOnce(DynamoCatalog catalog, DynamoTable table, JobSettings settings) {
        Clock clock = Clock.systemUTC();
        try (LocalJobQueue queue = new LocalJobQueue(settings.workers(), clock)) {
            JobStore jobStore = new JobStore(table);
            Jobs jobs = new Jobs(jobStore, queue, settings, clock);
            DownloadAllService archives = new DownloadAllService(catalog, store,
                    new RenditionMaker(store, new ImageProbe(), new ImageScaler()), clock);
            archives.useJobs(jobs, new ZipParts(store, table, jobs, clock));
            JobRunner runner = new JobRunner(jobStore, Map.of(JobKind.DOWNLOAD_ALL_BUILD,
                    archives.buildStep(settings.partBytes()), JobKind.DOWNLOAD_ALL_PART, archives.partStep()),
                    settings, clock, JobRunner.newOwner("bench"));
            queue.attach(new JobWorker(runner, jobStore, queue, clock));
            Event event = catalog.findEvent("bench-build").orElseThrow();
            DownloadAllService.Archive archive = archives.current(event);
            catalog.deleteDownloadAllRecordsExcept(event.slug(), archive.variant(), -1); // the last round's cache
            store.delete(archive.key());
            archives.requestBuild(archives.current(event));
            String target = event.slug() + "/" + archive.variant() + "/" + event.revision();
            Job job = jobs.holder(JobKind.DOWNLOAD_ALL_BUILD, target).orElseThrow();
            while (!(job = jobs.find(job.id()).orElseThrow()).state().finished()) {
                sleep(50);
            }
            if (job.state() != JobState.SUCCEEDED) {
                throw new IllegalStateException("the build failed: " + job.lastError());
            }
            return archives.current(event).length();
        }
    }

    /** Seconds to copy the photos end to end into parts of one object, {@code threads} parts at a time. */
    private double rawParallelCopy(List<Photo> photos, long partBytes, int threads) {
        long[] starts = new long[photos.size() + 1];
        for (int i = 0; i < photos.size(); i++) {
            starts[i + 1] = starts[i] + photos.get(i).size();
        }
        long total = starts[photos.size()];
        int parts = (int) ((total + partBytes - 1) / partBytes);
        String key = "bench/raw-copy.bin";
        long start = System.nanoTime();
        String upload = store.startParts(key, "application/octet-stream");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> written = new ArrayList<>();
            for (int part = 1; part <= parts; part++) {
                long from = (part - 1) * partBytes;
                long to = Math.min(total, from + partBytes);
                int number = part;
                written.add(pool.submit(() -> store.writePart(key, upload, number, from,
                        rawBytes(photos, starts, from, to), to - from)));
            }
            List<String> digests = new ArrayList<>();
            for (Future<String> part : written) {
                digests.add(part.get());
            }
            store.completeParts(key, upload, parts, digests);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the raw copy failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        store.delete(key);
        return seconds;
    }

    /** Bytes {@code [from, to)} of the photos laid end to end, from ranged reads. */
    private InputStream rawBytes(List<Photo> photos, long[] starts, long from, long to) {
        List<InputStream> pieces = new ArrayList<>();
        int i = Math.max(0, Arrays.binarySearch(starts, from));
        while (i > 0 && starts[i] > from) {
            i--;
        }
        for (; i < photos.size() && starts[i] < to; i++) {
            long first = Math.max(from, starts[i]) - starts[i];
            long last = Math.min(to, starts[i + 1]) - starts[i] - 1;
            if (last >= first) {
                String photoKey = photos.get(i).key();
                pieces.add(new LazyRead(() -> store.get(photoKey, ByteRange.of(first, last)).stream()));
            }
        }
        return new SequenceInputStream(Collections.enumeration(pieces));
    }

    /** A read opened when its first byte is wanted: a part holds one open read at a time, as a slice does. */
    private static final class LazyRead extends InputStream {
        private final Supplier<InputStream> open;
        private InputStream in;

        LazyRead(Supplier<InputStream> open) {
            this.open = open;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (in == null) {
                in = open.get();
            }
            return in.read(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An event with {@code count} photos of {@code size} random bytes (catalog rows point at real objects). */
    private Event seed(DynamoCatalog catalog, String slug, int count, int size) {
        Instant now = Instant.now();
        catalog.createEvent(new Event(slug, slug, null, null, true, true, false, false, 0, null, null, 0, now, now, null));
        SplittableRandom random = new SplittableRandom(count);
        byte[] bytes = new byte[size];
        for (int i = 0; i < count; i++) {
            random.nextBytes(bytes);
            String name = String.format("IMG_%05d.jpg", i);
            String key = Keys.original(slug, name);
            StoredBlob stored = store.put(key, new ByteArrayInputStream(bytes), PutOptions.of("image/jpeg"));
            catalog.addPhoto(new Photo(PhotoIds.next(Instant.now()), slug, key, Keys.thumbnail(slug, "x" + i), name,
                    "image/jpeg", stored.size(), stored.crc32(), stored.sha256(), 1, 1, null, Instant.now(),
                    PhotoSource.UPLOAD));
        }
        return catalog.findEvent(slug).orElseThrow();
    }

}
