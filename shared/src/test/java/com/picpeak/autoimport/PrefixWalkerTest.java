package com.picpeak.autoimport;

import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.jobs.Deadline;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.notify.DomainEvent;
import com.picpeak.notify.DomainEventSink;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 prefix walker against the in-process S3 server and DynamoDB Local. Objects are dropped with a raw
 * SDK client, as a photographer's sync tool would; the clock is moved by hand from poll to poll.
 */
class PrefixWalkerTest {
    static final Duration INTERVAL = Duration.ofMinutes(5);

    TestS3Server server = TestS3Server.shared();
    S3BlobStore store;
    DynamoCatalog catalog;
    AutoImportState state;
    TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    List<DomainEvent> published = new CopyOnWriteArrayList<>();
    ImportService imports;
    PrefixWalker walker;
    S3Client raw;

    @BeforeEach
    void setUp() {
        store = server.newStore("walker");
        String table = TestDynamo.createTable();
        catalog = new DynamoCatalog(TestDynamo.client(), table);
        state = new AutoImportState(new DynamoTable(TestDynamo.client(), table));
        imports = newImports(store);
        walker = new PrefixWalker(catalog, store, imports, state, clock, INTERVAL);
        raw = server.client(TestS3Server.SECRET_KEY);
        EventService events = new EventService(catalog, store, new PasswordHasher(1000), clock);
        events.create("wedding", new EventPatch("Wedding", null, null, false, null, null, null, null));
        events.create("party", new EventPatch("Party", null, null, false, null, null, null, null));
    }

    ImportService newImports(BlobStore target) {
        DomainEventSink recording = published::add;
        return new ImportService(catalog, target, new ImageProbe(), new ImageScaler(), clock, 10_000_000, recording);
    }

    @AfterEach
    void tearDown() {
        raw.close();
        store.close();
    }

    void drop(String slug, String filename, byte[] bytes) {
        String key = store.settings().prefix() + "/" + Keys.original(slug, filename);
        raw.putObject(b -> b.bucket(store.settings().bucket()).key(key).contentType("image/jpeg"),
                RequestBody.fromBytes(bytes));
    }

    void remove(String slug, String filename) {
        raw.deleteObject(b -> b.bucket(store.settings().bucket())
                .key(store.settings().prefix() + "/" + Keys.original(slug, filename)));
    }

    PollReport nextPoll() {
        clock.advance(INTERVAL);
        return walker.poll();
    }

    static byte[] jpeg(long seed) {
        return TestImages.jpeg(TestImages.noisyHalves(320, 240, seed));
    }

    @Test
    void anImportKilledAfterItsClaim_leavesTheFileToALaterPoll_afterTheClaimsLease_whichImportsItOnce() {
        byte[] photo = jpeg(11);
        drop("wedding", "IMG_0011.JPG", photo);
        walker.poll();
        // an import (a Lambda that then timed out, a crashed process) claimed the name and never finished
        assertThat(catalog.leaseFilename("wedding", "IMG_0011.JPG", clock.instant(), ImportService.CLAIM_LEASE))
                .isPresent();

        PollReport whileClaimed = nextPoll();
        assertThat(whileClaimed.imported()).isZero();
        assertThat(whileClaimed.skipped()).isEqualTo(1);

        clock.advance(ImportService.CLAIM_LEASE);
        PollReport afterTheLease = nextPoll(); // sighted again: the claim is no longer a reason to skip it
        PollReport next = nextPoll();

        assertThat(afterTheLease.imported() + next.imported()).isEqualTo(1);
        assertThat(catalog.listPhotos("wedding", 10, null).items()).singleElement()
                .satisfies(p -> {
                    assertThat(p.filename()).isEqualTo("IMG_0011.JPG");
                    assertThat(p.sha256()).isEqualTo(TestData.sha256(photo));
                });
        assertThat(nextPoll().imported()).isZero();
        assertThat(catalog.listPhotos("wedding", 10, null).items()).hasSize(1);
    }

    @Test
    void anImportedObjectOverwrittenInThePrefix_becomesThatPhotosNewVersion_afterTheTwoPollGate() {
        byte[] first = jpeg(31);
        drop("wedding", "IMG_0031.JPG", first);
        walker.poll();
        nextPoll();
        Photo before = catalog.listPhotos("wedding", 10, null).items().get(0);
        long revision = catalog.findEvent("wedding").orElseThrow().revision();
        published.clear();

        byte[] second = TestImages.jpeg(TestImages.noisyHalves(500, 400, 32)); // the sync tool overwrites it
        drop("wedding", "IMG_0031.JPG", second);
        PollReport sighted = nextPoll();
        assertThat(sighted.imported()).isZero();
        assertThat(catalog.findPhoto("wedding", before.id()).orElseThrow().sha256()).isEqualTo(before.sha256());
        PollReport replaced = nextPoll();

        assertThat(replaced.imported()).isEqualTo(1);
        Photo after = catalog.findPhoto("wedding", before.id()).orElseThrow();
        assertThat(after.sha256()).isEqualTo(TestData.sha256(second));
        assertThat(after.size()).isEqualTo(second.length);
        assertThat(after.crc32()).isEqualTo(TestData.crc32(second));
        assertThat(after.width()).isEqualTo(500);
        assertThat(catalog.listPhotos("wedding", 10, null).items()).hasSize(1);
        assertThat(catalog.findEvent("wedding").orElseThrow().revision()).isGreaterThan(revision);
        assertThat(published).extracting(DomainEvent::type).containsExactly(DomainEvent.PHOTO_UPDATED);
        assertThat(nextPoll().imported()).as("and then it is the version on record").isZero();
    }

