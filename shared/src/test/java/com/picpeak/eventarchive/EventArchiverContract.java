package com.picpeak.eventarchive;

import com.picpeak.rendition.TierRenditions;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.downloadall.DownloadAllService;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.media.RenditionMaker;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.DelegatingStore;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestJobs;
import com.picpeak.zip.ZipParts;
import com.picpeak.gallery.EventDeletion;
import com.picpeak.jobs.Deadline;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobJson;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobSettings;
import com.picpeak.jobs.JobState;
import com.picpeak.jobs.JobStep;
import com.picpeak.jobs.JobStore;
import com.picpeak.jobs.StepResult;
import com.picpeak.storage.ByteRange;
import com.picpeak.storage.PutOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Archiving expired events, and restoring them, on a real catalog and each backend (subclasses). */
abstract class EventArchiverContract {
    BlobStore store;
    DynamoCatalog catalog;
    EventService events;
    ImportService imports;
    EventArchiver archiver;
    DownloadAllService archives;
    EventDeletion deletions;
    TestJobs jobs;
    /** Counts the steps each job took. */
    final Map<JobKind, AtomicInteger> steps = new ConcurrentHashMap<>();
    /** Runs before each storage call (operation, key) of the jobs' store: a test makes it "kill" the worker. */
    volatile BiConsumer<String, String> beforeStorageCall = (operation, key) -> { };
    Clock clock = Clock.systemUTC();

    @TempDir
    Path scratch;

