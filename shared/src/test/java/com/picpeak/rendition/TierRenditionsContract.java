package com.picpeak.rendition;

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
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.StoredBlob;
import com.picpeak.testing.DelegatingStore;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rendition tiers on a real catalog (DynamoDB Local) and each backend (subclasses). */
abstract class TierRenditionsContract {
    static final String SLUG = "tiers";

    BlobStore backend;
    CountingStore store;
    String table;
    EventService events;
    ImportService imports;
    RenditionMaker marks;
    TierRenditions tiers;
    TestClock clock = new TestClock(Instant.parse("2026-11-29T10:00:00Z"));
    Event event;

    protected abstract BlobStore newStore();

    @BeforeEach
    void setUp() {
        backend = newStore();
        store = new CountingStore(backend);
        table = TestDynamo.createTable();
        DynamoCatalog catalog = new DynamoCatalog(TestDynamo.client(), table);
        events = new EventService(catalog, store, new PasswordHasher(1000), clock);
        imports = new ImportService(catalog, store, new ImageProbe(), new ImageScaler(), clock, 50_000_000);
        marks = new RenditionMaker(store, new ImageProbe(), new ImageScaler());
        tiers = instance();
        event = events.create(SLUG, new EventPatch("Tiers", null, null, false, null, null, null, null));
    }

    @AfterEach
    void close() {
        backend.close();
    }

    /** One server process: its own services on the same catalog table and storage. */
    TierRenditions instance() {
        return new TierRenditions(store, new ImageProbe(), new ImageScaler(), marks,
                new RenditionClaims(new DynamoTable(TestDynamo.client(), table)), clock);
    }

    @Test
    void eachTier_hasItsSize_andFewerBytesThanTheOriginal() throws Exception {
        byte[] original = TestImages.jpeg(TestImages.noisyHalves(3000, 2000, 7));
        Photo photo = upload("big.jpg", original);

        assertThat(Tier.offered(photo.width(), photo.height())).containsExactly(Tier.THUMB_300, Tier.THUMB_600,
                Tier.PREVIEW_1280, Tier.PREVIEW_1920, Tier.PREVIEW_2560);
        Map<Tier, int[]> expected = Map.of(Tier.THUMB_300, new int[]{300, 300}, Tier.THUMB_600, new int[]{600, 600},
                Tier.PREVIEW_1280, new int[]{1280, 853}, Tier.PREVIEW_1920, new int[]{1920, 1280},
                Tier.PREVIEW_2560, new int[]{2560, 1707});
        for (Map.Entry<Tier, int[]> tier : expected.entrySet()) {
            TierRenditions.Rendition made = tiers.rendition(event, photo, tier.getKey());
            BufferedImage image = decode(made.key());
            assertThat(new int[]{image.getWidth(), image.getHeight()}).as(tier.getKey().wireName())
                    .containsExactly(tier.getValue());
            assertThat(new int[]{made.width(), made.height()}).containsExactly(tier.getValue());
            assertThat(made.size()).isLessThan(original.length).isEqualTo(backend.head(made.key()).orElseThrow().size());
        }
    }

    @Test
    void noTier_isLargerThanTheOriginal() throws Exception {
        Photo photo = upload("small.jpg", TestImages.jpeg(TestImages.noisyHalves(1000, 700, 3)));

        // larger previews would repeat the photo's own size: only the first that reaches it is offered
        assertThat(Tier.offered(1000, 700)).containsExactly(Tier.THUMB_300, Tier.THUMB_600, Tier.PREVIEW_1280);
        BufferedImage preview = decode(tiers.rendition(event, photo, Tier.PREVIEW_1280).key());
        assertThat(new int[]{preview.getWidth(), preview.getHeight()}).containsExactly(1000, 700);
        BufferedImage largest = decode(tiers.rendition(event, photo, Tier.PREVIEW_2560).key());
        assertThat(new int[]{largest.getWidth(), largest.getHeight()}).containsExactly(1000, 700);
        BufferedImage thumbnail = decode(tiers.rendition(event, photo, Tier.THUMB_600).key());
        assertThat(new int[]{thumbnail.getWidth(), thumbnail.getHeight()}).containsExactly(600, 600);

        Photo tiny = upload("tiny.jpg", TestImages.jpeg(TestImages.noisyHalves(400, 250, 5)));
        assertThat(Tier.offered(400, 250)).containsExactly(Tier.THUMB_300, Tier.PREVIEW_1280);
        BufferedImage twoX = decode(tiers.rendition(event, tiny, Tier.THUMB_600).key());
        assertThat(new int[]{twoX.getWidth(), twoX.getHeight()}).containsExactly(250, 250);
    }

