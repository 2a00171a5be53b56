package com.picpeak.protect;

import com.picpeak.app.ServerSecret;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.catalog.Protection;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.error.TooManyRequestsException;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.GalleryService.GuestAccess;
import com.picpeak.gallery.GuestSessions;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.media.RenditionMaker;
import com.picpeak.rendition.RenditionClaims;
import com.picpeak.rendition.TierRenditions;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Image protection on a real catalog (DynamoDB Local) and each backend (subclasses). */
abstract class ImageProtectionContract {
    static final String ADMIN_TOKEN = "protection-test-admin-token";
    static final Color GREY = new Color(128, 128, 128);
    static final ImageAccess.Client GUEST = new ImageAccess.Client("203.0.113.7", "Firefox/140");

    BlobStore store;
    DynamoCatalog catalog;
    String table;
    EventService events;
    RenditionMaker renditions;
    ImageProtection protection;
    GuestSessions sessions;
    TestClock clock = new TestClock(Instant.parse("2026-11-29T10:00:00Z"));
    Photo photo;
    byte[] original;

    protected abstract BlobStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
        table = TestDynamo.createTable();
        catalog = new DynamoCatalog(TestDynamo.client(), table);
        events = new EventService(catalog, store, new PasswordHasher(1000), clock);
        ImportService imports = new ImportService(catalog, store, new ImageProbe(), new ImageScaler(), clock, 50_000_000);
        renditions = new RenditionMaker(store, new ImageProbe(), new ImageScaler());
        protection = instance(1000);
        sessions = new GuestSessions(GuestSessions.deriveKey(keyMaterial()), Duration.ofHours(1), clock);
        events.create("wedding", new EventPatch("Wedding", null, null, false, null, null, null, null));
        original = TestImages.jpeg(solid(800, 600, GREY));
        photo = imports.importStream("wedding", "IMG_1.jpg", new ByteArrayInputStream(original), PhotoSource.UPLOAD);
        // an opaque red mark, so where it lies is plain in the pixels
        renditions.setWatermark(null, new ByteArrayInputStream(TestImages.png(solid(80, 40, Color.RED))));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A second server process: its own services on the same catalog table and storage. */
    ImageProtection instance(long requestsPerMinute) {
        RenditionMaker marks = new RenditionMaker(store, new ImageProbe(), new ImageScaler());
        DynamoTable rows = new DynamoTable(TestDynamo.client(), table);
        TierRenditions tiers = new TierRenditions(store, new ImageProbe(), new ImageScaler(), marks,
                new RenditionClaims(rows), clock);
        return ImageProtection.create(store, marks, tiers, new ImageScaler(), new ProtectionStore(rows), keyMaterial(),
                requestsPerMinute, clock);
    }

    /** What each process reads from the catalog at start (the first one creates the secret). */
    byte[] keyMaterial() {
        return ServerSecret.keyMaterial(new DynamoTable(TestDynamo.client(), table), ADMIN_TOKEN);
    }

    @Test
    void belowEnhanced_theStoredOriginalIsServed_untouched() throws Exception {
        GuestAccess guest = anonymous(protect(Protection.Level.BASIC, false));

        FingerprintedDelivery.Served served = protection.view(guest, photo, GUEST, null);

        assertThat(served.key()).isEqualTo(photo.key());
        assertThat(served.fingerprinted()).isFalse();
        assertThat(read(served)).isEqualTo(original);
    }