    protected abstract BlobStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
        catalog = TestDynamo.newCatalog();
        imports = new ImportService(catalog, store, new ImageProbe(), new ImageScaler(), clock, 10_000_000);
        events = new EventService(catalog, store, new PasswordHasher(1000), clock);
        createEvent("old", Instant.parse("2026-11-01T00:00:00Z"), 3);
        createEvent("current", Instant.parse("2099-01-01T00:00:00Z"), 1);
        useJobs(TestJobs.ONE_STEP);
    }

    /** Wires the job steps over a store whose calls a test may interrupt, with these settings. */
    void useJobs(JobSettings settings) {
        BlobStore interruptible = new DelegatingStore(store) {
            @Override
            public BlobRead get(String key, ByteRange range) {
                beforeStorageCall.accept("get", key);
                return super.get(key, range);
            }

            @Override
            public String writePart(String key, String uploadId, int partNumber, long offset, InputStream content,
                                    long length) {
                beforeStorageCall.accept("writePart", key);
                return super.writePart(key, uploadId, partNumber, offset, content, length);
            }

            @Override
            public void delete(String key) {
                beforeStorageCall.accept("delete", key);
                super.delete(key);
            }
        };
        jobs = new TestJobs(catalog.tableName(), clock, settings);
        ImportService jobImports = new ImportService(catalog, interruptible, new ImageProbe(), new ImageScaler(), clock,
                10_000_000);
        archives = new DownloadAllService(catalog, interruptible, new RenditionMaker(interruptible, new ImageProbe(),
                new ImageScaler()), clock);
        ZipParts zipParts = new ZipParts(interruptible, new DynamoTable(TestDynamo.client(), catalog.tableName()),
                jobs.jobs, clock);
        archives.useJobs(jobs.jobs, zipParts);
        archiver = new EventArchiver(catalog, interruptible, jobImports, jobs.jobs, zipParts, clock);
        deletions = new EventDeletion(catalog, interruptible, jobs.jobs, clock);
        long partBytes = settings.partBytes();
        register(JobKind.EVENT_ARCHIVE, archiver.archiveStep(partBytes));
        register(JobKind.EVENT_ARCHIVE_PART, archiver.partStep());
        register(JobKind.EVENT_RESTORE, archiver.restoreStep());
        register(JobKind.ARCHIVE_SWEEP, archiver.sweepStep());
        register(JobKind.EVENT_DELETE, deletions.step());
        register(JobKind.DOWNLOAD_ALL_BUILD, archives.buildStep(partBytes));
        register(JobKind.DOWNLOAD_ALL_PART, archives.partStep());
    }

    private void register(JobKind kind, JobStep step) {
        steps.put(kind, new AtomicInteger());
        jobs.register(kind, new JobStep() {
            @Override
            public StepResult run(Job job, Deadline deadline) {
                steps.get(kind).incrementAndGet();
                return step.run(job, deadline);
            }

            @Override
            public void abandon(Job job, String reason, boolean passing) {
                step.abandon(job, reason, passing);
            }
        });
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void archiving_writesAVerifiedZip_thenRemovesTheOriginalsAndEverythingDerived() throws Exception {
        List<Photo> photos = catalog.listPhotos("old", 10, null).items();
        Photo hero = photos.get(0);
        events.setHero("old", hero.id(), Keys.hero("old", hero.id()));
        store.put(Keys.hero("old", hero.id()), new ByteArrayInputStream(new byte[] {1}), PutOptions.of(null));
        byte[] onePass = onePassArchive("old");
        store.put(Keys.original("old", "notes.txt"), new ByteArrayInputStream(new byte[] {7}),
                PutOptions.of(null)); // not a photo of the catalog: not the archive's to remove

        EventArchiver.Result result = resultOf(archive("old"));

        assertThat(result.key()).isEqualTo("events/archived/old.zip");
        assertThat(result.photos()).isEqualTo(3);
        assertThat(result.length()).isEqualTo(onePass.length);
        assertThat(bytes("events/archived/old.zip")).isEqualTo(onePass); // what the synchronous archive wrote
        assertThat(keys("events/active/old/")).containsExactly("events/active/old/notes.txt");
        assertThat(keys("thumbnails/old/")).isEmpty();
        assertThat(keys("heroes/old/")).isEmpty();
        assertThat(keys("events/active/current/")).hasSize(1);
        Event archived = catalog.findEvent("old").orElseThrow();
        assertThat(archived.isArchived()).isTrue();
        assertThat(archived.active()).as("its visibility as it was: an archived event is hidden whatever it says").isTrue();
        assertThat(catalog.listPhotos("old", 10, null).items()).hasSize(3);
        assertThatThrownBy(() -> archiver.archive("old")).isInstanceOfSatisfying(PicPeakException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void restoring_putsEveryPhotoBackCheckedBySha256_withThumbnailsAndHero() throws Exception {
        List<Photo> photos = catalog.listPhotos("old", 10, null).items();
        events.setHero("old", photos.get(1).id(), Keys.hero("old", photos.get(1).id()));
        catalog.updateEvent("old", e -> e.withActive(false, e.updatedAt())); // hidden before it was archived
        archive("old");

        Job restore = run(archiver.restore("old"));

        assertThat(restore.state()).isEqualTo(JobState.SUCCEEDED);
        Event restored = catalog.findEvent("old").orElseThrow();
        assertThat(restored.isArchived()).isFalse();
        assertThat(restored.active()).as("hidden as it was before the archive").isFalse();
        assertRestored(photos);
        assertThat(TestImages.decode(bytes(Keys.hero("old", photos.get(1).id()))).getWidth()).isEqualTo(1920);
        assertThat(store.head("events/archived/old.zip")).isEmpty();
    }

    @Test
    void tinySteps_giveTheSameArchiveAndRestore_asOneLongStep() throws Exception {
        useJobs(TestJobs.TINY_STEPS); // every step ends after one part or one photo; parts as small as allowed
        List<Photo> photos = catalog.listPhotos("old", 10, null).items();
        byte[] onePass = onePassArchive("old");

        Job archive = archive("old");

        assertThat(archive.state()).isEqualTo(JobState.SUCCEEDED);
        long parts = expectedParts(onePass.length);
        assertThat(steps.get(JobKind.EVENT_ARCHIVE_PART).get()).as("one part job of one step per part").isEqualTo(parts);
        assertThat(steps.get(JobKind.EVENT_ARCHIVE).get())
                .as("steps: check, hide, one submission per part, a wait or two, complete, one per photo")
                .isBetween((int) (2 + parts + 1 + 1 + photos.size()), (int) (2 + parts + 2 + 1 + photos.size()));
        assertThat(bytes("events/archived/old.zip")).isEqualTo(onePass);
        assertThat(keys("events/active/old/")).isEmpty();

        Job restore = run(archiver.restore("old"));

        assertThat(restore.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(steps.get(JobKind.EVENT_RESTORE).get()).as("one step per photo, then the end")
                .isEqualTo(photos.size() + 1);
        assertRestored(photos);
    }

    @Test
    void aWorkerKilledMidStep_isTakenOverAfterItsLease_andTheJobCompletes_withNothingLostOrTwice() throws Exception {
        useJobs(TestJobs.TINY_STEPS);
        List<Photo> photos = catalog.listPhotos("old", 10, null).items();
        byte[] onePass = onePassArchive("old");
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger deletes = new AtomicInteger();
        beforeStorageCall = (operation, key) -> { // the worker dies in the middle of a part, then of the removal
            if (operation.equals("writePart") && writes.incrementAndGet() == 1
                    || operation.equals("delete") && deletes.incrementAndGet() == 2) {
                throw new WorkerKilled();
            }
        };
        JobStore.Submission submitted = archiver.archive("old");

        assertThatThrownBy(jobs::drain).isInstanceOf(WorkerKilled.class); // in the middle of its first part
        Job killedPart = jobs.store.list(JobState.RUNNING, JobKind.EVENT_ARCHIVE_PART, 10, null).items().get(0);
        assertThat(killedPart.leaseOwner()).isNotNull(); // nobody finished it: its lease runs out
        assertThat(archiver.archive("old").job().id()).as("a second request finds the same job")
                .isEqualTo(submitted.job().id());
        jobs.dispatch(killedPart.id(), Duration.ZERO); // the queue delivers it again (SQS: after the visibility timeout)
        assertThatThrownBy(jobs::drain).isInstanceOf(WorkerKilled.class); // the part taken over; killed again removing
        assertThat(jobs.store.find(killedPart.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        Job held = jobs.store.find(submitted.job().id()).orElseThrow();
        assertThat(held.state()).isEqualTo(JobState.RUNNING);
        jobs.dispatch(held.id(), Duration.ZERO);

        jobs.drain();
        Job done = jobs.store.find(held.id()).orElseThrow();

        assertThat(done.id()).isEqualTo(held.id());
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(bytes("events/archived/old.zip")).isEqualTo(onePass);
        assertThat(keys("events/active/old/")).isEmpty();
        assertThat(keys("thumbnails/old/")).isEmpty();
        assertThat(catalog.listPhotos("old", 10, null).items()).hasSize(3);
        beforeStorageCall = (operation, key) -> { };
        assertThat(run(archiver.restore("old")).state()).isEqualTo(JobState.SUCCEEDED);
        assertRestored(photos);
    }

    @Test
    void twoArchiveRequestsAtOnce_andTheSweepRacingThem_makeOneArchive() throws Exception {
        List<Photo> photos = catalog.listPhotos("old", 10, null).items();
        byte[] onePass = onePassArchive("old");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<JobStore.Submission>> requests = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                int caller = i;
                requests.add(pool.submit(() -> {
                    start.await();
                    return caller < 2 ? archiver.archive("old") : archiver.sweep();
                }));
            }
            start.countDown();
            for (Future<JobStore.Submission> request : requests) {
                request.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(requests.get(0).get().job().id()).isEqualTo(requests.get(1).get().job().id());

        List<Job> ran = jobs.drain();

        assertThat(ran).filteredOn(j -> j.kind() == JobKind.EVENT_ARCHIVE).singleElement()
                .satisfies(j -> assertThat(j.state()).isEqualTo(JobState.SUCCEEDED));
        assertThat(ran).allSatisfy(j -> assertThat(j.state()).isEqualTo(JobState.SUCCEEDED));
        assertThat(jobs.store.list(null, JobKind.EVENT_ARCHIVE, 10, null).items()).hasSize(1);
        assertThat(bytes("events/archived/old.zip")).isEqualTo(onePass);
        assertThat(run(archiver.restore("old")).state()).isEqualTo(JobState.SUCCEEDED);
        assertRestored(photos);
    }

    @Test
    void aMissingOriginal_failsTheArchiveAtOnce_namingIt_andRemovesNothing() {
        Photo gone = catalog.listPhotos("old", 10, null).items().get(2);
        store.delete(gone.key());

        Job failed = archive("old");

        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.attempts()).as("no retry brings a file back").isZero();
        assertThat(failed.lastError()).contains(gone.key());
        assertThat(store.head("events/archived/old.zip")).isEmpty();
        assertThat(keys("events/active/old/")).hasSize(2);
        assertThat(keys("thumbnails/old/")).hasSize(3);
        assertThat(catalog.findEvent("old").orElseThrow().isArchived()).isFalse();
        assertThat(catalog.findEvent("old").orElseThrow().active()).as("shown to guests again").isTrue();
        assertThat(archiver.archive("old").created()).as("the lock is free again").isTrue();
    }

    @Test
    void storageDownAtEveryAttempt_failsTheJobAfterItsAttempts_withTheReason_andLeavesTheEventAsItWas() {
        beforeStorageCall = (operation, key) -> {
            if (operation.equals("writePart")) {
                throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "could not write part of '" + key
                        + "': the S3 store did not answer");
            }
        };

        Job failed = archive("old");

        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(steps.get(JobKind.EVENT_ARCHIVE_PART).get())
                .as("the one part: its attempts, then its attempts again in each round it is submitted again")
                .isEqualTo((1 + EventArchiver.PART_RETRY_ROUNDS) * failed.maxAttempts());
        assertThat(failed.lastError()).contains("did not answer");
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(store.head("events/archived/old.zip")).isEmpty();
        assertThat(keys("events/active/old/")).hasSize(3);
        Event event = catalog.findEvent("old").orElseThrow();
        assertThat(event.isArchived()).isFalse();
        assertThat(event.active()).isTrue();
        assertThat(jobs.pending()).as("nothing keeps it going").isEmpty();
    }

    @Test
    void anEventBeingArchived_refusesNewPhotosWith409_andAnArchivedOne_untilRestored() {
        archiver.archive("old"); // submitted, not run yet: the event is held
        byte[] late = TestImages.jpeg(TestImages.noisyHalves(100, 80, 77));

        assertThatThrownBy(() -> imports.importStream("old", "late.jpg", new ByteArrayInputStream(late), PhotoSource.UPLOAD))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("being archived");
                });
        assertThat(keys("events/active/old/")).hasSize(3); // nothing of it was kept
        jobs.drain();

        assertThatThrownBy(() -> imports.importStream("old", "late.jpg", new ByteArrayInputStream(late), PhotoSource.UPLOAD))
                .isInstanceOfSatisfying(PicPeakException.class, e -> assertThat(e.getMessage()).contains("archived"));
        assertThat(catalog.findEvent("old").orElseThrow().photoCount()).isEqualTo(3);
    }

    @Test
    void theSweep_archivesOnlyExpiredEventsWithPhotos() {
        createEvent("expired-empty", Instant.parse("2026-10-01T00:00:00Z"), 0);

        archiver.sweep();
        List<Job> ran = jobs.drain();

        assertThat(ran).filteredOn(j -> j.kind() != JobKind.EVENT_ARCHIVE_PART)
                .extracting(j -> j.kind().wireName() + " " + j.target() + " " + j.state().wireName())
                .containsExactly("archive.sweep expired-events succeeded", "event.archive old succeeded");
        assertThat(catalog.findEvent("old").orElseThrow().isArchived()).isTrue();
        assertThat(catalog.findEvent("current").orElseThrow().isArchived()).isFalse();
        archiver.sweep();
        assertThat(jobs.drain()).extracting(Job::kind).containsExactly(JobKind.ARCHIVE_SWEEP);
    }

    @Test
    void deletingAnEvent_removesEveryObjectAndRowOfIt_andTheSlugCanBeUsedAgainCleanly() throws Exception {
        List<Photo> photos = catalog.listPhotos("old", 10, null).items();
        events.setHero("old", photos.get(0).id(), Keys.hero("old", photos.get(0).id()));
        store.put(Keys.hero("old", photos.get(0).id()), new ByteArrayInputStream(new byte[] {1}),
                PutOptions.of("image/jpeg"));
        new RenditionMaker(store, new ImageProbe(), new ImageScaler()).setWatermark("old", new ByteArrayInputStream(
                TestImages.png(TestImages.quadrants(64, 32, TestImages.RED, TestImages.RED, TestImages.RED,
                        TestImages.RED))));
        catalog.updateEvent("old", e -> e.withDownloadFlags(true, false, e.updatedAt()));
        archives.requestBuild(archives.current(catalog.findEvent("old").orElseThrow())); // watermarked copies + cache
        jobs.drain();
        store.put("uploads/old/u1", new ByteArrayInputStream(new byte[] {2}), PutOptions.of(null));
        assertThat(keys("watermarks/old/")).isNotEmpty();
        assertThat(keys(Keys.downloadCacheFolder("old"))).isNotEmpty();
        useJobs(TestJobs.TINY_STEPS);

        Job deleted = run(deletions.delete("old"));

        assertThat(deleted.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(steps.get(JobKind.EVENT_DELETE).get()).isGreaterThan(3);
        try (Stream<BlobInfo> everything = store.list("")) {
            assertThat(everything.map(BlobInfo::key).filter(k -> k.contains("old"))).isEmpty();
        }
        assertThat(keys("events/active/current/")).hasSize(1);
        assertThat(TestDynamo.client().query(b -> b.tableName(catalog.tableName()).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p",
                        AttributeValue.fromS("EVENT#old")))).count())
                .isZero();
        events.create("old", new EventPatch("Again", null, null, false, null, null, null, null));
        assertThat(new RenditionMaker(store, new ImageProbe(), new ImageScaler())
                .resolve(TierRenditions.lookOf(catalog.findEvent("old").orElseThrow()))).as("no watermark of the old event").isEmpty();
        assertThat(catalog.findEvent("old").orElseThrow().photoCount()).isZero();
    }

    /** Thrown where a test kills the worker: it is no exception a step handles, as a dead process handles none. */
    static final class WorkerKilled extends Error {
        private static final long serialVersionUID = 1L;
        WorkerKilled() {
            super("the worker was killed", null, false, false);
        }
    }

    private Job archive(String slug) {
        return run(archiver.archive(slug));
    }

    /** Runs what was submitted (and what it submits) to the end; returns the submitted job as it ended. */
    private Job run(JobStore.Submission submission) {
        return jobs.drain().stream().filter(j -> j.id().equals(submission.job().id())).findFirst().orElseThrow();
    }

    private static EventArchiver.Result resultOf(Job job) {
        assertThat(job.state()).as("%s: %s", job.id(), job.lastError()).isEqualTo(JobState.SUCCEEDED);
        return JobJson.read(job.result(), EventArchiver.Result.class);
    }

    /** The archive as the one-pass writer makes it from the originals (what the synchronous archive stored). */
    private byte[] onePassArchive(String slug) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        archives.writeFromOriginals(archives.current(catalog.findEvent(slug).orElseThrow()), out);
        return out.toByteArray();
    }

    private long expectedParts(long length) {
        long partBytes = Math.max(TestJobs.TINY_STEPS.partBytes(), store.minPartBytes());
        return (length + partBytes - 1) / partBytes;
    }

    private void assertRestored(List<Photo> photos) throws Exception {
        for (Photo photo : photos) {
            try (BlobRead read = store.get(photo.key())) {
                assertThat(TestData.sha256(read.stream())).isEqualTo(photo.sha256());
            }
            assertThat(TestImages.decode(bytes(photo.thumbnailKey())).getWidth()).isEqualTo(300);
        }
        assertThat(catalog.findEvent("old").orElseThrow().photoCount()).isEqualTo(photos.size());
    }

    private void createEvent(String slug, Instant expiresAt, int photos) {
        events.create(slug, new EventPatch(slug, null, expiresAt, false, null, null, null, null));
        for (int i = 0; i < photos; i++) {
            imports.importStream(slug, "IMG_" + i + ".jpg", new ByteArrayInputStream(
                    TestImages.jpeg(TestImages.noisyHalves(320, 240, slug.hashCode() + i))), PhotoSource.UPLOAD);
        }
    }

    private List<String> keys(String prefix) {
        try (Stream<BlobInfo> listing = store.list(prefix)) {
            return listing.map(BlobInfo::key).toList();
        }
    }

    private byte[] bytes(String key) throws Exception {
        try (BlobRead read = store.get(key)) {
            return read.stream().readAllBytes();
        }
    }
}
