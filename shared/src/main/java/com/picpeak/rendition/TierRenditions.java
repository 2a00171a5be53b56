package com.picpeak.rendition;

import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.Protection;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.media.GalleryLook;
import com.picpeak.media.ImageHeader;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.media.RenditionMaker;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.StoredBlob;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The rendition tiers of photos, made on first request and kept as a cache in storage. A rendition's key carries
 * its version: the renderer's version, and for previews the version of the view watermark in force, so a new
 * watermark (or new placement) makes new renditions and an old one is never served. Deleting a rendition is
 * harmless: the next request makes it again.
 *
 * <p>Single-flight: of the requests that find a rendition missing, one per rendition across every instance takes
 * the catalog claim ({@link RenditionClaims}) and makes it; the others wait for it to appear. The claim has a lease,
 * so a maker that was killed holds nothing for long: the next request after the lease takes over.
 */
public final class TierRenditions {
    /** Bumped when the renderer changes what it makes (size rules, colour handling, quality). */
    static final String RENDERER_VERSION = "r1";
    /** Longer than making the largest tier of a 100 MP original takes. */
    public static final Duration LEASE = Duration.ofSeconds(30);
    private static final long FIRST_WAIT_MS = 25;
    private static final long LONGEST_WAIT_MS = 400;

    /** The object metadata holding a rendition's CRC-32, written when it is made (a zip entry needs it up front). */
    static final String CRC32_METADATA = "crc32";

    /**
     * A stored rendition: its key, byte size, upright size, version and CRC-32 ({@code -1} when not recorded: made
     * before the CRC-32 was kept; {@link #withCrc32} computes it).
     */
    public record Rendition(Tier tier, String key, long size, int width, int height, String version, long crc32) {
    }

    private final BlobStore store;
    private final ImageProbe probe;
    private final ImageScaler scaler;
    private final RenditionMaker marks;
    private final RenditionClaims claims;
    private final Clock clock;

    public TierRenditions(BlobStore store, ImageProbe probe, ImageScaler scaler, RenditionMaker marks,
                          RenditionClaims claims, Clock clock) {
        this.store = store;
        this.probe = probe;
        this.scaler = scaler;
        this.marks = marks;
        this.claims = claims;
        this.clock = clock;
    }

    /** What the renditions need of the event (media does not read the catalog). */
    public static GalleryLook lookOf(Event event) {
        Protection p = event.protection();
        return new GalleryLook(event.slug(), p.watermarkViews(), p.position().wireName(), p.sizePercent(),
                p.opacityPercent(), event.heroPhotoId(), event.heroKey());
    }

    /** The version of a tier's rendition of the event's photos: a new view watermark gives previews a new one. */
    public String version(Event event, Tier tier) {
        if (tier == Tier.THUMB_300) {
            return "import";
        }
        if (tier.thumbnail()) {
            return RENDERER_VERSION;
        }
        return watermark(event, tier).map(mark -> RENDERER_VERSION + "-wm" + mark.version()).orElse(RENDERER_VERSION);
    }

    /**
     * The watermark a tier carries: previews the view watermark while it is on; download sizes the download
     * watermark while downloads are watermarked (and then one must be set: never an unmarked copy).
     */
    private Optional<RenditionMaker.Watermark> watermark(Event event, Tier tier) {
        if (tier.thumbnail()) {
            return Optional.empty();
        }
        if (!tier.download()) {
            return marks.viewWatermark(lookOf(event));
        }
        if (!event.watermarkDownloads()) {
            return Optional.empty();
        }
        return Optional.of(marks.resolve(lookOf(event)).orElseThrow(() -> new PicPeakException(
                ErrorCode.WATERMARK_UNAVAILABLE, "downloads of gallery '" + event.slug() + "' are to be watermarked "
                + "but no watermark image is set: PUT a PNG to /api/admin/events/" + event.slug()
                + "/watermark or /api/admin/watermark")));
    }

