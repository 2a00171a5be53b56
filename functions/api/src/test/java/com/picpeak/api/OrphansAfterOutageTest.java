package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.EventPatch;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobState;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Orphans after an S3 outage are reconciled (issue 32, item 10). Local mode on the S3 backend without auto-import;
 * the in-process S3 server is killed in the middle of an import, right after the original was stored: the import
 * fails and cannot remove what it wrote, so the original stays without a row. The archive sweep (and local mode's
 * start) removes it; a file dropped in by hand (no sha256 of an import) and an import under way (a live claim) are
 * left alone; thumbnails without a row go too.
 */
class OrphansAfterOutageTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path s3Data;
    TestS3Server s3;
    String bucket;
    PicPeakRuntime runtime;

    /** Stops the S3 server at the first look at the time after the armed file has appeared in its folder. */
    final class KillingClock extends Clock {
        volatile String armedFor;
        final AtomicBoolean killed = new AtomicBoolean();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            String name = armedFor;
            if (name != null && !killed.get() && stored(name) && killed.compareAndSet(false, true)) {
                s3.stop();
            }
            return Instant.now();
        }

        private boolean stored(String name) {
            try (Stream<Path> files = Files.walk(s3Data)) {
                return files.anyMatch(f -> f.getFileName().toString().equals(name));
            } catch (IOException | UncheckedIOException e) {
                return false;
            }
        }
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        s3.stop();
    }

    @Test
    void anOriginalLeftByAnImportThatS3FailedMidway_isRemovedByTheSweep_handDroppedFilesAndLiveImportsStay() {
        KillingClock clock = new KillingClock();
        s3 = TestS3Server.start(Optional.of(s3Data));
        bucket = s3.createBucket();
        Map<String, String> env = new HashMap<>(s3.env(bucket, "studio"));
        runtime = TestRuntimes.local(dataDir, env, clock);
        runtime.events().create("outage", new EventPatch("Outage", null, null, false, null, null, null, null));
        runtime.imports().importStream("outage", "kept.jpg", jpeg(1), PhotoSource.UPLOAD);

        clock.armedFor = "p0030.jpg";
        assertThatThrownBy(() -> runtime.imports().importStream("outage", "p0030.jpg", jpeg(2), PhotoSource.UPLOAD))
                .isInstanceOf(PicPeakException.class);
        assertThat(clock.killed).as("S3 was killed after the original was stored").isTrue();
        s3 = s3.restart();
        String leftover = Keys.original("outage", "p0030.jpg");
        assertThat(runtime.store().head(leftover)).as("the failed import's original stays without a row").isPresent();
        // a file dropped in by hand (no import's sha256 recorded with it), an orphaned thumbnail
        runtime.store().put(Keys.original("outage", "dropped.jpg"), jpeg(3), PutOptions.of("image/jpeg"));
        String strayThumbnail = Keys.thumbnail("outage", "p00000000000000000000");
        runtime.store().put(strayThumbnail, jpeg(4), PutOptions.of("image/jpeg"));
        dropSha256(Keys.original("outage", "dropped.jpg"));

        String sweep = runtime.archiver().sweep().job().id();
        await().atMost(Duration.ofSeconds(60)).until(() -> runtime.jobs().find(sweep).map(Job::state)
                .filter(JobState::finished).isPresent());

        Job done = runtime.jobs().find(sweep).orElseThrow();
        assertThat(done.state()).as(done.lastError()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.result()).contains("\"orphansRemoved\":2");
        assertThat(runtime.store().head(leftover)).as("the leftover is gone").isEmpty();
        assertThat(runtime.store().head(strayThumbnail)).as("the stray thumbnail is gone").isEmpty();
        assertThat(runtime.store().head(Keys.original("outage", "dropped.jpg"))).as("a dropped file stays").isPresent();
        List<String> photos = runtime.catalog().photosOf("outage").stream().map(p -> p.filename()).toList();
        assertThat(photos).containsExactly("kept.jpg");
        runtime.catalog().photosOf("outage").forEach(p -> {
            assertThat(runtime.store().head(p.key())).isPresent();
            assertThat(runtime.store().head(p.thumbnailKey())).isPresent();
        });
        // the same file uploaded again takes its own name
        assertThat(runtime.imports().importStream("outage", "p0030.jpg", jpeg(2), PhotoSource.UPLOAD).filename())
                .isEqualTo("p0030.jpg");
    }

    @Test
    void anImportUnderWay_keepsItsFiles() {
        KillingClock clock = new KillingClock();
        s3 = TestS3Server.start(Optional.of(s3Data));
        runtime = TestRuntimes.local(dataDir, new HashMap<>(s3.env(s3.createBucket(), "studio")), clock);
        runtime.events().create("busy", new EventPatch("Busy", null, null, false, null, null, null, null));
        // an import that has claimed its name and written its files, its row not yet
        String token = runtime.catalog().leaseFilename("busy", "live.jpg", clock.instant(), Duration.ofHours(1))
                .orElseThrow();
        runtime.store().put(Keys.original("busy", "live.jpg"), jpeg(5), PutOptions.of("image/jpeg"));
        String thumbnail = Keys.thumbnail("busy", "p11111111111111111111");
        runtime.store().put(thumbnail, jpeg(6), PutOptions.of("image/jpeg"));

        assertThat(runtime.orphans().reconcile("busy").total()).isZero();
        assertThat(runtime.store().head(Keys.original("busy", "live.jpg"))).isPresent();
        assertThat(runtime.store().head(thumbnail)).isPresent();

        runtime.catalog().releaseFilename("busy", "live.jpg", token); // it failed: now both are orphans
        assertThat(runtime.orphans().reconcile("busy").total()).isEqualTo(2);
    }

    /** As a photographer's sync tool writes it: the same bytes, without the sha256 an import records. */
    private void dropSha256(String key) {
        try (S3Objects objects = new S3Objects()) {
            objects.rewriteWithoutMetadata(key);
        }
    }

    private final class S3Objects implements AutoCloseable {
        private final software.amazon.awssdk.services.s3.S3Client client = s3.client(TestS3Server.SECRET_KEY);

        void rewriteWithoutMetadata(String key) {
            String full = "studio/" + key;
            byte[] bytes = client.getObjectAsBytes(b -> b.bucket(bucket).key(full)).asByteArray();
            client.putObject(b -> b.bucket(bucket).key(full).contentType("image/jpeg"),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
            assertThat(runtime.store().head(key).flatMap(BlobInfo::sha256)).isEmpty();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private static ByteArrayInputStream jpeg(int seed) {
        return new ByteArrayInputStream(TestImages.jpeg(TestImages.noisyHalves(300, 200, seed)));
    }
}