    @Test
    void viewWatermark_isInTheServedPixels_andFollowsItsSettings() throws Exception {
        Event event = events.update("wedding", patch(Protection.Level.STANDARD, true, Protection.Position.BOTTOM_RIGHT, 100));
        FingerprintedDelivery.Served bottomRight = protection.view(anonymous(event), photo, GUEST, null);
        BufferedImage image = TestImages.decode(read(bottomRight));

        assertThat(bottomRight.key()).startsWith("watermarks/wedding/" + photo.id() + "-view-");
        assertThat(image.getWidth()).isEqualTo(800);
        mean(image, 760, 560, 10, 10).isCloseTo(Color.RED, 40);  // under the mark
        mean(image, 20, 20, 10, 10).isCloseTo(GREY, 12);         // the photo as it was

        event = events.update("wedding", patch(null, null, Protection.Position.TOP_LEFT, null));
        FingerprintedDelivery.Served topLeft = protection.view(anonymous(event), photo, GUEST, null);
        BufferedImage moved = TestImages.decode(read(topLeft));

        assertThat(topLeft.key()).isNotEqualTo(bottomRight.key()); // new settings, new rendition: the old one is never served
        mean(moved, 30, 30, 10, 10).isCloseTo(Color.RED, 40);
        mean(moved, 760, 560, 10, 10).isCloseTo(GREY, 12);
    }

    @Test
    void fingerprint_readBackFromTheServedFile_namesTheSessionThatReceivedIt() throws Exception {
        Event event = protect(Protection.Level.ENHANCED, false);
        GuestAccess anna = signedIn(event);
        GuestAccess ben = signedIn(event);

        byte[] annas = read(protection.view(anna, photo, GUEST, protection.grant(anna, photo, ImageAccess.Purpose.VIEW, GUEST).token()));
        FingerprintedDelivery.Served bensServed = protection.download(ben, photo, new ImageAccess.Client("198.51.100.2", "Safari"),
                protection.grant(ben, photo, ImageAccess.Purpose.DOWNLOAD, GUEST).token());
        byte[] bens = read(bensServed);

        String annasId = Fingerprints.read(new ByteArrayInputStream(annas)).orElseThrow();
        String bensId = Fingerprints.read(new ByteArrayInputStream(bens)).orElseThrow();
        assertThat(annasId).isNotEqualTo(bensId);
        ProtectionStore.AccessRecord annasRecord = protection.access().lookup(annasId).orElseThrow();
        assertThat(annasRecord.sessionId()).isEqualTo(anna.session().sessionId());
        assertThat(annasRecord.slug()).isEqualTo("wedding");
        assertThat(annasRecord.photoId()).isEqualTo(photo.id());
        assertThat(annasRecord.lastVariant()).isEqualTo("view");
        assertThat(annasRecord.serves()).isEqualTo(1);
        assertThat(annasRecord.firstServedAt()).isEqualTo(clock.instant());
        assertThat(annasRecord.clientHash()).isEqualTo(protection.access().clientHash(GUEST)).doesNotContain("203.0.113.7");
        ProtectionStore.AccessRecord bensRecord = protection.access().lookup(bensId).orElseThrow();
        assertThat(bensRecord.sessionId()).isEqualTo(ben.session().sessionId());
        assertThat(bensRecord.lastVariant()).isEqualTo("download");
        // the download is the original's bytes with only the XMP block added, and still a JPEG that decodes
        assertThat(bens).hasSize((int) bensServed.length());
        assertThat(bens.length - original.length).isEqualTo((int) Fingerprints.addedBytes("image/jpeg", bensId));
        assertThat(TestImages.decode(bens).getWidth()).isEqualTo(800);
        assertThat(TestImages.decode(annas).getWidth()).isEqualTo(800);
    }

