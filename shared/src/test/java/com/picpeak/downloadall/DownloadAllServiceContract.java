package com.picpeak.downloadall;

import com.picpeak.catalog.DownloadAllRecord;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.catalog.Protection;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.media.RenditionMaker;
import com.picpeak.rendition.DownloadSize;
import com.picpeak.rendition.RenditionClaims;
import com.picpeak.rendition.TierRenditions;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.testing.DelegatingStore;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestJobs;
import com.picpeak.zip.ZipParts;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobJson;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Download All's cache on a real catalog and each backend (subclasses). */
abstract class DownloadAllServiceContract {
    BlobStore store;
    DynamoCatalog catalog;
    ImportService imports;
    DownloadAllService archives;
    RenditionMaker watermarks;
    TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    TestJobs jobs;
    List<byte[]> photos = new ArrayList<>();

    @TempDir
    Path scratch;

    protected abstract BlobStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
        catalog = TestDynamo.newCatalog();
        imports = new ImportService(catalog, store, new ImageProbe(), new ImageScaler(), clock, 10_000_000);
        watermarks = new RenditionMaker(store, new ImageProbe(), new ImageScaler());
        TierRenditions sized = new TierRenditions(store, new ImageProbe(), new ImageScaler(), watermarks,
                new RenditionClaims(new DynamoTable(TestDynamo.client(), catalog.tableName())), clock);
        archives = new DownloadAllService(catalog, store, watermarks, sized, clock);
        jobs = new TestJobs(catalog.tableName(), clock, TestJobs.ONE_STEP);
        archives.useJobs(jobs.jobs, parts(store));
        // small parts: photos straddle part edges (S3 raises them to its 5 MiB minimum)
        jobs.register(JobKind.DOWNLOAD_ALL_BUILD, archives.buildStep(16 * 1024));
        jobs.register(JobKind.DOWNLOAD_ALL_PART, archives.partStep());
        new EventService(catalog, store, new PasswordHasher(1000), clock)
                .create("party", new EventPatch("Party", null, null, false, null, null, null, null));
        for (int i = 0; i < 3; i++) {
            addPhoto("IMG_" + i + ".jpg", i);
        }
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theCache_isBuiltOnce_andHoldsEveryPhoto_withThePlannedLength() throws Exception {
        DownloadAllService.Archive before = archives.current(event());
        assertThat(before.ready()).isFalse();

        assertThat(outcomeOf(build())).isEqualTo("built");
        assertThat(outcomeOf(build())).isEqualTo("ready already");

        DownloadAllService.Archive after = archives.current(event());
        assertThat(after.ready()).isTrue();
        assertThat(after.key()).isEqualTo("events/active/party/.download-cache/3.zip");
        assertThat(store.head(after.key()).orElseThrow().size()).isEqualTo(after.length());
        Path zip = download(after.key());
        try (ZipFile file = new ZipFile(zip.toFile())) {
            assertThat(file.size()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                try (InputStream in = file.getInputStream(file.getEntry("IMG_" + i + ".jpg"))) {
                    assertThat(in.readAllBytes()).isEqualTo(photos.get(i));
                }
            }
        }
    }

    @Test
    void streamingFromTheOriginals_givesTheSameBytesAsTheCache() throws Exception {
        DownloadAllService.Archive archive = archives.current(event());
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        archives.writeFromOriginals(archive, streamed);
        build();

        assertThat(streamed.size()).isEqualTo(archive.length());
        assertThat(Files.readAllBytes(download(archive.key()))).isEqualTo(streamed.toByteArray());
    }

    @Test
    void theExpectedLength_isTheStreamedLength_beforeTheBuild_andTheCachedLength_after() throws Exception {
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        archives.writeFromOriginals(archives.current(event()), streamed);

        assertThat(archives.expectedLength(event())).hasValue(streamed.size());
        build();
        assertThat(archives.expectedLength(event())).hasValue(store.head(archives.current(event()).key()).orElseThrow().size());

        addPhoto("late.jpg", 9); // a new revision is planned anew, not taken from the remembered length
        ByteArrayOutputStream withLate = new ByteArrayOutputStream();
        archives.writeFromOriginals(archives.current(event()), withLate);
        assertThat(archives.expectedLength(event())).hasValue(withLate.size());
    }

