package com.picpeak.migrate;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.migrate.Migrator.Outcome;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.ByteRange;
import com.picpeak.storage.LocalBlobStore;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.storage.StoredBlob;
import com.picpeak.testing.DelegatingStore;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Migration between the local store and a real S3-compatible server, both ways, with its faults. */
class MigratorTest {
    static final Migrator.Options COPY = new Migrator.Options(false, false, false, 4);
    static final Migrator.Listener QUIET = new Migrator.Listener() {
        public void planned(long objects, long bytes) {
        }

        public void done(String key, long bytes, Outcome outcome, String detail) {
        }
    };

    @TempDir
    Path dir;

    @Test
    void localToS3_copiesEveryDataObjectWithItsSha256_thenASecondRunCopiesNothing() throws Exception {
        LocalBlobStore local = localWithContent();
        try (S3BlobStore s3 = TestS3Server.shared().newStore("migrate")) {
            Migrator.Summary first = new Migrator(local, s3).run(COPY, QUIET, report());
            Migrator.Summary second = new Migrator(local, s3).run(COPY, QUIET, report());

            assertThat(first.count(Outcome.COPIED)).isEqualTo(6);
            assertThat(first.anyFailed()).isFalse();
            assertThat(keys(s3)).containsExactlyInAnyOrder("events/active/e/IMG_1.jpg", "events/active/e/big.jpg",
                    "thumbnails/e/p1.jpg", "heroes/e/p1.jpg", "branding/watermark.png", "events/archived/old.zip");
            for (String key : keys(s3)) {
                assertThat(s3.head(key).orElseThrow().sha256()).isEqualTo(local.head(key).orElseThrow().sha256());
            }
            assertThat(second.count(Outcome.SKIPPED)).isEqualTo(6);
            assertThat(second.count(Outcome.COPIED)).isZero();
            Migrator.Summary verified = new Migrator(local, s3).run(new Migrator.Options(false, true, false, 4), QUIET, report());
            assertThat(verified.count(Outcome.VERIFIED)).isEqualTo(6);
        }
    }

    @Test
    void aDryRun_reportsWhatWouldHappen_andWritesNothing() throws Exception {
        LocalBlobStore local = localWithContent();
        try (S3BlobStore s3 = TestS3Server.shared().newStore("dry")) {
            s3.put("thumbnails/e/p1.jpg", new ByteArrayInputStream(new byte[] {9}), PutOptions.of("image/jpeg"));

            Migrator.Summary summary = new Migrator(local, s3).run(new Migrator.Options(true, false, false, 2), QUIET, report());

            assertThat(summary.count(Outcome.WOULD_COPY)).isEqualTo(5);
            assertThat(summary.count(Outcome.WOULD_OVERWRITE)).isEqualTo(1);
            assertThat(summary.objects()).isEqualTo(6);
            assertThat(keys(s3)).containsExactly("thumbnails/e/p1.jpg");
        }
    }

    @Test
    void aTargetWithOtherBytes_isOverwritten_andReported() throws Exception {
        LocalBlobStore local = localWithContent();
        try (S3BlobStore s3 = TestS3Server.shared().newStore("overwrite")) {
            s3.put("thumbnails/e/p1.jpg", new ByteArrayInputStream(new byte[] {9}), PutOptions.of("image/jpeg"));

            Migrator.Summary summary = new Migrator(local, s3).run(COPY, QUIET, report());

            assertThat(summary.count(Outcome.OVERWRITTEN)).isEqualTo(1);
            assertThat(s3.head("thumbnails/e/p1.jpg").orElseThrow().sha256())
                    .isEqualTo(local.head("thumbnails/e/p1.jpg").orElseThrow().sha256());
        }
    }

