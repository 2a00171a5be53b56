package com.picpeak.storage;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.testing.TestData;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link BlobStore} must do. Each backend runs it through a subclass (the test report names
 * both); backend-only behaviour (presigning, prefixes, symlinks) lives in the subclass.
 */
abstract class BlobStoreContract {
    static final long SIXTY_FOUR_MB = 64L * 1024 * 1024;

    protected BlobStore store;

    /** A fresh store that sees no object of another test. */
    protected abstract BlobStore newStore();

    /** Asserts that a failed put left no trace in the backend (temp files, unfinished uploads). */
    protected abstract void assertNoPartialWritesLeft();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void anObjectWrittenInParts_outOfOrderAndOneTwice_isInvisibleUntilCompleted_thenWhole() throws IOException {
        long partBytes = Math.max(store.minPartBytes(), 64 * 1024);
        byte[] bytes = TestData.bytes((int) (partBytes * 2 + 1234), 41);
        String key = "events/archived/parts.zip";
        String upload = store.startParts(key, "application/zip");
        int[] order = {3, 1, 2, 1}; // part 1 is written again, as a retried step does
        String[] digests = new String[3];
        for (int part : order) {
            long from = (part - 1) * partBytes;
            int length = (int) Math.min(partBytes, bytes.length - from);
            String md5 = store.writePart(key, upload, part, from, new ByteArrayInputStream(bytes, (int) from, length), length);
            assertThat(md5).isEqualTo(md5Hex(bytes, (int) from, length));
            digests[part - 1] = md5;
        }
        assertThat(store.head(key)).as("nothing visible before it is completed").isEmpty();

        store.completeParts(key, upload, 3, List.of(digests));

        try (BlobRead read = store.get(key)) {
            assertThat(read.stream().readAllBytes()).isEqualTo(bytes);
        }
        assertThat(store.head(key).orElseThrow().size()).isEqualTo(bytes.length);
        assertNoPartialWritesLeft();
    }

    @Test
    void anAbortedOrShortPartedObject_leavesNothing() {
        String key = "events/archived/aborted.zip";
        String upload = store.startParts(key, "application/zip");
        byte[] bytes = TestData.bytes(1000, 42);
        assertThatThrownBy(() -> store.writePart(key, upload, 1, 0, new ByteArrayInputStream(bytes), 2000))
                .as("a part shorter than promised").isInstanceOf(PicPeakException.class);
        store.writePart(key, upload, 1, 0, new ByteArrayInputStream(bytes), bytes.length);

        store.abortParts(key, upload);
        store.abortParts(key, upload); // twice is fine

        assertThat(store.head(key)).isEmpty();
        assertNoPartialWritesLeft();
    }

    private static String md5Hex(byte[] bytes, int offset, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(bytes, offset, length);
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void zeroByteObject_roundTrips() throws IOException {
        StoredBlob stored = store.put("events/active/e1/empty.jpg", InputStream.nullInputStream(),
                PutOptions.of("image/jpeg"));

        assertThat(stored.size()).isZero();
        assertThat(stored.sha256()).isEqualTo(TestData.sha256(new byte[0]));
        try (BlobRead read = store.get("events/active/e1/empty.jpg")) {
            assertThat(read.stream().readAllBytes()).isEmpty();
            assertThat(read.info().size()).isZero();
            assertThat(read.length()).isZero();
        }
    }

    @Test
    void oneByteObject_roundTrips() throws IOException {
        StoredBlob stored = store.put("a/one", new ByteArrayInputStream(new byte[] {42}), PutOptions.of(null));

        assertThat(stored.size()).isEqualTo(1);
        assertThat(stored.crc32()).isEqualTo(TestData.crc32(new byte[] {42}));
        try (BlobRead read = store.get("a/one")) {
            assertThat(read.stream().readAllBytes()).containsExactly(42);
        }
    }

    @Test
    void sixtyFourMegabyteStreamOfUnknownLength_roundTripsWithItsDigests() {
        String expectedSha = TestData.sha256(TestData.stream(SIXTY_FOUR_MB, 7));

        StoredBlob stored = store.put("events/active/big/IMG_0001.JPG", TestData.stream(SIXTY_FOUR_MB, 7),
                PutOptions.of("image/jpeg"));

        assertThat(stored.size()).isEqualTo(SIXTY_FOUR_MB);
        assertThat(stored.sha256()).isEqualTo(expectedSha);
        BlobInfo head = store.head("events/active/big/IMG_0001.JPG").orElseThrow();
        assertThat(head.size()).isEqualTo(SIXTY_FOUR_MB);
        assertThat(head.sha256()).contains(expectedSha);
        assertThat(head.contentType()).isEqualTo("image/jpeg");
        BlobRead read = store.get("events/active/big/IMG_0001.JPG");
        assertThat(read.length()).isEqualTo(SIXTY_FOUR_MB);
        assertThat(TestData.sha256(read.stream())).isEqualTo(expectedSha);
    }

    @Test
    void putResult_carriesSizeSha256AndCrc32OfTheBytes() {
        byte[] bytes = TestData.bytes(100_000, 3);

        StoredBlob stored = store.put("x/y.bin", new ByteArrayInputStream(bytes), PutOptions.of(null));

        assertThat(stored.key()).isEqualTo("x/y.bin");
        assertThat(stored.size()).isEqualTo(bytes.length);
        assertThat(stored.sha256()).isEqualTo(TestData.sha256(bytes));
        assertThat(stored.crc32()).isEqualTo(TestData.crc32(bytes));
        assertThat(stored.etag()).isNotBlank().isEqualTo(store.head("x/y.bin").orElseThrow().etag());
    }

    @Test
    void head_returnsSizeEtagLastModifiedContentTypeAndUserMetadata() {
        Instant before = Instant.now().minusSeconds(5);
        store.put("events/active/e1/photo.png", new ByteArrayInputStream(new byte[] {1, 2, 3}),
                PutOptions.of("image/png").withMetadata("photo-id", "p-123").withMetadata("source", "upload"));

        BlobInfo info = store.head("events/active/e1/photo.png").orElseThrow();

        assertThat(info.key()).isEqualTo("events/active/e1/photo.png");
        assertThat(info.size()).isEqualTo(3);
        assertThat(info.etag()).isNotBlank();
        assertThat(info.lastModified()).isAfter(before).isBefore(Instant.now().plusSeconds(5));
        assertThat(info.contentType()).isEqualTo("image/png");
        assertThat(info.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "photo-id", "p-123", "source", "upload", BlobInfo.SHA256, TestData.sha256(new byte[] {1, 2, 3})));
    }