    @Test
    void theExpectedLength_ofAWatermarkedArchive_isUnknownUntilItsCopiesAreRendered() throws Exception {
        catalog.updateEvent("party", e -> e.withDownloadFlags(true, false, e.updatedAt()));
        assertThat(archives.expectedLength(event())).isEmpty(); // no watermark image at all
        watermarks.setWatermark(null, new ByteArrayInputStream(TestImages.png(TestImages.quadrants(64, 32,
                TestImages.RED, TestImages.RED, TestImages.RED, TestImages.RED))));
        assertThat(archives.expectedLength(event())).isEmpty();

        build();

        assertThat(archives.expectedLength(event())).hasValue(store.head(archives.current(event()).key()).orElseThrow().size());
    }

    @Test
    void concurrentFirstRequests_submitOneBuild_whichBuildsOnce() throws Exception {
        int callers = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> requests = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                requests.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    archives.requestBuild(archives.current(event()));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> request : requests) {
                request.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(jobs.pending()).hasSize(1); // one job: the others found it

        List<Job> ran = builds(jobs.drain());

        assertThat(ran).singleElement().satisfies(job -> {
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(outcomeOf(job)).isEqualTo("built");
        });
        assertThat(archives.current(event()).ready()).isTrue();
    }

    @Test
    void aNewPhoto_makesANewRevision_whoseBuildRemovesTheStaleCache() {
        build();
        String old = archives.current(event()).key();

        addPhoto("late.jpg", 9);
        DownloadAllService.Archive current = archives.current(event());
        assertThat(current.ready()).isFalse();
        assertThat(current.plan().entries()).hasSize(4);
        build();

        assertThat(archives.current(event()).ready()).isTrue();
        assertThat(store.head(old)).isEmpty();
        try (Stream<BlobInfo> cached = store.list(Keys.downloadCacheFolder("party"))) {
            assertThat(cached.map(BlobInfo::key)).containsExactly("events/active/party/.download-cache/4.zip");
        }
    }

