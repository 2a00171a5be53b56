package com.picpeak.gallery;

import com.picpeak.autoimport.AutoImportState;
import com.picpeak.autoimport.PollReport;
import com.picpeak.autoimport.PrefixWalker;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.DelegatingStore;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Deleting a photo while the S3 server is down, or when it goes down half-way: the real server (on disk,
 * so its objects outlive it) is stopped and started again on the same port. Nothing is lost, nothing comes
 * back: the walker never imports a deleted photo's original again, and repeating the request finishes.
 */
class PhotoDeletionS3Test {
    static final Duration INTERVAL = Duration.ofMinutes(5);

    @TempDir
    Path dir;
    TestS3Server server;
    S3BlobStore s3;
    DynamoCatalog catalog;
    TestClock clock = new TestClock(Instant.parse("2026-11-30T10:00:00Z"));
    ImportService imports;
    PrefixWalker walker;
    Photo photo;

    @BeforeEach
    void setUp() {
        server = TestS3Server.start(Optional.of(dir.resolve("s3")));
        s3 = S3BlobStore.create(server.settings(server.createBucket(), "studio"));
        String table = TestDynamo.createTable();
        catalog = new DynamoCatalog(TestDynamo.client(), table);
        imports = new ImportService(catalog, s3, new ImageProbe(), new ImageScaler(), clock, 10_000_000);
        walker = new PrefixWalker(catalog, s3, imports, new AutoImportState(new DynamoTable(TestDynamo.client(), table)),
                clock, INTERVAL);
        new EventService(catalog, s3, new PasswordHasher(1000), clock)
                .create("wedding", new EventPatch("Wedding", null, null, false, null, null, null, null));
        photo = imports.importStream("wedding", "IMG_1.jpg", new ByteArrayInputStream(
                TestImages.jpeg(TestImages.noisyHalves(320, 240, 1))), PhotoSource.UPLOAD);
    }

    @AfterEach
    void tearDown() {
        s3.close();
        server.stop();
    }

    @Test
    void deletingWhileS3IsDown_answers503_andChangesNothing() {
        EventService events = events(s3);
        server.stop();

        assertThatThrownBy(() -> events.deletePhoto("wedding", photo.id()))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));

        server = server.restart();
        assertThat(catalog.findPhoto("wedding", photo.id())).isPresent();
        assertThat(catalog.findEvent("wedding").orElseThrow().photoCount()).isEqualTo(1);
        assertThat(s3.head(photo.key())).isPresent();
        assertThat(s3.head(photo.thumbnailKey())).isPresent();
        events.deletePhoto("wedding", photo.id());
        assertThat(s3.head(photo.key())).isEmpty();
        assertThat(s3.head(photo.thumbnailKey())).isEmpty();
    }

    @Test
    void s3GoingDownHalfWay_leavesATombstone_theWalkerDoesNotBringThePhotoBack_andRepeatingFinishes() {
        BlobStore dyingOnFirstDelete = new DelegatingStore(s3) {
            boolean stopped;

            @Override
            public void delete(String key) {
                if (!stopped) {
                    stopped = true;
                    server.stop(); // the row is gone, the objects not yet
                }
                super.delete(key);
            }
        };

        assertThatThrownBy(() -> events(dyingOnFirstDelete).deletePhoto("wedding", photo.id()))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("repeat the request");
                });

        server = server.restart();
        assertThat(catalog.findPhoto("wedding", photo.id())).as("gone from the gallery at once").isEmpty();
        assertThat(s3.head(photo.key())).as("its original is still there").isPresent();
        for (int poll = 0; poll < 3; poll++) {
            clock.advance(INTERVAL);
            PollReport report = walker.poll();
            assertThat(report.imported()).as("the walker does not bring it back").isZero();
        }
        clock.advance(ImportService.CLAIM_LEASE.plusHours(1));
        assertThat(walker.poll().imported()).as("not after any lease either").isZero();

        events(s3).deletePhoto("wedding", photo.id()); // the admin repeats the request

        assertThat(s3.head(photo.key())).isEmpty();
        assertThat(s3.head(photo.thumbnailKey())).isEmpty();
        assertThat(catalog.findTombstone("wedding", photo.id())).isEmpty();
        assertThat(catalog.listPhotos("wedding", 10, null).items()).isEmpty();
        assertThatThrownBy(() -> events(s3).deletePhoto("wedding", photo.id()))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PHOTO_NOT_FOUND));
    }

    private EventService events(BlobStore store) {
        return new EventService(catalog, store, new PasswordHasher(1000), clock);
    }
}