    @Test
    void accessTokens_expiredReusedOrForeign_areRefused() throws Exception {
        Event event = protect(Protection.Level.ENHANCED, false);
        GuestAccess anna = signedIn(event);
        GuestAccess ben = signedIn(event);

        String token = protection.grant(anna, photo, ImageAccess.Purpose.VIEW, GUEST).token();
        assertThat(read(protection.view(anna, photo, GUEST, token))).isNotEmpty();
        assertRefused(() -> protection.view(anna, photo, GUEST, token), ErrorCode.ACCESS_TOKEN_INVALID);   // used up

        String annasNext = protection.grant(anna, photo, ImageAccess.Purpose.VIEW, GUEST).token();
        assertRefused(() -> protection.view(ben, photo, GUEST, annasNext), ErrorCode.ACCESS_TOKEN_INVALID); // another session
        assertRefused(() -> protection.download(anna, photo, GUEST, annasNext), ErrorCode.ACCESS_TOKEN_INVALID); // another purpose
        assertRefused(() -> protection.view(anna, photo, GUEST, null), ErrorCode.ACCESS_TOKEN_INVALID);    // none
        assertRefused(() -> protection.view(anonymous(event), photo, GUEST, annasNext), ErrorCode.UNAUTHORIZED);

        assertRefused(() -> protection.view(anna, photo, GUEST, "x".repeat(3000)), ErrorCode.ACCESS_TOKEN_INVALID); // not one of ours

        clock.advance(ImageAccess.TOKEN_VALIDITY.plusSeconds(1));
        assertRefused(() -> protection.view(anna, photo, GUEST, annasNext), ErrorCode.ACCESS_TOKEN_INVALID); // expired
    }

    @Test
    void tiles_reassembleToTheWatermarkedView_andTheWholeImageIsRefused() throws Exception {
        Event event = events.update("wedding", patch(Protection.Level.MAXIMUM, true, Protection.Position.CENTER, 50));
        GuestAccess anna = signedIn(event);

        ImageProtection.Grant grant = protection.grant(anna, photo, ImageAccess.Purpose.VIEW, GUEST);
        ImageTiles.TileLayout layout = grant.tiles();
        assertThat(layout.columns()).isEqualTo(3);
        assertThat(grant.uses()).isEqualTo(9);
        BufferedImage assembled = new BufferedImage(layout.width(), layout.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = assembled.createGraphics();
        for (ImageTiles.Tile tile : layout.tiles()) {
            byte[] bytes = read(protection.tile(anna, photo, tile.index(), GUEST, grant.token()));
            assertThat(Fingerprints.read(new ByteArrayInputStream(bytes))).isPresent();
            BufferedImage part = TestImages.decode(bytes);
            assertThat(part.getWidth()).isEqualTo(tile.width());
            assertThat(part.getHeight()).isEqualTo(tile.height());
            g.drawImage(part, tile.x(), tile.y(), null);
        }
        g.dispose();

        BufferedImage view;
        try (BlobRead read = store.get(renditions.viewCopyOf(TierRenditions.lookOf(event), photo.id(), photo.key()).key())) {
            view = TestImages.decode(read.stream().readAllBytes());
        }
        assertThat(meanDifference(assembled, view)).isLessThan(3.0);
        mean(assembled, 400, 300, 10, 10).isCloseTo(new Color(192, 64, 64), 12); // the mark at 50 % over grey
        assertRefused(() -> protection.tile(anna, photo, 0, GUEST, grant.token()), ErrorCode.ACCESS_TOKEN_INVALID);
        String fresh = protection.grant(anna, photo, ImageAccess.Purpose.VIEW, GUEST).token();
        assertRefused(() -> protection.view(anna, photo, GUEST, fresh), ErrorCode.TILES_ONLY);
        assertRefused(() -> protection.tile(anna, photo, 9, GUEST, fresh), ErrorCode.NOT_FOUND);
    }

    @Test
    void twoInstancesSharingOneCatalog_acceptEachOthersTokens_andWriteOneAccessLog() throws Exception {
        Event event = protect(Protection.Level.ENHANCED, false);
        GuestAccess anna = signedIn(event);
        ImageProtection other = instance(1000);

        String token = protection.grant(anna, photo, ImageAccess.Purpose.VIEW, GUEST).token();
        byte[] served = read(other, other.view(anna, photo, GUEST, token));
        assertRefused(() -> protection.view(anna, photo, GUEST, token), ErrorCode.ACCESS_TOKEN_INVALID); // one use, wherever

        String id = Fingerprints.read(new ByteArrayInputStream(served)).orElseThrow();
        assertThat(protection.access().lookup(id).orElseThrow().sessionId()).isEqualTo(anna.session().sessionId());
        assertThat(id).isEqualTo(protection.access().fingerprintId("wedding", anna.session().sessionId(), photo.id()));
    }

    @Test
    void rateLimit_refusesASessionOverItsShareOfTheMinute_whateverItsUserAgentOrAddress_notOtherSessions() {
        Event event = protect(Protection.Level.ENHANCED, false);
        GuestAccess anna = signedIn(event);
        GuestAccess ben = signedIn(event);
        ImageProtection strict = instance(3);
        clock.advance(Duration.ofSeconds(15)); // 45 s left in this minute
        for (int i = 0; i < 3; i++) {
            strict.thumbnail(anna, photo, GUEST);
        }

        assertRefused(() -> strict.thumbnail(anna, photo, GUEST), ErrorCode.TOO_MANY_REQUESTS);
        // a new user agent, or a new address, is still the same guest
        assertRefused(() -> strict.thumbnail(anna, photo, new ImageAccess.Client("203.0.113.7", "Brand-new/1.0")),
                ErrorCode.TOO_MANY_REQUESTS);
        assertRefused(() -> strict.thumbnail(anna, photo, new ImageAccess.Client("198.51.100.9", "Firefox/140")),
                ErrorCode.TOO_MANY_REQUESTS);
        // another guest behind the same address (one proxy, one NAT) has a limit of its own
        strict.thumbnail(ben, photo, GUEST);
        assertThatThrownBy(() -> strict.grant(anna, photo, ImageAccess.Purpose.VIEW, GUEST))
                .isInstanceOfSatisfying(TooManyRequestsException.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(45)));
        clock.advance(Duration.ofSeconds(45));
        strict.thumbnail(anna, photo, GUEST);
    }

