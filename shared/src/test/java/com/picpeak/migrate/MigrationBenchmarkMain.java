package com.picpeak.migrate;

import com.picpeak.storage.LocalBlobStore;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestS3Server;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Migration of 2,000 files of mixed size (thumbnails to 20 MB originals) from the local store to a
 * disk-backed S3 server in this JVM at the default parallelism, then the no-op re-run: its time and how
 * many S3 requests it made (one HEAD per object plus the listing pages is the floor).
 * {@code mvn -q -pl shared exec:java@bench-migrate} (file count: {@code -Dexec.args="2000"}).
 */
public final class MigrationBenchmarkMain {

    public static void main(String[] args) throws IOException {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path scratch = Files.createTempDirectory("picpeak-bench-migrate");
        TestS3Server server = TestS3Server.start(Optional.of(scratch.resolve("s3")));
        AtomicLong requests = new AtomicLong();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                requests.incrementAndGet();
            }
        };
        try (LocalBlobStore local = new LocalBlobStore(scratch.resolve("local"));
             S3BlobStore s3 = S3BlobStore.create(server.settings(server.createBucket(), "bench"), counter)) {
            SplittableRandom random = new SplittableRandom(1);
            long bytes = 0;
            for (int i = 0; i < files; i++) {
                int kind = random.nextInt(100); // 70% thumbnails/heroes (30-400 KB), 30% originals (2-20 MB)
                long size = kind < 70 ? random.nextInt(30_000, 400_000) : random.nextInt(2_000_000, 20_000_000);
                local.put(String.format("events/active/e/IMG_%05d.jpg", i), TestData.stream(size, i), PutOptions.of("image/jpeg"));
                bytes += size;
            }
            Migrator.Listener quiet = new Migrator.Listener() {
                public void planned(long objects, long total) {
                }

                public void done(String key, long size, Migrator.Outcome outcome, String detail) {
                }
            };
            Migrator.Options defaults = new Migrator.Options(false, false, false, 4);
            Migrator.Summary first = new Migrator(local, s3).run(defaults, quiet, new FailureReport(scratch.resolve("f1.csv")));
            long afterFirst = requests.get();
            Migrator.Summary second = new Migrator(local, s3).run(defaults, quiet, new FailureReport(scratch.resolve("f2.csv")));
            long secondRequests = requests.get() - afterFirst;
            double seconds = first.took().toMillis() / 1000.0;
            System.out.printf(Locale.ROOT, "migration: %d files, %.0f MB (mixed 30 KB - 20 MB), local -> S3 (S3Proxy on disk), "
                    + "parallelism 4%n", files, bytes / 1e6);
            System.out.printf(Locale.ROOT, "  first run: copied %d in %.1f s: %.1f MB/s, %.1f files/s, %d S3 requests%n",
                    first.count(Migrator.Outcome.COPIED), seconds, first.bytesCopied() / 1e6 / seconds,
                    first.count(Migrator.Outcome.COPIED) / seconds, afterFirst);
            System.out.printf(Locale.ROOT, "  no-op re-run: skipped %d in %.2f s, %d S3 requests (%.2f per object)%n",
                    second.count(Migrator.Outcome.SKIPPED), second.took().toMillis() / 1000.0, secondRequests,
                    (double) secondRequests / files);
        } finally {
            server.stop();
            try (var paths = Files.walk(scratch)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
