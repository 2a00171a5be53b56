package com.picpeak.archive;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.LocalBlobStore;
import com.picpeak.storage.PutOptions;
import com.picpeak.testing.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.zip.CRC32;

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
            TreeSet<Long> cuts = new TreeSet<>(List.of(0L, plan.length()));
            int pieces = random.nextInt(1, 30);
            for (int i = 0; i < pieces; i++) {
                cuts.add(random.nextLong(plan.length()));
            }
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
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
            assertThat(joined.toByteArray()).as("cuts %s", cuts).isEqualTo(onePass);
            assertThat(open).as("every photo cut by an edge was joined and checked").isEmpty();
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
}