    /** The storage key of a photo's rendition in a tier and version (the import's thumbnail for 300). */
    public static String key(Photo photo, Tier tier, String version) {
        return tier == Tier.THUMB_300 ? photo.thumbnailKey()
                : Keys.tierRendition(photo.eventSlug(), photo.id(), tier.wireName(), version);
    }

    /** The photo's rendition in {@code tier}: the stored one, else made now (once, whoever asks at the same time). */
    public Rendition rendition(Event event, Photo photo, Tier tier) {
        String version = version(event, tier);
        String key = key(photo, tier, version);
        Tier.Size size = tier.sizeFor(photo.width(), photo.height());
        String claimName = tier.wireName() + "-" + version;
        long deadline = System.nanoTime() + 2 * LEASE.toNanos();
        long wait = FIRST_WAIT_MS;
        while (true) {
            Optional<BlobInfo> stored = store.head(key);
            if (stored.isPresent()) {
                return stored(tier, stored.get(), size, version);
            }
            Optional<String> claim = claims.take(photo.eventSlug(), photo.id(), claimName, clock.instant(), LEASE);
            if (claim.isPresent()) {
                try {
                    // it may have been stored between our HEAD and our claim, by a maker who has just released it
                    return store.head(key).map(info -> stored(tier, info, size, version))
                            .orElseGet(() -> make(event, photo, tier, size, key, version));
                } finally {
                    claims.release(photo.eventSlug(), photo.id(), claimName, claim.get());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "the " + tier.wireName() + " rendition of "
                        + "photo '" + photo.id() + "' is being made elsewhere and did not appear in time: try again");
            }
            sleep(wait);
            wait = Math.min(LONGEST_WAIT_MS, wait * 2);
        }
    }

    /**
     * The photo's rendition in {@code tier} with its CRC-32 known, as a zip entry needs it before it is written: the
     * one recorded when it was made, else computed once now by reading it (a rendition made before it was recorded).
     */
    public Rendition withCrc32(Event event, Photo photo, Tier tier) {
        Rendition rendition = rendition(event, photo, tier);
        if (rendition.crc32() >= 0) {
            return rendition;
        }
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        try (BlobRead read = store.get(rendition.key()); InputStream in = read.stream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                crc.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + rendition.key() + "' failed: " + e, e);
        }
        return new Rendition(tier, rendition.key(), rendition.size(), rendition.width(), rendition.height(),
                rendition.version(), crc.getValue());
    }

    private static Rendition stored(Tier tier, BlobInfo info, Tier.Size size, String version) {
        String crc32 = info.metadata().get(CRC32_METADATA);
        return new Rendition(tier, info.key(), info.size(), size.width(), size.height(), version,
                crc32 == null ? -1 : Long.parseLong(crc32));
    }

    private Rendition make(Event event, Photo photo, Tier tier, Tier.Size size, String key, String version) {
        ImageHeader header;
        try (BlobRead head = store.get(photo.key())) {
            header = probe.probe(head.stream());
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + photo.key() + "' failed: " + e, e);
        }
        Optional<RenditionMaker.Watermark> mark = watermark(event, tier);
        BufferedImage markImage = mark.map(marks::image).orElse(null);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream(256 * 1024);
        try (BlobRead original = store.get(photo.key())) {
            if (tier.thumbnail()) {
                scaler.cover(original.stream(), header, size.width(), size.height(), jpeg);
            } else {
                scaler.fit(original.stream(), header, size.width(), size.height(), markImage,
                        RenditionMaker.placement(lookOf(event)), jpeg);
            }
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + photo.key() + "' failed: " + e, e);
        }
        byte[] bytes = jpeg.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(bytes);
        StoredBlob stored = store.put(key, new ByteArrayInputStream(bytes), PutOptions.of("image/jpeg")
                .withMetadata(CRC32_METADATA, Long.toString(crc.getValue())));
        return new Rendition(tier, key, stored.size(), size.width(), size.height(), version, stored.crc32());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "interrupted while a rendition was made elsewhere", e);
        }
    }
}