    @Test
    void aPollWithADeadline_stopsBetweenEvents_andTheNextGoesOnFromThere() {
        drop("party", "a.jpg", jpeg(21));
        drop("wedding", "b.jpg", jpeg(22));
        walker.poll();
        clock.advance(INTERVAL);

        PollReport cut = walker.poll(new Deadline(clock.instant(), clock), null);

        assertThat(cut.resumeAfter()).isEqualTo("party"); // one event at least, then out of time
        assertThat(cut.imported()).isEqualTo(1);
        PollReport rest = walker.poll(null, cut.resumeAfter());
        assertThat(rest.resumeAfter()).isNull();
        assertThat(rest.events()).isEqualTo(1);
        assertThat(rest.imported()).isEqualTo(1);
    }

    @Test
    void anObject_isImportedAtItsSecondSighting_once_andAnnounced() {
        byte[] photo = jpeg(1);
        drop("wedding", "IMG_0001.JPG", photo);

        PollReport first = walker.poll();
        assertThat(first.newSightings()).isEqualTo(1);
        assertThat(first.imported()).isZero();
        assertThat(catalog.findEvent("wedding").orElseThrow().photoCount()).isZero();

        PollReport second = nextPoll();
        assertThat(second.imported()).isEqualTo(1);
        List<Photo> photos = catalog.allPhotos("wedding").toList();
        assertThat(photos).singleElement().satisfies(p -> {
            assertThat(p.filename()).isEqualTo("IMG_0001.JPG");
            assertThat(p.source()).isEqualTo(PhotoSource.S3_IMPORT);
            assertThat(p.sha256()).isEqualTo(TestData.sha256(photo));
        });
        assertThat(published).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(DomainEvent.PHOTO_UPLOADED);
            assertThat(e.data()).containsEntry("event_slug", "wedding").containsEntry("filename", "IMG_0001.JPG")
                    .containsEntry("source", "s3-import").containsEntry("photo_id", photos.get(0).id())
                    .containsEntry("size", (long) photo.length);
        });

        PollReport third = nextPoll();
        assertThat(third.imported()).isZero();
        assertThat(third.skipped()).isEqualTo(1);
        assertThat(state.sightings("wedding")).isEmpty();
        assertThat(catalog.allPhotos("wedding").count()).isEqualTo(1);
    }

    @Test
    void twoPollsInQuickSuccession_doNotPassTheGate() {
        drop("wedding", "a.jpg", jpeg(2));
        walker.poll();
        clock.advance(Duration.ofSeconds(5)); // a second walker's poll moments later, or a manual poll
        PollReport soon = walker.poll();

        assertThat(soon.imported()).isZero();
        assertThat(soon.waiting()).isEqualTo(1);
    }

    @Test
    void anObjectDeletedBetweenSightings_isDroppedFromTheGate() {
        drop("wedding", "gone.jpg", jpeg(3));
        walker.poll();
        assertThat(state.sightings("wedding")).containsKey("gone.jpg");
        remove("wedding", "gone.jpg");

        PollReport second = nextPoll();

        assertThat(second.imported()).isZero();
        assertThat(second.failed()).isZero();
        assertThat(state.sightings("wedding")).isEmpty();
        assertThat(catalog.allPhotos("wedding").count()).isZero();
    }

    @Test
    void anObjectOverwrittenBetweenSightings_restartsTheGate_andTheLastVersionIsImported() {
        drop("wedding", "edit.jpg", jpeg(4));
        walker.poll();
        byte[] edited = jpeg(5);
        drop("wedding", "edit.jpg", edited);

        PollReport second = nextPoll();
        assertThat(second.imported()).isZero();
        assertThat(second.newSightings()).isEqualTo(1);

        PollReport third = nextPoll();
        assertThat(third.imported()).isEqualTo(1);
        assertThat(catalog.allPhotos("wedding").toList()).singleElement()
                .satisfies(p -> assertThat(p.sha256()).isEqualTo(TestData.sha256(edited)));
    }

    @Test
    void aNonImage_isReportedOnce_thenLeftAlone_untilItChanges() {
        drop("wedding", "notes.jpg", "not a picture at all".getBytes());
        walker.poll();

        PollReport second = nextPoll();
        assertThat(second.failed()).isEqualTo(1);
        assertThat(second.failures()).singleElement().asString().contains("wedding/notes.jpg");

        for (int i = 0; i < 3; i++) {
            PollReport later = nextPoll();
            assertThat(later.failed()).isZero();
            assertThat(later.skipped()).isEqualTo(1);
        }
        drop("wedding", "notes.jpg", jpeg(6)); // replaced by a real photo: tried again
        nextPoll();
        assertThat(nextPoll().imported()).isEqualTo(1);
    }

    @Test
    void dotFiles_andGeneratedArchives_areNotCandidates() {
        drop("wedding", ".DS_Store", new byte[]{1, 2, 3});
        drop("wedding", ".download-cache/7.zip", new byte[]{4, 5, 6});
        drop("wedding", "sub/folder.jpg", jpeg(7));

        walker.poll();
        PollReport second = nextPoll();

        assertThat(second.objectsListed()).isEqualTo(3);
        assertThat(second.newSightings() + second.imported() + second.failed()).isZero();
        assertThat(state.sightings("wedding")).isEmpty();
    }

    @Test
    void aPollWithNothingNew_makesOneListRequestPerEvent_andNoneForEachObject() {
        for (int i = 0; i < 30; i++) {
            drop(i % 2 == 0 ? "wedding" : "party", "p" + i + ".jpg", jpeg(100 + i));
        }
        walker.poll();
        assertThat(nextPoll().imported()).isEqualTo(30);

        PollReport idle = nextPoll();

        assertThat(idle.events()).isEqualTo(2);
        assertThat(idle.objectsListed()).isGreaterThanOrEqualTo(30);
        assertThat(idle.imported() + idle.newSightings()).isZero();
        assertThat(idle.s3Requests()).isEqualTo(2);
        assertThat(state.lastPoll()).hasValueSatisfying(saved -> assertThat(saved.s3Requests()).isEqualTo(2));
    }

    @Test
    void twoWalkersPollingAtOnce_importEachObjectExactlyOnce() throws Exception {
        int objects = 12;
        for (int i = 0; i < objects; i++) {
            drop("wedding", "race" + i + ".jpg", jpeg(200 + i));
        }
        walker.poll();
        clock.advance(INTERVAL);
        // a second walker: its own import service and store client, the same bucket and catalog
        try (S3BlobStore otherStore = S3BlobStore.create(store.settings())) {
            PrefixWalker other = new PrefixWalker(catalog, otherStore, newImports(otherStore), state, clock, INTERVAL);
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<PollReport> a = pool.submit(() -> {
                    start.await();
                    return walker.poll();
                });
                Future<PollReport> b = pool.submit(() -> {
                    start.await();
                    return other.poll();
                });
                PollReport ra = a.get();
                PollReport rb = b.get();
                assertThat(ra.imported() + rb.imported()).isEqualTo(objects);
                assertThat(ra.failed() + rb.failed()).isZero();
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(catalog.allPhotos("wedding").count()).isEqualTo(objects);
        assertThat(catalog.findEvent("wedding").orElseThrow().photoCount()).isEqualTo(objects);
        assertThat(published).hasSize(objects);
    }

    @Test
    void anUnreachableServer_failsThePollCleanly_andTheNextPollWorks(@TempDir Path s3Data) {
        TestS3Server own = TestS3Server.start(Optional.of(s3Data));
        String bucket = own.createBucket();
        S3BlobStore ownStore = S3BlobStore.create(own.settings(bucket, "studio"));
        ownStore.put(Keys.original("wedding", "down.jpg"), new ByteArrayInputStream(jpeg(9)),
                PutOptions.of("image/jpeg"));
        PrefixWalker ownWalker = new PrefixWalker(catalog, ownStore, newImports(ownStore), state, clock, INTERVAL);
        ownWalker.poll();
        own.stop();

        PollReport down = nextPollOf(ownWalker);
        assertThat(down.ok()).isFalse();
        assertThat(down.errors()).isNotEmpty().allSatisfy(e -> assertThat(e).containsAnyOf("wedding", "party"));
        assertThat(down.imported()).isZero();
        ownStore.close();

        TestS3Server restarted = TestS3Server.start(Optional.of(s3Data)); // same data, new port
        try (S3BlobStore back = S3BlobStore.create(restarted.settings(bucket, "studio"))) {
            PrefixWalker again = new PrefixWalker(catalog, back, newImports(back), state, clock, INTERVAL);
            PollReport up = nextPollOf(again);
            assertThat(up.ok()).isTrue();
            assertThat(up.imported()).isEqualTo(1);
        } finally {
            restarted.stop();
        }
    }

    PollReport nextPollOf(PrefixWalker w) {
        clock.advance(INTERVAL);
        return w.poll();
    }
}