    @Test
    void missingKey_headIsEmpty_getIsNotFound() {
        assertThat(store.head("nope/missing.jpg")).isEmpty();
        assertThatThrownBy(() -> store.get("nope/missing.jpg"))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void overwrite_replacesBytesAndMetadata() throws IOException {
        store.put("k/v", new ByteArrayInputStream(bytes("first")), PutOptions.of("text/plain").withMetadata("n", "1"));
        store.put("k/v", new ByteArrayInputStream(bytes("second!")), PutOptions.of("text/csv"));

        try (BlobRead read = store.get("k/v")) {
            assertThat(new String(read.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second!");
        }
        BlobInfo info = store.head("k/v").orElseThrow();
        assertThat(info.contentType()).isEqualTo("text/csv");
        assertThat(info.metadata()).doesNotContainKey("n").containsEntry(BlobInfo.SHA256, TestData.sha256(bytes("second!")));
    }

    @Test
    void ranges_firstMiddleLastSuffixAndOpenEnded_returnExactlyThoseBytes() throws IOException {
        byte[] bytes = TestData.bytes(10_000, 11);
        store.put("r/photo.jpg", new ByteArrayInputStream(bytes), PutOptions.of("image/jpeg"));

        assertRange(ByteRange.of(0, 0), bytes, 0, 0);
        assertRange(ByteRange.of(4_000, 5_999), bytes, 4_000, 5_999);
        assertRange(ByteRange.of(9_999, 9_999), bytes, 9_999, 9_999);
        assertRange(ByteRange.suffix(100), bytes, 9_900, 9_999);
        assertRange(ByteRange.suffix(50_000), bytes, 0, 9_999);
        assertRange(ByteRange.from(9_000), bytes, 9_000, 9_999);
        assertRange(ByteRange.of(9_990, 20_000), bytes, 9_990, 9_999);
    }

    @Test
    void rangePastTheEnd_isRangeNotSatisfiable() {
        store.put("r/small.jpg", new ByteArrayInputStream(new byte[10]), PutOptions.of("image/jpeg"));

        assertThatThrownBy(() -> store.get("r/small.jpg", ByteRange.from(10)))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RANGE_NOT_SATISFIABLE));
    }

    @Test
    void listing_2500KeysAcrossPages_returnsExactlyThoseUnderThePrefix() throws Exception {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 2_500; i++) {
            expected.add(String.format("events/active/big/IMG_%05d.JPG", i));
        }
        putAll(expected);
        putAll(List.of("events/active/bigger/IMG_1.JPG", "events/active/bi.jpg", "thumbnails/big/1.jpg"));

        Set<String> listed;
        try (Stream<BlobInfo> stream = store.list("events/active/big/")) {
            listed = stream.map(BlobInfo::key).collect(Collectors.toSet());
        }
        assertThat(listed).hasSize(2_500).isEqualTo(expected);
        try (Stream<BlobInfo> stream = store.list("events/active/big")) {
            assertThat(stream.map(BlobInfo::key)).hasSize(2_501).contains("events/active/bigger/IMG_1.JPG");
        }
        try (Stream<BlobInfo> stream = store.list("events/active/big/IMG_0000")) {
            assertThat(stream).allSatisfy(info -> assertThat(info.size()).isEqualTo(1)).hasSize(10);
        }
    }

    @Test
    void listing_isLazy_theFirstEntryComesWithoutReadingEverything() throws Exception {
        putAll(List.of("lazy/a", "lazy/b", "lazy/c"));

        try (Stream<BlobInfo> stream = store.list("lazy/")) {
            assertThat(stream.findFirst()).isPresent();
        }
        try (Stream<BlobInfo> stream = store.list("nothing-here/")) {
            assertThat(stream).isEmpty();
        }
    }