    @Test
    void exifOrientation_isApplied() throws Exception {
        // stored landscape, orientation 6: shown turned 90 degrees clockwise, so the stored bottom-left comes top-left
        byte[] stored = TestImages.jpeg(TestImages.quadrants(1600, 1200, Color.RED, Color.GREEN, Color.BLUE,
                Color.YELLOW));
        Photo photo = upload("turned.jpg", TestImages.withExif(stored, 6, null));
        assertThat(new int[]{photo.width(), photo.height()}).containsExactly(1200, 1600);

        TierRenditions.Rendition preview = tiers.rendition(event, photo, Tier.PREVIEW_1280);
        BufferedImage image = decode(preview.key());

        assertThat(new int[]{image.getWidth(), image.getHeight()}).containsExactly(960, 1280);
        assertNear(image.getRGB(100, 100), Color.BLUE);                 // stored bottom-left
        assertNear(image.getRGB(860, 100), Color.RED);                  // stored top-left
        assertNear(image.getRGB(100, 1180), Color.YELLOW);              // stored bottom-right
        assertNear(image.getRGB(860, 1180), Color.GREEN);               // stored top-right
    }

    @Test
    void aPhotoInAnotherColourProfile_isConvertedToSrgb() throws Exception {
        // mid grey in linear light: shown in sRGB it is about 188, not 128
        byte[] grey = TestImages.jpeg(solid(1600, 1000, new Color(128, 128, 128)));
        byte[] linear = TestImages.withIccProfile(grey, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData());
        Photo photo = upload("linear.jpg", linear);

        BufferedImage preview = decode(tiers.rendition(event, photo, Tier.PREVIEW_1280).key());
        BufferedImage thumbnail = decode(tiers.rendition(event, photo, Tier.THUMB_600).key());

        assertThat(new Color(preview.getRGB(640, 400)).getGreen()).isBetween(180, 196);
        assertThat(new Color(thumbnail.getRGB(300, 300)).getGreen()).isBetween(180, 196);
    }