    @Test
    void aFileThatChangesDuringTheRun_andAnUnreadableOne_areRecordedInTheCsv_andTheRestIsCopied() throws Exception {
        LocalBlobStore local = localWithContent();
        Path changing = local.root().resolve("events/active/e/IMG_1.jpg");
        BlobStore faulty = new DelegatingStore(local) {
            @Override
            public BlobRead get(String key, ByteRange range) {
                if (key.equals("heroes/e/p1.jpg")) { // root reads any file, so a permission error is simulated
                    throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "cannot open " + key + ": permission denied");
                }
                if (key.equals("events/active/e/IMG_1.jpg")) {
                    try { // the photographer re-exports the file while it is being copied
                        Files.write(changing, TestData.bytes(1000, 99));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return super.get(key, range);
            }
        };
        Path csv = dir.resolve("failures.csv");
        try (S3BlobStore s3 = TestS3Server.shared().newStore("faults"); FailureReport failures = new FailureReport(csv)) {
            Migrator.Summary summary = new Migrator(faulty, s3).run(COPY, QUIET, failures);

            assertThat(summary.count(Outcome.FAILED)).isEqualTo(2);
            assertThat(summary.count(Outcome.COPIED)).isEqualTo(4);
            assertThat(keys(s3)).doesNotContain("heroes/e/p1.jpg", "events/active/e/IMG_1.jpg");
            List<String> lines = Files.readAllLines(csv);
            assertThat(lines.get(0)).isEqualTo("key,size,error,message");
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("\"heroes/e/p1.jpg\",").contains("permission denied"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("\"events/active/e/IMG_1.jpg\",")
                    .contains("integrity_mismatch"));
        }
    }

    @Test
    void theS3ServerStoppingMidRun_failsTheRest_andARerunAfterItIsBackCompletesAndVerifies() throws Exception {
        LocalBlobStore local = new LocalBlobStore(dir.resolve("local"));
        for (int i = 0; i < 40; i++) {
            local.put(String.format("events/active/e/IMG_%02d.jpg", i), TestData.stream(20_000, i), PutOptions.of("image/jpeg"));
        }
        Path s3Data = dir.resolve("s3data");
        TestS3Server server = TestS3Server.start(Optional.of(s3Data));
        String bucket = server.createBucket();
        AtomicInteger done = new AtomicInteger();
        Migrator.Listener stopAfterTen = new Migrator.Listener() {
            public void planned(long objects, long bytes) {
            }

            public void done(String key, long bytes, Outcome outcome, String detail) {
                if (done.incrementAndGet() == 10) {
                    server.stop();
                }
            }
        };
        Migrator.Summary interrupted;
        try (S3BlobStore s3 = S3BlobStore.create(server.settings(bucket, null))) {
            interrupted = new Migrator(local, s3).run(new Migrator.Options(false, false, false, 1), stopAfterTen, report());
        }
        assertThat(interrupted.count(Outcome.FAILED)).isPositive();
        assertThat(interrupted.count(Outcome.COPIED) + interrupted.count(Outcome.FAILED)).isEqualTo(40);

        TestS3Server restarted = TestS3Server.start(Optional.of(s3Data)); // same data, new port
        try (S3BlobStore s3 = S3BlobStore.create(restarted.settings(bucket, null))) {
            assertThat(keys(s3)).hasSize((int) interrupted.count(Outcome.COPIED)); // nothing reported copied that was not
            Migrator.Summary rerun = new Migrator(local, s3).run(COPY, QUIET, report());
            assertThat(rerun.count(Outcome.SKIPPED)).isEqualTo(interrupted.count(Outcome.COPIED));
            assertThat(rerun.count(Outcome.COPIED)).isEqualTo(interrupted.count(Outcome.FAILED));
            assertThat(new Migrator(local, s3).run(new Migrator.Options(false, true, false, 4), QUIET, report())
                    .count(Outcome.VERIFIED)).isEqualTo(40);
        } finally {
            restarted.stop();
        }
    }

    @Test
    void s3ToLocal_copiesBack_withTheSameGuarantees() throws Exception {
        try (S3BlobStore s3 = TestS3Server.shared().newStore("back")) {
            s3.put("events/active/e/a.jpg", TestData.stream(30_000, 1), PutOptions.of("image/jpeg"));
            s3.put("thumbnails/e/a.jpg", TestData.stream(3_000, 2), PutOptions.of("image/jpeg"));
            LocalBlobStore local = new LocalBlobStore(dir.resolve("back"));

            Migrator.Summary first = new Migrator(s3, local).run(COPY, QUIET, report());
            Migrator.Summary second = new Migrator(s3, local).run(COPY, QUIET, report());

            assertThat(first.count(Outcome.COPIED)).isEqualTo(2);
            assertThat(second.count(Outcome.SKIPPED)).isEqualTo(2);
            assertThat(local.head("events/active/e/a.jpg").orElseThrow().sha256())
                    .isEqualTo(s3.head("events/active/e/a.jpg").orElseThrow().sha256());
        }
    }

    /** Originals (one multipart-sized), thumbnail, hero, watermark, an archived event, and what is not migrated. */
    private LocalBlobStore localWithContent() {
        LocalBlobStore local = new LocalBlobStore(dir.resolve("storage"));
        local.put("events/active/e/IMG_1.jpg", TestData.stream(50_000, 1), PutOptions.of("image/jpeg"));
        local.put("events/active/e/big.jpg", TestData.stream(12L * 1024 * 1024, 2), PutOptions.of("image/jpeg"));
        local.put("thumbnails/e/p1.jpg", TestData.stream(3_000, 3), PutOptions.of("image/jpeg"));
        local.put("heroes/e/p1.jpg", TestData.stream(9_000, 4), PutOptions.of("image/jpeg"));
        local.put("branding/watermark.png", TestData.stream(700, 5), PutOptions.of("image/png"));
        local.put("events/archived/old.zip", TestData.stream(4_000, 6), PutOptions.of("application/zip"));
        local.put("events/active/e/.download-cache/3.zip", TestData.stream(4_000, 7), PutOptions.of("application/zip"));
        local.put("uploads/e/abc123def45", TestData.stream(100, 8), PutOptions.of(null));
        local.put(".picpeak-sentinel", new ByteArrayInputStream(new byte[] {1}), PutOptions.of(null));
        return local;
    }

    private FailureReport report() {
        return new FailureReport(dir.resolve("failures-" + System.nanoTime() + ".csv"));
    }

    private static List<String> keys(BlobStore store) {
        try (Stream<BlobInfo> listing = store.list("")) {
            return listing.map(BlobInfo::key).filter(k -> !k.startsWith(".")).toList();
        }
    }
}
