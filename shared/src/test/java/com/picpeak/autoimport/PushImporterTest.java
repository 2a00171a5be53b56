package com.picpeak.autoimport;

import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Photo;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.notify.DomainEvent;
import com.picpeak.notify.DomainEventSink;
import com.picpeak.storage.Keys;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.StorageEventBodies;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Push import against the in-process S3 server and DynamoDB Local: objects are put with a raw SDK client, as a
 * camera's sync tool would, and the notifications are the bodies S3 (through EventBridge or as event records) and
 * MinIO document, for those very objects (their ETags, S3-style sequencers).
 */
class PushImporterTest {
    static final Duration INTERVAL = Duration.ofMinutes(60);

    TestS3Server server = TestS3Server.shared();
    S3BlobStore store;
    DynamoCatalog catalog;
    AutoImportState state;
    TestClock clock = new TestClock(Instant.parse("2026-12-07T10:00:00Z"));
    List<DomainEvent> published = new CopyOnWriteArrayList<>();
    ImportService imports;
    PushImporter importer;
    S3Client raw;
    long sequence = 0x0064D3901D00059242L;

    @BeforeEach
    void setUp() {
        store = server.newStore("push");
        String table = TestDynamo.createTable();
        catalog = new DynamoCatalog(TestDynamo.client(), table);
        state = new AutoImportState(new DynamoTable(TestDynamo.client(), table));
        DomainEventSink recording = published::add;
        imports = new ImportService(catalog, store, new ImageProbe(), new ImageScaler(), clock, 10_000_000, recording);
        importer = new PushImporter(catalog, store, imports, state, store.settings().prefix(), bucket(), null);
        raw = server.client(TestS3Server.SECRET_KEY);
        EventService events = new EventService(catalog, store, new PasswordHasher(1000), clock);
        events.create("wedding", new EventPatch("Wedding", null, null, false, null, null, null, null));
    }

    @AfterEach
    void tearDown() {
        raw.close();
        store.close();
    }

    String bucket() {
        return store.settings().bucket();
    }

    /** The bucket key of a relative key (under the store's prefix). */
    String bucketKey(String key) {
        return store.settings().prefix().isEmpty() ? key : store.settings().prefix() + "/" + key;
    }

    /** Puts the object as a sync tool would; returns its ETag (unquoted). */
    String put(String key, byte[] bytes) {
        String etag = raw.putObject(b -> b.bucket(bucket()).key(bucketKey(key)).contentType("image/jpeg"),
                RequestBody.fromBytes(bytes)).eTag();
        return etag.replace("\"", "");
    }

    String nextSequencer() {
        return String.format("%018X", sequence++);
    }

    List<StorageNotification> created(String key, byte[] bytes) {
        String etag = put(key, bytes);
        return StorageNotifications.parse(StorageEventBodies.eventBridge("Object Created", bucket(), bucketKey(key),
                bytes.length, etag, "v-" + etag, nextSequencer()));
    }

    List<PushImporter.Outcome> apply(List<StorageNotification> notifications) {
        List<PushImporter.Outcome> outcomes = new ArrayList<>();
        notifications.forEach(n -> outcomes.add(importer.apply(n)));
        return outcomes;
    }

    static byte[] jpeg(long seed) {
        return TestImages.jpeg(TestImages.noisyHalves(96, 64, seed));
    }

    List<Photo> photos() {
        return catalog.listPhotos("wedding", 1000, null).items();
    }

    @Test
    void anEventBridgeObjectCreated_importsThePhotoAtOnce_withPhotoUploaded() {
        byte[] bytes = jpeg(1);

        List<PushImporter.Outcome> outcomes = apply(created(Keys.original("wedding", "IMG_0001.JPG"), bytes));

        assertThat(outcomes).containsExactly(PushImporter.Outcome.IMPORTED);
        assertThat(photos()).singleElement().satisfies(p -> {
            assertThat(p.filename()).isEqualTo("IMG_0001.JPG");
            assertThat(p.sha256()).isEqualTo(TestData.sha256(bytes));
            assertThat(p.size()).isEqualTo(bytes.length);
        });
        assertThat(published).extracting(DomainEvent::type).containsExactly(DomainEvent.PHOTO_UPLOADED);
    }

    @Test
    void aNotificationReplayedThreeTimes_importsOnce() {
        List<StorageNotification> once = created(Keys.original("wedding", "IMG_0002.JPG"), jpeg(2));

        List<PushImporter.Outcome> outcomes = new ArrayList<>();
        for (int delivery = 0; delivery < 4; delivery++) {
            outcomes.addAll(apply(once));
        }

        assertThat(outcomes).containsExactly(PushImporter.Outcome.IMPORTED, PushImporter.Outcome.DUPLICATE,
                PushImporter.Outcome.DUPLICATE, PushImporter.Outcome.DUPLICATE);
        assertThat(photos()).hasSize(1);
        assertThat(published).hasSize(1);
    }

