package com.picpeak.zip;

import com.picpeak.catalog.DynamoTable;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.jobs.Deadline;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobState;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.PutOptions;
import com.picpeak.testing.DelegatingStore;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestJobs;
import com.picpeak.jobs.JobSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A planned archive rendered in slices and built by part jobs, on each backend (subclasses): slices at random
 * cut points join to the one-pass zip, the parallel build is byte-identical to it, a part that fails once is
 * written again alone, and a photo that changed fails the build naming it, leaving no unfinished upload.
 */
abstract class ZipPartsContract {
    /** Nothing is waited for between attempts; parts are retried at once. */
    static final JobSettings SETTINGS = new JobSettings(Duration.ofHours(1), Duration.ofHours(2), Duration.ZERO,
            Duration.ZERO, 3, 1, 1);

    BlobStore store;
    TestClock clock = new TestClock(Instant.parse("2026-11-30T10:00:00Z"));
    TestJobs jobs;
    DynamoTable table;
    ZipPlan plan;
    byte[] onePass;
    long partBytes;
    /** Writes per part number, and the parts that fail their first write. */
    final Map<Integer, AtomicInteger> writes = new ConcurrentHashMap<>();
    final List<Integer> failOnce = new ArrayList<>();

    @TempDir
    Path scratch;

    protected abstract BlobStore newStore();

    /** No unfinished upload and no partial file is left in the store. */
    protected abstract void assertNoUnfinishedUploads();

    @BeforeEach
    void setUp() throws IOException {
        store = newStore();
        partBytes = Math.max(store.minPartBytes(), 64 * 1024);
        table = new DynamoTable(TestDynamo.client(), TestDynamo.createTable());
        jobs = new TestJobs(table.name(), clock, SETTINGS);
        List<ZipItem> items = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 18; i++) { // about five and a half parts: photos straddle every edge
            byte[] bytes = TestData.bytes(random.nextInt((int) partBytes / 8, (int) partBytes / 2), i);
            String key = "events/active/e/IMG_" + i + ".jpg";
            store.put(key, new ByteArrayInputStream(bytes), PutOptions.of("image/jpeg"));
            items.add(new ZipItem("IMG_" + i + ".jpg", key, bytes.length, TestData.crc32(bytes),
                    Instant.parse("2026-11-30T10:00:00Z")));
        }
        plan = ZipPlan.of(items);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ZipWriter.write(plan, item -> store.get(item.storageKey()).stream(), out);
        onePass = out.toByteArray();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aWaitingBuild_looksAgainLessOften_upToAMinute() {
        assertThat(java.util.stream.IntStream.range(0, 7).mapToObj(ZipParts::recheckAfter).map(Duration::getSeconds))
                .containsExactly(5L, 10L, 20L, 40L, 60L, 60L, 60L);
        assertThat(ZipParts.recheckAfter(1_000)).isEqualTo(ZipParts.MAX_RECHECK);
    }

    @Test
    void slicesAtRandomCutPoints_joinToTheOnePassArchive() throws IOException {
        SplittableRandom random = new SplittableRandom(13);
        for (int round = 0; round < 5; round++) {
            TreeSet<Long> cuts = ZipSliceTest.randomCuts(random, plan.length(), 12);
            assertThat(ZipSliceTest.readInSlices(plan, store, cuts)).as("cuts %s", cuts).isEqualTo(onePass);
        }
    }

    @Test
    void partJobs_buildTheOnePassArchive_andAPartThatFailsOnce_isWrittenAgainAlone() throws Exception {
        failOnce.add(2);
        ZipParts parts = parts();
        jobs.register(JobKind.DOWNLOAD_ALL_PART, parts.partStep(task -> plan));
        ZipBuild.State state = parts.start("events/active/e/.download-cache/1.zip", plan, partBytes);
        assertThat(state.parts()).isGreaterThanOrEqualTo(4);

        parts.fanOut(JobKind.DOWNLOAD_ALL_PART, "e/originals/1", "j0-00000000", state, plan.length(), 0, far());
        List<Job> ran = jobs.drain();

        assertThat(ran).hasSize(state.parts()).allSatisfy(job -> assertThat(job.state()).isEqualTo(JobState.SUCCEEDED));
        assertThat(parts.count(state)).isEqualTo(new ZipParts.Count(state.parts(), 0));
        for (int part = 1; part <= state.parts(); part++) {
            assertThat(writes.get(part)).as("writes of part %d", part).hasValue(part == 2 ? 2 : 1);
        }
        parts.complete(plan, state);
        try (BlobRead read = store.get(state.key())) {
            assertThat(read.stream().readAllBytes()).isEqualTo(onePass);
        }
        assertNoUnfinishedUploads();
        assertThat(parts.count(state)).as("the part rows are gone").isEqualTo(new ZipParts.Count(0, 0));
        Path zip = scratch.resolve("built.zip");
        Files.write(zip, onePass);
        assertThat(ZipWriterTest.run("unzip", "-t", zip.toString())).contains("No errors detected");
        assertThat(ZipWriterTest.run("bsdtar", "-tf", zip.toString()).lines().count()).isEqualTo(plan.entries().size());
        assertThat(ZipWriterTest.run("python3", "-m", "zipfile", "-t", zip.toString())).contains("Done testing")
                .doesNotContain("corrupted");
    }