    @Test
    void pngOriginals_carryTheFingerprintInAnITXtChunk_andStillDecode() throws Exception {
        byte[] png = TestImages.png(solid(120, 90, Color.BLUE));
        ImportService imports = new ImportService(catalog, store, new ImageProbe(), new ImageScaler(), clock, 50_000_000);
        Photo pngPhoto = imports.importStream("wedding", "logo.png", new ByteArrayInputStream(png), PhotoSource.UPLOAD);
        Event event = protect(Protection.Level.ENHANCED, false);
        GuestAccess anna = signedIn(event);

        byte[] served = read(protection.download(anna, pngPhoto, GUEST,
                protection.grant(anna, pngPhoto, ImageAccess.Purpose.DOWNLOAD, GUEST).token()));

        String id = Fingerprints.read(new ByteArrayInputStream(served)).orElseThrow();
        assertThat(protection.access().lookup(id).orElseThrow().photoId()).isEqualTo(pngPhoto.id());
        assertThat(served.length - png.length).isEqualTo((int) Fingerprints.addedBytes("image/png", id));
        assertThat(TestImages.decode(served).getRGB(60, 45)).isEqualTo(Color.BLUE.getRGB());
    }

    @Test
    void deletingAPhoto_removesItsRenditionsAndTiles() throws Exception {
        Event event = events.update("wedding", patch(Protection.Level.MAXIMUM, true, null, null));
        GuestAccess anna = signedIn(event);
        ImageProtection.Grant grant = protection.grant(anna, photo, ImageAccess.Purpose.VIEW, GUEST);
        read(protection.tile(anna, photo, 0, GUEST, grant.token()));
        try (var made = store.list(Keys.renditionsOf("wedding", photo.id()))) {
            assertThat(made.count()).isEqualTo(2); // the view rendition and the tile
        }

        events.deletePhoto("wedding", photo.id());

        try (var left = store.list("watermarks/wedding/")) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void theHero_carriesTheViewWatermark_andAtMaximumIsNotServed() throws Exception {
        byte[] cover = TestImages.jpeg(solid(1920, 1080, GREY));
        store.put(Keys.hero("wedding", photo.id()), new ByteArrayInputStream(cover),
                PutOptions.of("image/jpeg"));
        events.setHero("wedding", photo.id(), Keys.hero("wedding", photo.id()));
        assertThat(read(protection.hero(anonymous(catalog.findEvent("wedding").orElseThrow()), GUEST))).isEqualTo(cover);

        Event marked = events.update("wedding", patch(Protection.Level.STANDARD, true, Protection.Position.BOTTOM_RIGHT, 100));
        BufferedImage hero = TestImages.decode(read(protection.hero(anonymous(marked), GUEST)));
        assertThat(hero.getWidth()).isEqualTo(1920);
        mean(hero, 1840, 1020, 10, 10).isCloseTo(Color.RED, 40);
        mean(hero, 20, 20, 10, 10).isCloseTo(GREY, 12);

        Event maximum = events.update("wedding", patch(Protection.Level.MAXIMUM, null, null, null));
        assertRefused(() -> protection.hero(signedIn(maximum), GUEST), ErrorCode.TILES_ONLY);
    }

    // ---- helpers ----

    Event protect(Protection.Level level, boolean watermarkViews) {
        return events.update("wedding", patch(level, watermarkViews, null, null));
    }

    static EventPatch patch(Protection.Level level, Boolean views, Protection.Position position, Integer opacity) {
        return new EventPatch(null, null, null, false, null, null, null, null,
                new EventPatch.ProtectionPatch(level, views, position, null, opacity, null));
    }

    GuestAccess signedIn(Event event) {
        return new GuestAccess(event, sessions.issue(event));
    }

    static GuestAccess anonymous(Event event) {
        return new GuestAccess(event, null);
    }

    byte[] read(FingerprintedDelivery.Served served) throws Exception {
        return read(protection, served);
    }

    static byte[] read(ImageProtection instance, FingerprintedDelivery.Served served) throws Exception {
        try (InputStream in = instance.delivery().open(served).stream()) {
            return in.readAllBytes();
        }
    }

    static void assertRefused(Supplier<?> call, ErrorCode code) {
        assertThatThrownBy(call::get).isInstanceOfSatisfying(PicPeakException.class,
                e -> assertThat(e.errorCode()).isEqualTo(code));
    }

    static BufferedImage solid(int width, int height, Color colour) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    static ColourAssert mean(BufferedImage image, int x, int y, int w, int h) {
        long r = 0, gr = 0, b = 0;
        for (int j = y; j < y + h; j++) {
            for (int i = x; i < x + w; i++) {
                int rgb = image.getRGB(i, j);
                r += (rgb >> 16) & 0xFF;
                gr += (rgb >> 8) & 0xFF;
                b += rgb & 0xFF;
            }
        }
        int n = w * h;
        return new ColourAssert(new Color((int) (r / n), (int) (gr / n), (int) (b / n)));
    }

    /** Mean absolute difference per channel of two images of the same size (JPEG noise is a few levels). */
    static double meanDifference(BufferedImage a, BufferedImage b) {
        assertThat(a.getWidth()).isEqualTo(b.getWidth());
        assertThat(a.getHeight()).isEqualTo(b.getHeight());
        long total = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    total += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
                }
            }
        }
        return (double) total / (3L * a.getWidth() * a.getHeight());
    }

    record ColourAssert(Color actual) {
        void isCloseTo(Color expected, int tolerance) {
            assertThat(Math.abs(actual.getRed() - expected.getRed())).as("red of %s", actual).isLessThanOrEqualTo(tolerance);
            assertThat(Math.abs(actual.getGreen() - expected.getGreen())).as("green of %s", actual).isLessThanOrEqualTo(tolerance);
            assertThat(Math.abs(actual.getBlue() - expected.getBlue())).as("blue of %s", actual).isLessThanOrEqualTo(tolerance);
        }
    }
}