    @Test
    void s3EventRecords_andMinioWebhooks_withUrlEncodedKeys_importTheFileByItsRealName() {
        String awsName = "Hochzeit Tanz+Fest (1)&ä.jpg";
        String minioName = "Ceremony #2 100%.jpg";
        byte[] aws = jpeg(3);
        byte[] minio = jpeg(4);
        String awsEtag = put(Keys.original("wedding", awsName), aws);
        String minioEtag = put(Keys.original("wedding", minioName), minio);
        String awsBody = StorageEventBodies.s3Records(StorageEventBodies.s3Record("ObjectCreated:Put", bucket(),
                bucketKey(Keys.original("wedding", awsName)), aws.length, awsEtag, nextSequencer()));
        String minioBody = StorageEventBodies.minio("s3:ObjectCreated:Put", bucket(),
                bucketKey(Keys.original("wedding", minioName)), minio.length, minioEtag, nextSequencer());
        assertThat(awsBody).contains("Hochzeit+Tanz%2BFest+%281%29%26%C3%A4.jpg"); // as S3 writes it

        List<PushImporter.Outcome> outcomes = new ArrayList<>(apply(StorageNotifications.parse(awsBody)));
        outcomes.addAll(apply(StorageNotifications.parse(minioBody)));

        assertThat(outcomes).containsExactly(PushImporter.Outcome.IMPORTED, PushImporter.Outcome.IMPORTED);
        assertThat(photos()).extracting(Photo::filename).containsExactlyInAnyOrder(awsName, minioName);
        assertThat(StorageNotifications.parse(StorageEventBodies.s3TestEvent(bucket()))).isEmpty();
    }

    @Test
    void keysOutsideActiveEventFolders_generatedArtifacts_andUnknownEvents_areIgnored_neverAnError() {
        byte[] bytes = jpeg(5);
        List<String> elsewhere = List.of("thumbnails/wedding/x.jpg", "events/archived/wedding.zip",
                Keys.downloadCache("wedding", 3, "originals"), Keys.original("wedding", ".DS_Store"),
                "events/active/wedding/sub/IMG_1.jpg", "events/active/no-such-event/IMG_1.jpg", "events/active/x");
        List<PushImporter.Outcome> outcomes = new ArrayList<>();
        for (String key : elsewhere) {
            outcomes.addAll(apply(created(key, bytes)));
        }
        String otherBucket = StorageEventBodies.eventBridge("Object Created", "someone-elses-bucket",
                bucketKey(Keys.original("wedding", "IMG_9.jpg")), 1, "e", "v", nextSequencer());
        outcomes.addAll(apply(StorageNotifications.parse(otherBucket)));
        String restore = StorageEventBodies.eventBridge("Object Restore Completed", bucket(),
                bucketKey(Keys.original("wedding", "IMG_9.jpg")), 1, "e", "v", nextSequencer());

        assertThat(outcomes).hasSize(elsewhere.size() + 1).containsOnly(PushImporter.Outcome.IGNORED);
        assertThat(StorageNotifications.parse(restore)).isEmpty();
        assertThat(photos()).isEmpty();
    }

