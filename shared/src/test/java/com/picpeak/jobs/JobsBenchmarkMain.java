package com.picpeak.jobs;

import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.eventarchive.EventArchiver;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.catalog.PhotoIds;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestJobs;
import com.picpeak.testing.TestS3Server;
import com.picpeak.zip.ZipParts;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/**
 * What checkpointing costs: archive and then restore one event (default 1,000 photos of about 2 MB, over
 * 2 GB) on S3 (S3Proxy on local disk, in this JVM), once as one long step and once in steps of 10 seconds
 * that each run in a worker invocation of their own (as the worker function runs them), then as one long
 * step again; the ratio of the stepped run to the mean of the two around it. {@code mvn -q -pl shared exec:java@bench-jobs -Dexec.args="1000 2"} (photos, MB per photo).
 */
public final class JobsBenchmarkMain {

    public static void main(String[] args) throws IOException {
        int photos = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int photoMb = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path scratch = Files.createTempDirectory("picpeak-bench-jobs");
        TestS3Server server = TestS3Server.start(Optional.of(scratch.resolve("s3")));
        Clock clock = Clock.systemUTC();
        try (S3BlobStore store = S3BlobStore.create(server.settings(server.createBucket(), "bench"))) {
            DynamoCatalog catalog = TestDynamo.newCatalog();
            new EventService(catalog, store, new PasswordHasher(1000), clock)
                    .create("bench", new EventPatch("Bench", null, null, false, null, null, null, null));
            long bytes = addPhotos(catalog, store, photos, photoMb * 1024L * 1024, clock);
            System.out.printf("event: %d photos, %.2f GB on S3 (S3Proxy on disk)%n", photos, bytes / 1e9);

            JobSettings oneStep = new JobSettings(Duration.ofHours(4), Duration.ofHours(5), Duration.ZERO,
                    Duration.ZERO, 3, JobSettings.DEFAULTS.partBytes(), 1);
            JobSettings tenSeconds = new JobSettings(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ZERO,
                    Duration.ofSeconds(1), 3, JobSettings.DEFAULTS.partBytes(), 1);
            // one step, stepped, one step again: the reference is the mean of the runs around the measured one
            Run before = run(catalog, store, oneStep, Duration.ofHours(4), clock);
            Run stepped = run(catalog, store, tenSeconds, Duration.ofSeconds(10), clock);
            Run after = run(catalog, store, oneStep, Duration.ofHours(4), clock);
            Run reference = new Run((before.archiveSeconds + after.archiveSeconds) / 2,
                    (before.restoreSeconds + after.restoreSeconds) / 2, after.steps, after.deliveries);
            System.out.printf("one step (before): archive %6.1f s, restore %6.1f s (%d steps, %d worker runs)%n",
                    before.archiveSeconds, before.restoreSeconds, before.steps, before.deliveries);
            System.out.printf("10-second steps:   archive %6.1f s, restore %6.1f s (%d steps, %d worker runs)%n",
                    stepped.archiveSeconds, stepped.restoreSeconds, stepped.steps, stepped.deliveries);
            System.out.printf("one step (after):  archive %6.1f s, restore %6.1f s%n",
                    after.archiveSeconds, after.restoreSeconds);
            System.out.printf("cost of checkpointing: archive %.2fx, restore %.2fx, both %.2fx of one step (mean of before and after)%n",
                    stepped.archiveSeconds / reference.archiveSeconds, stepped.restoreSeconds / reference.restoreSeconds,
                    (stepped.archiveSeconds + stepped.restoreSeconds)
                            / (reference.archiveSeconds + reference.restoreSeconds));
        } finally {
            server.stop();
            try (var paths = Files.walk(scratch)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0); // DynamoDB Local's and the S3 server's threads would keep the JVM (and the build) alive
    }

    private record Run(double archiveSeconds, double restoreSeconds, int steps, int deliveries) {
    }

    /** Archive then restore with these settings, each worker run given {@code perRun} (a function's time). */
    private static Run run(DynamoCatalog catalog, BlobStore store, JobSettings settings, Duration perRun, Clock clock) {
        TestJobs jobs = new TestJobs(catalog.tableName(), clock, settings, perRun);
        ImportService imports = new ImportService(catalog, store, new ImageProbe(), new ImageScaler(), clock,
                Long.MAX_VALUE);
        EventArchiver archiver = new EventArchiver(catalog, store, imports, jobs.jobs,
                new ZipParts(store, new DynamoTable(TestDynamo.client(), catalog.tableName()), jobs.jobs, clock), clock);
        int[] steps = {0};
        JobStep archive = archiver.archiveStep(settings.partBytes());
        JobStep part = archiver.partStep();
        jobs.register(JobKind.EVENT_ARCHIVE_PART, (job, deadline) -> {
            steps[0]++;
            return part.run(job, deadline);
        });
        JobStep restore = archiver.restoreStep();
        jobs.register(JobKind.EVENT_ARCHIVE, (job, deadline) -> {
            steps[0]++;
            return archive.run(job, deadline);
        });
        jobs.register(JobKind.EVENT_RESTORE, (job, deadline) -> {
            steps[0]++;
            return restore.run(job, deadline);
        });
        long start = System.nanoTime();
        archiver.archive("bench");
        requireSucceeded(jobs.drain().get(0));
        int deliveries = jobs.deliveries();
        long archived = System.nanoTime();
        archiver.restore("bench");
        requireSucceeded(jobs.drain().get(0));
        deliveries += jobs.deliveries();
        long restored = System.nanoTime();
        return new Run((archived - start) / 1e9, (restored - archived) / 1e9, steps[0], deliveries);
    }

    private static void requireSucceeded(Job job) {
        if (job.state() != JobState.SUCCEEDED) {
            throw new IllegalStateException("job " + job.id() + " ended " + job.state() + ": " + job.lastError());
        }
    }

    /**
     * Distinct JPEGs of about {@code size} bytes (one noisy image, each copy with its own comment segment),
     * stored and catalogued directly: the benchmark measures the jobs, not the import.
     */
    private static long addPhotos(DynamoCatalog catalog, BlobStore store, int count, long size, Clock clock) {
        int side = 800;
        byte[] base = TestImages.jpeg(TestImages.noisyHalves(side, side, 7));
        while (base.length < size) { // noise compresses by an amount known only by trying
            side = (int) (side * Math.min(2.0, Math.sqrt((double) size / base.length) * 1.05));
            base = TestImages.jpeg(TestImages.noisyHalves(side, side, 7));
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            byte[] jpeg = withComment(base, "picpeak bench photo " + i);
            String name = String.format("IMG_%05d.jpg", i);
            String key = Keys.original("bench", name);
            store.put(key, new ByteArrayInputStream(jpeg), PutOptions.of("image/jpeg"));
            Instant now = clock.instant();
            String id = PhotoIds.next(now);
            catalog.addPhoto(new Photo(id, "bench", key, Keys.thumbnail("bench", id), name, "image/jpeg", jpeg.length,
                    TestData.crc32(jpeg), TestData.sha256(jpeg), side, side, null, now, PhotoSource.UPLOAD));
            total += jpeg.length;
        }
        return total;
    }

    private static byte[] withComment(byte[] jpeg, String comment) {
        byte[] text = comment.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + text.length + 4);
        out.write(jpeg, 0, 2); // SOI
        out.write(0xFF);
        out.write(0xFE); // COM
        out.write((text.length + 2) >> 8);
        out.write((text.length + 2) & 0xFF);
        out.writeBytes(text);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