    @Test
    void aPhotoChangedBehindTheCatalog_failsItsPart_andTheBuildNamesIt_leavingNoUpload() {
        ZipPlan.Entry entry = plan.entries().stream().filter(e -> !straddles(e)).findFirst().orElseThrow();
        byte[] other = TestData.bytes((int) entry.item().size(), 999); // same size, other bytes
        store.put(entry.item().storageKey(), new ByteArrayInputStream(other), PutOptions.of("image/jpeg"));
        ZipParts parts = parts();
        jobs.register(JobKind.DOWNLOAD_ALL_PART, parts.partStep(task -> plan));
        ZipBuild.State state = parts.start("events/active/e/.download-cache/1.zip", plan, partBytes);

        parts.fanOut(JobKind.DOWNLOAD_ALL_PART, "e/originals/1", "j0-00000000", state, plan.length(), 0, far());
        jobs.drain();

        ZipParts.Count count = parts.count(state);
        assertThat(count.failures()).isGreaterThanOrEqualTo(1);
        assertThatThrownBy(() -> parts.retryFailed(JobKind.DOWNLOAD_ALL_PART, "e/originals/1", "j0-00000000", state,
                plan.length(), true)).isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_MISMATCH);
                    assertThat(e.getMessage()).contains(entry.item().storageKey());
                });
        parts.abort(state);
        assertThat(store.head(state.key())).isEmpty();
        assertNoUnfinishedUploads();
        assertThat(parts.count(state)).isEqualTo(new ZipParts.Count(0, 0));
    }

    @Test
    void aChangedPhotoCutByAPartEdge_failsTheCompletion_namingIt_andNothingIsCompleted() {
        ZipPlan.Entry entry = plan.entries().stream().filter(this::straddles).findFirst().orElseThrow();
        byte[] other = TestData.bytes((int) entry.item().size(), 998);
        store.put(entry.item().storageKey(), new ByteArrayInputStream(other), PutOptions.of("image/jpeg"));
        ZipParts parts = parts();
        jobs.register(JobKind.DOWNLOAD_ALL_PART, parts.partStep(task -> plan));
        ZipBuild.State state = parts.start("events/active/e/.download-cache/1.zip", plan, partBytes);

        parts.fanOut(JobKind.DOWNLOAD_ALL_PART, "e/originals/1", "j0-00000000", state, plan.length(), 0, far());
        jobs.drain();

        assertThat(parts.count(state)).as("each part alone saw only a piece of it").isEqualTo(
                new ZipParts.Count(state.parts(), 0));
        assertThatThrownBy(() -> parts.complete(plan, state)).isInstanceOfSatisfying(PicPeakException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_MISMATCH);
            assertThat(e.getMessage()).contains(entry.item().storageKey());
        });
        assertThat(store.head(state.key())).isEmpty();
        parts.abort(state);
        assertNoUnfinishedUploads();
    }

    /** Whether a part's edge cuts the entry's photo bytes. */
    private boolean straddles(ZipPlan.Entry entry) {
        long first = entry.dataOffset();
        long last = entry.dataOffset() + entry.item().size() - 1;
        return first / partBytes != last / partBytes;
    }

    private ZipParts parts() {
        BlobStore counting = new DelegatingStore(store) {
            @Override
            public String writePart(String key, String uploadId, int partNumber, long offset, InputStream content,
                                    long length) {
                int n = writes.computeIfAbsent(partNumber, p -> new AtomicInteger()).incrementAndGet();
                if (n == 1 && failOnce.contains(partNumber)) {
                    throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "the store did not answer part " + partNumber);
                }
                return super.writePart(key, uploadId, partNumber, offset, content, length);
            }
        };
        return new ZipParts(counting, table, jobs.jobs, clock);
    }

    private Deadline far() {
        return new Deadline(clock.instant().plus(Duration.ofHours(1)), clock);
    }
}