    @Test
    void anOverwrittenPhotoFile_becomesThatPhotosNewVersion_andAnOlderNotificationArrivingLate_isStale() {
        String key = Keys.original("wedding", "IMG_0006.JPG");
        List<StorageNotification> first = created(key, jpeg(6));
        apply(first);
        Photo before = photos().get(0);
        byte[] second = TestImages.jpeg(TestImages.noisyHalves(120, 80, 7));
        List<StorageNotification> overwritten = created(key, second);
        published.clear();

        List<PushImporter.Outcome> outcomes = new ArrayList<>(apply(overwritten));
        outcomes.addAll(apply(first)); // S3 delivered the first one again, late

        assertThat(outcomes).containsExactly(PushImporter.Outcome.IMPORTED, PushImporter.Outcome.STALE);
        assertThat(photos()).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo(before.id());
            assertThat(p.sha256()).isEqualTo(TestData.sha256(second));
            assertThat(p.width()).isEqualTo(120);
        });
        assertThat(published).extracting(DomainEvent::type).containsExactly(DomainEvent.PHOTO_UPDATED);
    }

    @Test
    void aDeletionOlderThanTheCreationApplied_isStale_andKeepsThePhoto() {
        String key = Keys.original("wedding", "IMG_0008.JPG");
        String etag = put(key, jpeg(8));
        String deletedFirst = nextSequencer(); // S3 ordered the deletion before the creation...
        List<StorageNotification> created = StorageNotifications.parse(StorageEventBodies.eventBridge("Object Created",
                bucket(), bucketKey(key), 1, etag, "v2", nextSequencer()));
        List<StorageNotification> deleted = StorageNotifications.parse(StorageEventBodies.eventBridge("Object Deleted",
                bucket(), bucketKey(key), 0, null, "v1", deletedFirst));

        List<PushImporter.Outcome> outcomes = new ArrayList<>(apply(created));
        outcomes.addAll(apply(deleted)); // ...and it arrives after it

        assertThat(outcomes).containsExactly(PushImporter.Outcome.IMPORTED, PushImporter.Outcome.STALE);
        assertThat(photos()).hasSize(1);
    }

    @Test
    void anOriginalDeletedBehindTheCatalogsBack_isReported_andThePhotoStays_untilItsObjectIsBack() {
        String key = Keys.original("wedding", "IMG_0009.JPG");
        byte[] bytes = jpeg(9);
        apply(created(key, bytes));
        raw.deleteObject(b -> b.bucket(bucket()).key(bucketKey(key)));
        List<StorageNotification> deleted = StorageNotifications.parse(StorageEventBodies.eventBridge("Object Deleted",
                bucket(), bucketKey(key), 0, null, "marker-1", nextSequencer()));

        assertThat(apply(deleted)).containsExactly(PushImporter.Outcome.ORIGINAL_MISSING);
        assertThat(photos()).singleElement().extracting(Photo::filename).isEqualTo("IMG_0009.JPG");

        // the photographer restores it (the same bytes): the photo is whole, still one
        assertThat(apply(created(key, bytes))).containsExactly(PushImporter.Outcome.DUPLICATE);
        assertThat(photos()).hasSize(1);
        assertThat(store.head(key)).isPresent();
    }

    @Test
    void aBurstOf500Objects_importsEachOnce_withAtMostTheConfiguredConcurrency() throws Exception {
        int lanes = 4;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<StorageNotification> burst = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            burst.addAll(created(Keys.original("wedding", String.format("BURST_%04d.JPG", i)), jpeg(1000 + i)));
        }
        List<StorageNotification> delivered = new ArrayList<>(burst);
        delivered.addAll(burst.subList(0, 50)); // at least once: some twice

        try (PushImportLanes pushed = new PushImportLanes(n -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                return importer.apply(n);
            } finally {
                running.decrementAndGet();
            }
        }, lanes, 1000)) {
            pushed.submit(delivered);
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (pushed.pending() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20); // a condition wait: until everything accepted was applied
            }

            assertThat(pushed.pending()).isZero();
            assertThat(pushed.count(PushImporter.Outcome.IMPORTED)).isEqualTo(500);
            assertThat(pushed.count(PushImporter.Outcome.DUPLICATE)).isEqualTo(50);
            assertThat(pushed.failed()).isZero();
            assertThat(pushed.mostInFlight()).isLessThanOrEqualTo(lanes);
        }
        assertThat(most.get()).isBetween(2, lanes);
        assertThat(photos()).hasSize(500).extracting(Photo::filename).doesNotHaveDuplicates();
        assertThat(published).hasSize(500);
    }

    @Test
    void theWalkerAsReconciler_findsTheObjectWhoseNotificationWasLost_andReportsItAsMissedByPush() {
        apply(created(Keys.original("wedding", "IMG_0010.JPG"), jpeg(10)));
        put(Keys.original("wedding", "IMG_0011.JPG"), jpeg(11)); // its notification never arrived
        PrefixWalker reconciler = new PrefixWalker(catalog, store, imports, state, clock, INTERVAL, true);

        PollReport sighted = reconciler.poll();
        clock.advance(INTERVAL);
        PollReport found = reconciler.poll();

        assertThat(sighted.missedByPush()).isZero();
        assertThat(found.imported()).isEqualTo(1);
        assertThat(found.missedByPush()).isEqualTo(1);
        assertThat(found.missed()).containsExactly("wedding/IMG_0011.JPG");
        assertThat(found.skipped()).isEqualTo(1); // the one push imported
        assertThat(PollReport.fromJson(found.toJson()).missedByPush()).isEqualTo(1);
        assertThat(photos()).extracting(Photo::filename).containsExactlyInAnyOrder("IMG_0010.JPG", "IMG_0011.JPG");
    }
}