    @Test
    void copy_duplicatesBytesContentTypeAndMetadata() throws IOException {
        store.put("events/active/e/a.jpg", new ByteArrayInputStream(bytes("photo")),
                PutOptions.of("image/jpeg").withMetadata("photo-id", "p1"));

        store.copy("events/active/e/a.jpg", "backup/e/a.jpg");

        try (BlobRead read = store.get("backup/e/a.jpg")) {
            assertThat(read.stream().readAllBytes()).isEqualTo(bytes("photo"));
            assertThat(read.info().contentType()).isEqualTo("image/jpeg");
        }
        assertThat(store.head("backup/e/a.jpg").orElseThrow().metadata())
                .containsEntry("photo-id", "p1").containsEntry(BlobInfo.SHA256, TestData.sha256(bytes("photo")));
        assertThat(store.head("events/active/e/a.jpg")).isPresent();
    }

    @Test
    void delete_removesTheObject_andDeletingAMissingKeyIsFine() {
        store.put("d/x", new ByteArrayInputStream(bytes("x")), PutOptions.of(null));

        store.delete("d/x");
        store.delete("d/never-existed");

        assertThat(store.head("d/x")).isEmpty();
        try (Stream<BlobInfo> stream = store.list("d/")) {
            assertThat(stream).isEmpty();
        }
    }

    @Test
    void keysThatCouldEscapeTheStore_areRefusedByEveryOperation() {
        List<String> bad = List.of("", "/etc/passwd", "../outside", "a/../../outside", "a/./b", "a//b", "a/",
                "a\\..\\b", "nul\u0000byte", "new\nline", "x".repeat(1025));
        for (String key : bad) {
            assertInvalidKey(() -> store.put(key, new ByteArrayInputStream(new byte[1]), PutOptions.of(null)));
            assertInvalidKey(() -> store.get(key));
            assertInvalidKey(() -> store.head(key));
            assertInvalidKey(() -> store.delete(key));
            assertInvalidKey(() -> store.copy("fine/key", key));
        }
        assertInvalidKey(() -> store.list("../"));
    }

    @Test
    void wrongExpectedSha256_storesNothing_andKeepsTheOldObject() throws IOException {
        store.put("i/photo.jpg", new ByteArrayInputStream(bytes("old")), PutOptions.of("image/jpeg"));

        assertThatThrownBy(() -> store.put("i/photo.jpg", new ByteArrayInputStream(bytes("new")),
                PutOptions.of("image/jpeg").expectingSha256(TestData.sha256(bytes("something else")))))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_MISMATCH));

        try (BlobRead read = store.get("i/photo.jpg")) {
            assertThat(read.stream().readAllBytes()).isEqualTo(bytes("old"));
        }
        assertNoPartialWritesLeft();
    }

    @Test
    void rightExpectedSha256_isAccepted_andRecordedOnLargeObjectsToo() {
        long size = 20L * 1024 * 1024; // above one multipart part
        String sha = TestData.sha256(TestData.stream(size, 5));

        StoredBlob stored = store.put("i/large.jpg", TestData.stream(size, 5),
                PutOptions.of("image/jpeg").expectingSha256(sha));

        assertThat(stored.sha256()).isEqualTo(sha);
        assertThat(store.head("i/large.jpg").orElseThrow().sha256()).contains(sha);
    }

    @Test
    void inputFailingMidway_leavesNothingBehind() {
        long size = 20L * 1024 * 1024;
        InputStream failing = new FilterInputStream(TestData.stream(size, 9)) {
            long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read > size - 1024 * 1024) {
                    throw new IOException("client went away");
                }
                int n = super.read(b, off, len);
                read += Math.max(n, 0);
                return n;
            }
        };

        assertThatThrownBy(() -> store.put("f/broken.jpg", failing, PutOptions.of("image/jpeg")))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.getMessage()).contains("f/broken.jpg"));

        assertThat(store.head("f/broken.jpg")).isEmpty();
        try (Stream<BlobInfo> stream = store.list("f/")) {
            assertThat(stream).isEmpty();
        }
        assertNoPartialWritesLeft();
    }

    private void assertRange(ByteRange range, byte[] all, int first, int last) throws IOException {
        try (BlobRead read = store.get("r/photo.jpg", range)) {
            assertThat(read.first()).as(range.toHeader()).isEqualTo(first);
            assertThat(read.last()).as(range.toHeader()).isEqualTo(last);
            assertThat(read.info().size()).isEqualTo(all.length);
            assertThat(read.stream().readAllBytes()).as(range.toHeader())
                    .isEqualTo(Arrays.copyOfRange(all, first, last + 1));
        }
    }

    private void putAll(Collection<String> keys) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String key : keys) {
                futures.add(pool.submit(() -> store.put(key, new ByteArrayInputStream(new byte[] {1}),
                        PutOptions.of(null))));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void assertInvalidKey(ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PicPeakException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_KEY));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }


}