    @Test
    void aVanishedPhoto_failsTheBuildNamingIt_andNothingIsCachedAsReady() {
        Photo gone = catalog.listPhotos("party", 10, null).items().get(1);
        store.delete(gone.key());

        Job failed = build();

        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.lastError()).contains(gone.key());
        assertThat(store.head(Keys.downloadCache("party", 3, DownloadAllService.ORIGINALS))).isEmpty();
        assertThat(catalog.findDownloadAll("party", DownloadAllService.ORIGINALS, 3)).hasValueSatisfying(r -> {
            assertThat(r.state()).isEqualTo(DownloadAllRecord.State.FAILED);
            assertThat(r.error()).contains(gone.key());
        });
        assertThat(archives.current(event()).ready()).isFalse();
        // a guest asking again is told, and no build starts again for this revision
        assertThatThrownBy(() -> archives.requestBuild(archives.current(event())))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.DOWNLOAD_ALL_FAILED);
                    assertThat(e.getMessage()).contains(gone.key());
                });
        assertThat(jobs.pending()).isEmpty();
    }

    @Test
    void aBuildThatFailsBecauseStorageIsDown_isNotMarkedFailed_andTheNextRequestBuildsIt() {
        BlobStore down = new DelegatingStore(store) {
            @Override
            public String writePart(String key, String uploadId, int partNumber, long offset, InputStream content,
                                    long length) {
                throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "the S3 store did not answer");
            }
        };
        DownloadAllService failing = new DownloadAllService(catalog, down, watermarks, clock);
        failing.useJobs(jobs.jobs, parts(down));
        jobs.register(JobKind.DOWNLOAD_ALL_BUILD, failing.buildStep(16 * 1024));
        jobs.register(JobKind.DOWNLOAD_ALL_PART, failing.partStep());

        Job failed = build();

        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.lastError()).contains("did not answer");
        assertThat(catalog.findDownloadAll("party", DownloadAllService.ORIGINALS, 3)).as("an outage is no verdict").isEmpty();
        jobs.register(JobKind.DOWNLOAD_ALL_BUILD, archives.buildStep(16 * 1024)); // storage answers again
        jobs.register(JobKind.DOWNLOAD_ALL_PART, archives.partStep());
        assertThat(outcomeOf(build())).isEqualTo("built");
    }

    @Test
    void aBuilderThatDied_holdsTheJobOnlyUntilItsLeaseEnds_thenAnotherWorkerBuildsIt() {
        archives.requestBuild(archives.current(event()));
        String id = jobs.pending().get(0);
        Instant now = clock.instant();
        assertThat(jobs.store.acquire(id, "worker-that-died", now, now.plus(TestJobs.ONE_STEP.lease()))).isPresent();

        archives.requestBuild(archives.current(event())); // a guest asking meanwhile finds the same job
        List<Job> ran = builds(jobs.drain()); // the first delivery finds it held; after the lease another takes over

        assertThat(ran).singleElement().satisfies(job -> {
            assertThat(job.id()).isEqualTo(id);
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.finishedAt()).isAfter(now.plus(TestJobs.ONE_STEP.lease()));
        });
        assertThat(archives.current(event()).ready()).isTrue();
    }

    @Test
    void theWatermarkedVariant_isBuiltFromStoredCopies_andANewWatermarkMakesANewOne() throws Exception {
        catalog.updateEvent("party", e -> e.withDownloadFlags(true, false, e.updatedAt()));
        assertThatThrownBy(() -> archives.current(event())).isInstanceOfSatisfying(PicPeakException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.WATERMARK_UNAVAILABLE));
        RenditionMaker.Watermark first = watermarks.setWatermark(null,
                new ByteArrayInputStream(TestImages.png(TestImages.quadrants(64, 32, TestImages.RED, TestImages.RED,
                        TestImages.RED, TestImages.RED))));

        DownloadAllService.Archive pending = archives.current(event());
        assertThat(pending.ready()).isFalse();
        assertThat(pending.streamable()).isFalse();
        assertThat(outcomeOf(build())).isEqualTo("built");

        DownloadAllService.Archive ready = archives.current(event());
        assertThat(ready.ready()).isTrue();
        // the variant names the watermark image and where it is laid, so either changing makes a new archive
        String version = first.version() + "-bottom-right-25-60";
        assertThat(watermarks.resolve(TierRenditions.lookOf(event())).orElseThrow().version()).isEqualTo(version);
        assertThat(ready.key()).isEqualTo("events/active/party/.download-cache/3-wm-" + version + ".zip");
        assertThat(ready.etag()).endsWith("-wm-" + version);
        try (ZipFile file = new ZipFile(download(ready.key()).toFile())) {
            assertThat(file.size()).isEqualTo(3);
            try (InputStream in = file.getInputStream(file.getEntry("IMG_0.jpg"))) {
                byte[] watermarked = in.readAllBytes();
                assertThat(watermarked).isNotEqualTo(photos.get(0));
                BufferedImage image = TestImages.decode(watermarked);
                assertThat(image.getWidth()).isEqualTo(200);
                int rgb = image.getRGB(200 - 5 - 20, 150 - 5 - 6); // inside the bottom-right watermark
                assertThat((rgb >> 16) & 0xff).as("red channel under the red watermark").isGreaterThan(150);
            }
        }

        watermarks.setWatermark(null, new ByteArrayInputStream(TestImages.png(TestImages.quadrants(64, 32,
                TestImages.BLUE, TestImages.BLUE, TestImages.BLUE, TestImages.BLUE))));
        assertThat(archives.current(event()).ready()).isFalse();

        build();
        assertThat(archives.current(event()).ready()).isTrue();
        catalog.updateEvent("party", e -> e.withProtection(e.protection().with(null, null,
                Protection.Position.TOP_LEFT, null, null, null), e.updatedAt()));
        assertThat(archives.current(event()).ready()).isFalse(); // moved watermark, new archive
    }

    @Test
    void aSizedArchive_holdsTheFittedJpegs_isCachedByRevisionAndSize_andLeavesTheOriginalOneAlone() throws Exception {
        byte[] big = TestImages.jpeg(TestImages.noisyHalves(3000, 2000, 77));
        photos.add(big);
        imports.importStream("party", "BIG.jpg", new ByteArrayInputStream(big), PhotoSource.UPLOAD);
        assertThat(outcomeOf(build())).isEqualTo("built");
        DownloadAllService.Archive originals = archives.current(event());
        byte[] originalBytes = Files.readAllBytes(download(originals.key()));

        DownloadAllService.Archive pending = archives.current(event(), DownloadSize.WEB);
        assertThat(pending.ready()).isFalse();
        assertThat(pending.streamable()).as("its renditions are made by the build").isFalse();
        assertThat(pending.etag()).isEqualTo("party-r4-web-r1").isNotEqualTo(originals.etag());
        assertThat(pending.fileName()).isEqualTo("party-web.zip");
        archives.requestBuild(pending);
        List<Job> ran = builds(jobs.drain());
        assertThat(ran).hasSize(1);
        assertThat(outcomeOf(ran.get(0))).isEqualTo("built");

        DownloadAllService.Archive web = archives.current(event(), DownloadSize.WEB);
        assertThat(web.ready()).isTrue();
        assertThat(web.key()).isEqualTo("events/active/party/.download-cache/4-web-r1.zip");
        Path zip = download(web.key());
        assertThat(Files.size(zip)).isEqualTo(web.length());
        assertThat(unzipTest(zip)).contains("No errors detected");
        try (ZipFile file = new ZipFile(zip.toFile())) {
            assertThat(file.stream().map(ZipEntry::getName).toList())
                    .containsExactlyInAnyOrder("IMG_0-web.jpg", "IMG_1-web.jpg", "IMG_2-web.jpg", "BIG-web.jpg");
            for (ZipEntry entry : file.stream().toList()) {
                try (InputStream in = file.getInputStream(entry)) {
                    BufferedImage image = TestImages.decode(in.readAllBytes());
                    assertThat(Math.max(image.getWidth(), image.getHeight())).isLessThanOrEqualTo(2048);
                    // the big photo fitted into 2048 px, the small ones never enlarged
                    assertThat(image.getWidth()).isEqualTo(entry.getName().startsWith("BIG") ? 2048 : 200);
                }
            }
        }

        // each size is its own archive; the originals archive is still the same, ready file
        DownloadAllService.Archive large = archives.current(event(), DownloadSize.LARGE);
        assertThat(large.ready()).isFalse();
        assertThat(large.key()).isNotEqualTo(web.key());
        DownloadAllService.Archive originalsAfter = archives.current(event());
        assertThat(originalsAfter.ready()).isTrue();
        assertThat(originalsAfter.key()).isEqualTo(originals.key());
        assertThat(Files.readAllBytes(download(originalsAfter.key()))).isEqualTo(originalBytes);
        try (ZipFile file = new ZipFile(download(originalsAfter.key()).toFile());
             InputStream in = file.getInputStream(file.getEntry("BIG.jpg"))) {
            assertThat(in.readAllBytes()).isEqualTo(big);
        }
    }

    /** {@code unzip -t} on the file (the test command installs unzip): what it printed. */
    private static String unzipTest(Path zip) throws Exception {
        Process process = new ProcessBuilder("unzip", "-t", zip.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    @Test
    void aReadyCacheWhoseFileVanished_isRebuilt_notServed() {
        build();
        String key = archives.current(event()).key();
        store.delete(key);

        assertThat(archives.current(event()).ready()).isFalse();
        assertThat(outcomeOf(build())).isEqualTo("built");
        assertThat(store.head(key)).isPresent();
    }

    @Test
    void anEventWithoutPhotos_saysSo() {
        new EventService(catalog, store, new PasswordHasher(1000), clock)
                .create("empty", new EventPatch("Empty", null, null, false, null, null, null, null));

        assertThatThrownBy(() -> archives.current(catalog.findEvent("empty").orElseThrow()))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_PHOTOS);
                    assertThat(e.getMessage()).contains("nothing to download");
                });
    }

    /** Asks for the cache as a guest's Download All would, and runs the build job to its end. */
    private Job build() {
        archives.requestBuild(archives.current(event()));
        List<Job> ran = builds(jobs.drain());
        assertThat(ran).hasSize(1);
        return ran.get(0);
    }

    /** The build jobs of those that ran (the part jobs they fanned out into left out). */
    private static List<Job> builds(List<Job> ran) {
        return ran.stream().filter(job -> job.kind() == JobKind.DOWNLOAD_ALL_BUILD).toList();
    }

    private ZipParts parts(BlobStore partStore) {
        return new ZipParts(partStore, new DynamoTable(TestDynamo.client(), catalog.tableName()), jobs.jobs, clock);
    }

    private static String outcomeOf(Job job) {
        assertThat(job.state()).as("job %s ended %s: %s", job.id(), job.state(), job.lastError())
                .isEqualTo(JobState.SUCCEEDED);
        return String.valueOf(((Map<?, ?>) JobJson.tree(job.result())).get("outcome"));
    }

    private Event event() {
        return catalog.findEvent("party").orElseThrow();
    }

    private void addPhoto(String name, long seed) {
        byte[] jpeg = TestImages.jpeg(TestImages.noisyHalves(200, 150, seed));
        photos.add(jpeg);
        imports.importStream("party", name, new ByteArrayInputStream(jpeg), PhotoSource.UPLOAD);
    }

    private Path download(String key) throws Exception {
        Path file = Files.createTempFile(scratch, "cache", ".zip");
        try (BlobRead read = store.get(key)) {
            Files.write(file, read.stream().readAllBytes());
        }
        return file;
    }

}
