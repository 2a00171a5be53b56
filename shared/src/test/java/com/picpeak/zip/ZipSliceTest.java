package com.picpeak.zip;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.ByteRange;
import com.picpeak.storage.LocalBlobStore;
import com.picpeak.storage.PutOptions;
import com.picpeak.testing.DelegatingStore;
import com.picpeak.testing.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Byte ranges of an archive rendered on their own, against the one-pass writer. */
class ZipSliceTest {
    @TempDir
    Path root;
    LocalBlobStore store;
    ZipPlan plan;
    byte[] onePass;

    @BeforeEach
    void setUp() throws IOException {
        store = new LocalBlobStore(root);
        List<ZipItem> items = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 25; i++) {
            byte[] bytes = TestData.bytes(random.nextInt(1, 40_000), i);
            String key = "events/active/e/IMG_" + i + ".jpg";
            store.put(key, new ByteArrayInputStream(bytes), PutOptions.of("image/jpeg"));
            items.add(new ZipItem(i % 5 == 0 ? "img_" + i + ".JPG" : "IMG_" + i + ".jpg", key, bytes.length,
                    TestData.crc32(bytes), Instant.parse("2026-11-30T10:00:00Z")));
        }
        plan = ZipPlan.of(items);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ZipWriter.write(plan, item -> store.get(item.storageKey()).stream(), out);
        onePass = out.toByteArray();
    }

    @Test
    void slicesAtManyRandomCutPoints_joinToTheOnePassArchive_andTheirPiecesCheckEveryPhoto() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 20; round++) {
            TreeSet<Long> cuts = randomCuts(random, plan.length(), 30);
            assertThat(readInSlices(plan, store, cuts)).as("cuts %s", cuts).isEqualTo(onePass);
        }
    }

    @Test
    void aPhotoChangedBehindTheCatalog_failsWhenItsPiecesAreJoined_namingIt() {
        ZipPlan.Entry entry = plan.entries().get(7);
        byte[] other = TestData.bytes((int) entry.item().size(), 999); // same size, other bytes
        store.put(entry.item().storageKey(), new ByteArrayInputStream(other), PutOptions.of("image/jpeg"));
        long middle = entry.dataOffset() + entry.item().size() / 2;

        List<ZipSlice.Piece> first;
        try (ZipSlice slice = ZipSlice.of(plan, store, 0, middle)) {
            slice.transferTo(OutputStream.nullOutputStream());
            first = new ArrayList<>(slice.pieces());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<ZipSlice.Piece> pieces = new ArrayList<>(first);
        assertThatThrownBy(() -> {
            try (ZipSlice slice = ZipSlice.of(plan, store, middle, plan.length())) {
                slice.transferTo(OutputStream.nullOutputStream());
                pieces.addAll(slice.pieces());
            }
            ZipSlice.joinPieces(plan, pieces);
        }).isInstanceOfSatisfying(PicPeakException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_MISMATCH);
            assertThat(e.getMessage()).contains(entry.item().storageKey());
        });
    }

    @Test
    void aVanishedPhoto_failsItsSlice_withTheErrorKeptForTheCaller() {
        ZipPlan.Entry entry = plan.entries().get(3);
        store.delete(entry.item().storageKey());
        ZipSlice slice = ZipSlice.of(plan, store, 0, plan.length());

        assertThatThrownBy(() -> slice.transferTo(OutputStream.nullOutputStream())).isInstanceOf(IOException.class);
        assertThat(slice.failure()).isNotNull();
        assertThat(slice.failure().getMessage()).contains(entry.item().storageKey());
    }

    /**
     * Zip64 both ways at once, from a synthetic store (no 4 GiB on disk): more than 65,535 entries and one entry of
     * 4 GiB and more. Slices at random cut points (and at the big entry's edges) join to the one-pass archive: both
     * streams are compared by length and CRC-32C, as neither fits in memory; every photo cut by an edge is checked.
     */
    @Test
    void zip64_withMoreThan65535EntriesAndA4GiBEntry_slicesJoinToTheOnePassArchive() throws IOException {
        long bigSize = 4L * 1024 * 1024 * 1024 + 4099;
        List<ZipItem> items = new ArrayList<>();
        for (int i = 0; i < 70_000; i++) {
            items.add(new ZipItem(String.format("p%05d.jpg", i), "small/" + (i % 7), 1 + i % 7,
                    TestData.crc32(SyntheticStore.bytes(1 + i % 7)), Instant.parse("2026-11-30T10:00:00Z")));
            if (i == 35_000) {
                items.add(new ZipItem("video.jpg", "big", bigSize, SyntheticStore.crc32(bigSize),
                        Instant.parse("2026-11-30T10:00:00Z")));
            }
        }
        ZipPlan big = ZipPlan.of(items);
        SyntheticStore synthetic = new SyntheticStore(bigSize);
        assertThat(big.zip64()).isTrue();
        assertThat(big.length()).isGreaterThan(bigSize);
        ZipPlan.Entry video = big.entries().get(35_001);
        assertThat(video.item().storageKey()).isEqualTo("big");

        CountingCrc onePass = new CountingCrc();
        ZipWriter.write(big, item -> synthetic.get(item.storageKey()).stream(), onePass);

        SplittableRandom random = new SplittableRandom(17);
        TreeSet<Long> cuts = new TreeSet<>(List.of(0L, big.length(), video.dataOffset(), video.dataOffset() + 1,
                video.dataOffset() + bigSize - 1, video.dataOffset() + bigSize, big.centralDirectoryOffset() + 3));
        for (int i = 0; i < 12; i++) {
            cuts.add(random.nextLong(big.length()));
        }
        CountingCrc joined = new CountingCrc();
        readInSlices(big, synthetic, cuts, joined); // the 4 GiB entry, cut many times, joined and checked
        assertThat(joined.count).isEqualTo(onePass.count).isEqualTo(big.length());
        assertThat(joined.crc.getValue()).as("cuts %s", cuts).isEqualTo(onePass.crc.getValue());
    }

    /** Objects made up on request: {@code big} is {@code bigSize} bytes of a repeating pattern, {@code small/n} n bytes. */
    private static final class SyntheticStore extends DelegatingStore {
        private static final byte[] PERIOD = bytes(256);
        private final long bigSize;

        SyntheticStore(long bigSize) {
            super(null);
            this.bigSize = bigSize;
        }

        static byte[] bytes(int length) {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) (i * 31 + 7);
            }
            return bytes;
        }

        /** The CRC-32 of {@code size} bytes of the pattern (which repeats every 256 bytes), joined by doubling. */
        static long crc32(long size) {
            byte[] block = bytes(1 << 20); // 1 MiB: a whole number of the pattern's periods
            long blockCrc = TestData.crc32(block);
            long crc = 0;
            long done = 0;
            long doubling = blockCrc;
            long doublingLength = block.length;
            long wholeBlocks = size / block.length;
            for (long n = wholeBlocks; n > 0; n >>= 1) {
                if ((n & 1) == 1) {
                    crc = done == 0 ? doubling : Crc32Combine.combine(crc, doubling, doublingLength);
                    done += doublingLength;
                }
                doubling = Crc32Combine.combine(doubling, doubling, doublingLength);
                doublingLength *= 2;
            }
            byte[] tail = bytes((int) (size - done));
            return done == 0 ? TestData.crc32(tail) : Crc32Combine.combine(crc, TestData.crc32(tail), tail.length);
        }

        @Override
        public BlobRead get(String key, ByteRange range) {
            long size = key.equals("big") ? bigSize : Long.parseLong(key.substring("small/".length())) + 1;
            long first = range == null ? 0 : range.first();
            long last = range == null ? size - 1 : Math.min(size - 1, range.last());
            InputStream pattern = new InputStream() {
                private long position = first;

                @Override
                public int read() {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    if (position > last) {
                        return -1;
                    }
                    int n = (int) Math.min(length, last - position + 1);
                    for (int done = 0; done < n; ) { // the pattern repeats every 256 bytes: copy from one period
                        int at = (int) ((position + done) & 0xff);
                        int chunk = Math.min(n - done, PERIOD.length - at);
                        System.arraycopy(PERIOD, at, buffer, offset + done, chunk);
                        done += chunk;
                    }
                    position += n;
                    return n;
                }
            };
            return new BlobRead(pattern, new BlobInfo(key, size, "etag", Instant.EPOCH, "image/jpeg", Map.of()),
                    first, last);
        }
    }

    /** Counts and checksums what is written, keeping none of it. */
    private static final class CountingCrc extends OutputStream {
        final CRC32C crc = new CRC32C();
        long count;

        @Override
        public void write(int b) {
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {
            crc.update(buffer, offset, length);
            count += length;
        }
    }

    @Test
    void crc32Combine_isTheCrcOfTheConcatenation() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            byte[] a = TestData.bytes(random.nextInt(0, 5000), i);
            byte[] b = TestData.bytes(random.nextInt(0, 5000), i + 1000);
            CRC32 whole = new CRC32();
            whole.update(a);
            whole.update(b);
            assertThat(Crc32Combine.combine(TestData.crc32(a), TestData.crc32(b), b.length)).isEqualTo(whole.getValue());
        }
    }

    /** 0, the archive's length, and 1 to {@code maxCuts - 1} random points between. */
    static TreeSet<Long> randomCuts(SplittableRandom random, long length, int maxCuts) {
        TreeSet<Long> cuts = new TreeSet<>(List.of(0L, length));
        int pieces = random.nextInt(1, maxCuts);
        for (int i = 0; i < pieces; i++) {
            cuts.add(random.nextLong(length));
        }
        return cuts;
    }

    /**
     * The archive read slice by slice between {@code cuts}, the pieces of photos an edge cut joined after each
     * slice; checks that every photo an edge cut was joined (and so its CRC checked).
     */
    static byte[] readInSlices(ZipPlan plan, BlobStore store, TreeSet<Long> cuts) throws IOException {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        readInSlices(plan, store, cuts, joined);
        return joined.toByteArray();
    }

    /** As {@link #readInSlices(ZipPlan, BlobStore, TreeSet)}, into {@code joined} (an archive too big to hold). */
    static void readInSlices(ZipPlan plan, BlobStore store, TreeSet<Long> cuts, OutputStream joined) throws IOException {
        List<ZipSlice.Piece> open = new ArrayList<>();
        Long from = null;
        for (long cut : cuts) {
            if (from != null) {
                try (ZipSlice slice = ZipSlice.of(plan, store, from, cut)) {
                    slice.transferTo(joined);
                    open.addAll(slice.pieces());
                }
                open = ZipSlice.joinPieces(plan, open);
            }
            from = cut;
        }
        assertThat(open).as("every photo cut by an edge was joined and checked").isEmpty();
    }
}