    @Test
    void twoFirstRequestsAtOnce_onTwoInstances_makeOneRendition() throws Exception {
        Photo photo = upload("once.jpg", TestImages.jpeg(TestImages.noisyHalves(2400, 1600, 11)));
        store.slowPuts = true; // the first maker is still writing when the second asks
        TierRenditions first = instance();
        TierRenditions second = instance();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<TierRenditions.Rendition>> answers = List.of(
                    pool.submit(() -> { start.await(); return first.rendition(event, photo, Tier.PREVIEW_1920); }),
                    pool.submit(() -> { start.await(); return second.rendition(event, photo, Tier.PREVIEW_1920); }),
                    pool.submit(() -> { start.await(); return first.rendition(event, photo, Tier.PREVIEW_1920); }),
                    pool.submit(() -> { start.await(); return second.rendition(event, photo, Tier.PREVIEW_1920); }));
            start.countDown();
            String key = answers.get(0).get(30, TimeUnit.SECONDS).key();
            for (Future<TierRenditions.Rendition> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS).key()).isEqualTo(key);
            }
            assertThat(store.puts(key)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeletedRendition_isMadeAgain() throws Exception {
        Photo photo = upload("again.jpg", TestImages.jpeg(TestImages.noisyHalves(2000, 1500, 13)));
        TierRenditions.Rendition made = tiers.rendition(event, photo, Tier.PREVIEW_1280);
        assertThat(tiers.rendition(event, photo, Tier.PREVIEW_1280).key()).isEqualTo(made.key());
        assertThat(store.puts(made.key())).isEqualTo(1);

        backend.delete(made.key());
        TierRenditions.Rendition again = tiers.rendition(event, photo, Tier.PREVIEW_1280);

        assertThat(again.key()).isEqualTo(made.key());
        assertThat(backend.head(again.key())).isPresent();
        assertThat(store.puts(made.key())).isEqualTo(2);
        // the import's thumbnail is the 300 tier, and is made again too
        backend.delete(photo.thumbnailKey());
        BufferedImage thumbnail = decode(tiers.rendition(event, photo, Tier.THUMB_300).key());
        assertThat(thumbnail.getWidth()).isEqualTo(300);
    }

    @Test
    void aMakerThatDied_holdsTheRenditionOnlyForItsLease() throws Exception {
        Photo photo = upload("killed.jpg", TestImages.jpeg(TestImages.noisyHalves(2000, 1500, 17)));
        String version = tiers.version(event, Tier.PREVIEW_1280);
        new RenditionClaims(new DynamoTable(TestDynamo.client(), table))
                .take(SLUG, photo.id(), "p1280-" + version, clock.instant(), TierRenditions.LEASE)
                .orElseThrow(); // taken by a process that is then killed: never released
        clock.advance(TierRenditions.LEASE.plusSeconds(1));

        TierRenditions.Rendition made = tiers.rendition(event, photo, Tier.PREVIEW_1280);

        assertThat(backend.head(made.key())).isPresent();
    }

    @Test
    void aChangedWatermark_givesPreviewsANewVersion() throws Exception {
        Photo photo = upload("marked.jpg", TestImages.jpeg(solid(2000, 1500, Color.WHITE)));
        String plain = tiers.rendition(event, photo, Tier.PREVIEW_1280).key();
        marks.setWatermark(null, new ByteArrayInputStream(TestImages.png(solid(80, 40, Color.RED))));
        event = events.update(SLUG, new EventPatch(null, null, null, false, null, null, null, null,
                new EventPatch.ProtectionPatch(Protection.Level.BASIC, true, Protection.Position.CENTER, null, 100,
                        null)));

        TierRenditions.Rendition red = tiers.rendition(event, photo, Tier.PREVIEW_1280);
        marks.setWatermark(null, new ByteArrayInputStream(TestImages.png(solid(80, 40, Color.BLUE))));
        TierRenditions.Rendition blue = tiers.rendition(event, photo, Tier.PREVIEW_1280);

        assertThat(red.key()).isNotEqualTo(plain);
        assertThat(blue.key()).isNotEqualTo(red.key()).isNotEqualTo(plain);
        assertNear(decode(red.key()).getRGB(640, 480), Color.RED);
        assertNear(decode(blue.key()).getRGB(640, 480), Color.BLUE);
        assertNear(decode(plain).getRGB(640, 480), Color.WHITE);
        // thumbnails carry no view watermark: their version does not follow it
        assertThat(tiers.version(event, Tier.THUMB_600)).isEqualTo(TierRenditions.RENDERER_VERSION);
    }

    @Test
    void downloadSizes_areFitted_andCarryTheDownloadWatermarkWhileDownloadsAreWatermarked() throws Exception {
        Photo photo = upload("sized.jpg", TestImages.jpeg(solid(3000, 2000, Color.WHITE)));
        BufferedImage web = decode(tiers.rendition(event, photo, DownloadSize.WEB.tier()).key());
        assertThat(new int[]{web.getWidth(), web.getHeight()}).containsExactly(2048, 1365);
        assertNear(web.getRGB(1024, 682), Color.WHITE);

        event = events.update(SLUG, new EventPatch(null, null, null, false, null, null, true, null,
                new EventPatch.ProtectionPatch(null, null, Protection.Position.CENTER, null, 100, null)));
        assertThatThrownBy(() -> tiers.rendition(event, photo, DownloadSize.LARGE.tier()))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.WATERMARK_UNAVAILABLE));
        marks.setWatermark(null, new ByteArrayInputStream(TestImages.png(solid(80, 40, Color.RED))));
        TierRenditions.Rendition marked = tiers.rendition(event, photo, DownloadSize.WEB.tier());

        assertThat(marked.version()).isNotEqualTo(TierRenditions.RENDERER_VERSION);
        assertNear(decode(marked.key()).getRGB(1024, 682), Color.RED);
        // the view watermark is off: previews stay plain
        assertNear(decode(tiers.rendition(event, photo, Tier.PREVIEW_1280).key()).getRGB(640, 426), Color.WHITE);
    }

    @Test
    void aRenditionsCrc32_isRecordedWhenMade_andComputedForOneMadeWithoutIt() throws Exception {
        Photo photo = upload("crc.jpg", TestImages.jpeg(TestImages.noisyHalves(2600, 1700, 7)));
        TierRenditions.Rendition made = tiers.rendition(event, photo, DownloadSize.WEB.tier());
        byte[] bytes = read(made.key());
        assertThat(made.crc32()).isEqualTo(crc32(bytes));
        assertThat(tiers.rendition(event, photo, DownloadSize.WEB.tier()).crc32()).as("read back from the object")
                .isEqualTo(crc32(bytes));

        // a rendition stored before the CRC-32 was recorded (no metadata): computed from its bytes
        backend.put(made.key(), new ByteArrayInputStream(bytes), PutOptions.of("image/jpeg"));
        assertThat(tiers.rendition(event, photo, DownloadSize.WEB.tier()).crc32()).isEqualTo(-1);
        TierRenditions.Rendition computed = tiers.withCrc32(event, photo, DownloadSize.WEB.tier());
        assertThat(computed.crc32()).isEqualTo(crc32(bytes));
        assertThat(computed.size()).isEqualTo(bytes.length);
    }

    byte[] read(String key) throws Exception {
        try (BlobRead read = backend.get(key); InputStream in = read.stream()) {
            return in.readAllBytes();
        }
    }

    static long crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    Photo upload(String name, byte[] bytes) {
        return imports.importStream(SLUG, name, new ByteArrayInputStream(bytes), PhotoSource.UPLOAD);
    }

    BufferedImage decode(String key) throws Exception {
        try (BlobRead read = backend.get(key); InputStream in = read.stream()) {
            return TestImages.decode(in.readAllBytes());
        }
    }

    static BufferedImage solid(int width, int height, Color colour) {
        return TestImages.bands(width, height, colour);
    }

    static void assertNear(int rgb, Color expected) {
        Color actual = new Color(rgb);
        assertThat(Math.abs(actual.getRed() - expected.getRed()) + Math.abs(actual.getGreen() - expected.getGreen())
                + Math.abs(actual.getBlue() - expected.getBlue())).as("%s vs %s", actual, expected).isLessThan(60);
    }

    /** Counts the puts of each key; can make puts slow, so that a second maker would overlap the first. */
    static final class CountingStore extends DelegatingStore {
        final Map<String, AtomicInteger> puts = new ConcurrentHashMap<>();
        volatile boolean slowPuts;

        CountingStore(BlobStore inner) {
            super(inner);
        }

        @Override
        public StoredBlob put(String key, InputStream content, PutOptions options) {
            puts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (slowPuts) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.put(key, content, options);
        }

        int puts(String key) {
            AtomicInteger count = puts.get(key);
            return count == null ? 0 : count.get();
        }
    }
}
