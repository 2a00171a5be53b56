package com.picpeak.media;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.StoredBlob;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Renditions of photos: watermarked downloads, and the images guests view when a view watermark or image
 * protection is in force. The watermark is a PNG with alpha, per event or global, kept in storage; where it
 * sits, how big and how opaque it is are the event's protection settings (a {@link GalleryLook}). Each rendition is rendered
 * once (upright, JPEG) and stored under a key that carries a version of everything it was made from (the
 * watermark image's sha256 and the placement), so a new watermark or new settings make new renditions and
 * old ones are never served. Size, CRC-32, width and height are kept as metadata: the watermarked Download
 * All archive is planned from them in one pass, and tiles are cut by them.
 */
public final class RenditionMaker {
    /** Watermarked downloads are proofs: at most 12 MP, which bounds the memory of rendering one. */
    public static final long MAX_PIXELS = 12_000_000L;
    /** What a guest views: enough for a large screen, small enough to answer inline from a Lambda. */
    public static final long VIEW_MAX_PIXELS = 4_000_000L;
    public static final int MAX_WATERMARK_SIDE = 2048;
    public static final long MAX_WATERMARK_BYTES = 8L * 1024 * 1024;
    private static final String CRC32_KEY = "crc32";
    private static final String WIDTH = "width";
    private static final String HEIGHT = "height";
    private static final String PLAIN = "plain";

    private final BlobStore store;
    private final ImageProbe probe;
    private final ImageScaler renderer;

    public RenditionMaker(BlobStore store, ImageProbe probe, ImageScaler renderer) {
        this.store = store;
        this.probe = probe;
        this.renderer = renderer;
    }

    /** The watermark in force for an event and its version (the image's sha256 prefix and the placement). */
    public record Watermark(String key, String version) {
    }

    /** A stored rendition (always a JPEG). */
    public record Copy(String key, long size, long crc32, String watermarkVersion, int width, int height) {
    }

    /** Stores a watermark PNG for one event, or the global one when {@code slugOrNull} is null. */
    public Watermark setWatermark(String slugOrNull, InputStream png) {
        byte[] bytes;
        try {
            bytes = png.readNBytes((int) MAX_WATERMARK_BYTES + 1);
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "the watermark could not be read: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_WATERMARK_BYTES) {
            throw new PicPeakException(ErrorCode.FILE_TOO_LARGE, "a watermark may have at most " + MAX_WATERMARK_BYTES + " bytes");
        }
        ImageHeader header = probe.probe(bytes, bytes.length);
        if (header.type() != ImageType.PNG) {
            throw new PicPeakException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "a watermark must be a PNG (with "
                    + "transparency), not " + header.type());
        }
        if (header.width() > MAX_WATERMARK_SIDE || header.height() > MAX_WATERMARK_SIDE) {
            throw new PicPeakException(ErrorCode.IMAGE_TOO_LARGE, "a watermark may be at most " + MAX_WATERMARK_SIDE
                    + " x " + MAX_WATERMARK_SIDE + " pixels, this one is " + header.width() + " x " + header.height());
        }
        decode(bytes); // refuse a PNG that does not decode before anything is stored
        StoredBlob stored = store.put(Keys.watermarkImage(slugOrNull), new ByteArrayInputStream(bytes),
                PutOptions.of("image/png"));
        return new Watermark(stored.key(), stored.sha256().substring(0, 12));
    }

    /** The event's watermark, else the global one, with the event's placement in its version. */
    public Optional<Watermark> resolve(GalleryLook event) {
        String placement = event.position() + "-" + event.sizePercent() + "-" + event.opacityPercent();
        return imageOf(event.slug()).map(info -> new Watermark(info.key(), imageVersion(info) + "-" + placement));
    }

    /** The watermark a rendition for viewing carries: the one in force while the event's view watermark is on. */
    public Optional<Watermark> viewWatermark(GalleryLook event) {
        return event.watermarkViews() ? resolve(event) : Optional.empty();
    }

    /** The watermark's image, read from storage. */
    public BufferedImage image(Watermark watermark) {
        return loadWatermark(watermark.key());
    }

    /** Where and how the event's watermark is laid over a rendition. */
    public static ImageScaler.MarkPlacement placement(GalleryLook event) {
        return new ImageScaler.MarkPlacement(anchorX(event.position()), anchorY(event.position()),
                event.sizePercent() / 100.0, event.opacityPercent() / 100f);
    }

    /**
     * The watermarked download copy of a photo (at most {@link #MAX_PIXELS}), rendered and stored on first use.
     *
     * @throws PicPeakException WATERMARK_UNAVAILABLE when no watermark image is set
     */
    public Copy copyOf(GalleryLook event, String photoId, String originalKey) {
        Watermark watermark = resolve(event).orElseThrow(() -> new PicPeakException(ErrorCode.WATERMARK_UNAVAILABLE,
                "downloads of gallery '" + event.slug() + "' are to be watermarked but no watermark image is set: PUT a "
                        + "PNG to /api/admin/events/" + event.slug() + "/watermark or /api/admin/watermark"));
        return render(event, photoId, originalKey, watermark, "", MAX_PIXELS);
    }

    /** The download copy without a watermark: a JPEG rendition of an original no fingerprint can be written into. */
    public Copy plainCopyOf(GalleryLook event, String photoId, String originalKey) {
        return render(event, photoId, originalKey, null, "", MAX_PIXELS);
    }

    /**
     * What a guest views (at most {@link #VIEW_MAX_PIXELS}): with the watermark when the event's view watermark
     * is on and a watermark image is set, else plain.
     */
    public Copy viewCopyOf(GalleryLook event, String photoId, String originalKey) {
        Watermark watermark = event.watermarkViews() ? resolve(event).orElse(null) : null;
        return render(event, photoId, originalKey, watermark, "view-", VIEW_MAX_PIXELS);
    }

    /**
     * The watermarked view when the event's view watermark is on and a watermark image is set, else empty (the
     * original is shown as it is): the watermark is looked up once.
     */
    public Optional<Copy> markedViewOf(GalleryLook event, String photoId, String originalKey) {
        if (!event.watermarkViews()) {
            return Optional.empty();
        }
        return resolve(event).map(watermark -> render(event, photoId, originalKey, watermark, "view-", VIEW_MAX_PIXELS));
    }

    /**
     * The event's hero image (a 1920x1080 cover) with the view watermark when it is on and a watermark image is
     * set, else empty: the stored hero is served as it is.
     */
    public Optional<Copy> heroCopyOf(GalleryLook event) {
        if (event.heroKey() == null || !event.watermarkViews()) {
            return Optional.empty();
        }
        return resolve(event).map(watermark -> render(event, event.heroPhotoId(), event.heroKey(), watermark, "hero-",
                Long.MAX_VALUE));
    }

    private Copy render(GalleryLook event, String photoId, String originalKey, Watermark watermark, String kind,
                        long maxPixels) {
        String version = kind + (watermark == null ? PLAIN : watermark.version());
        String key = Keys.watermarkedCopy(event.slug(), photoId, version);
        Optional<BlobInfo> existing = store.head(key);
        if (existing.isPresent() && existing.get().metadata().containsKey(CRC32_KEY)
                && existing.get().metadata().containsKey(WIDTH)) {
            Map<String, String> m = existing.get().metadata();
            return new Copy(key, existing.get().size(), Long.parseLong(m.get(CRC32_KEY)), version,
                    Integer.parseInt(m.get(WIDTH)), Integer.parseInt(m.get(HEIGHT)));
        }
        BufferedImage mark = watermark == null ? null : loadWatermark(watermark.key());
        ImageHeader header;
        try (BlobRead head = store.get(originalKey)) {
            header = probe.probe(head.stream());
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + originalKey + "' failed: " + e, e);
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream(1024 * 1024);
        ImageScaler.MarkPlacement placement = placement(event);
        try (BlobRead original = store.get(originalKey)) {
            renderer.rendition(original.stream(), header, maxPixels, mark, placement, jpeg);
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + originalKey + "' failed: " + e, e);
        }
        byte[] bytes = jpeg.toByteArray();
        ImageHeader rendered = probe.probe(bytes, bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        StoredBlob stored = store.put(key, new ByteArrayInputStream(bytes), PutOptions.of("image/jpeg")
                .withMetadata(CRC32_KEY, Long.toString(crc.getValue()))
                .withMetadata(WIDTH, Integer.toString(rendered.width()))
                .withMetadata(HEIGHT, Integer.toString(rendered.height())));
        return new Copy(key, stored.size(), stored.crc32(), version, rendered.width(), rendered.height());
    }

    private static double anchorX(String position) {
        return switch (position) {
            case "top-left", "bottom-left" -> 0;
            case "center" -> 0.5;
            case "top-right", "bottom-right" -> 1;
            default -> throw new IllegalArgumentException("unknown watermark position '" + position + "'");
        };
    }

    private static double anchorY(String position) {
        return switch (position) {
            case "top-left", "top-right" -> 0;
            case "center" -> 0.5;
            case "bottom-left", "bottom-right" -> 1;
            default -> throw new IllegalArgumentException("unknown watermark position '" + position + "'");
        };
    }

    /** The file name of a rendition of {@code filename}: a rendition is a JPEG whatever the original was. */
    public static String jpegName(String filename) {
        int dot = filename.lastIndexOf('.');
        String base = dot > 0 ? filename.substring(0, dot) : filename;
        String extension = dot > 0 ? filename.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
        return extension.equals("jpg") || extension.equals("jpeg") ? filename : base + ".jpg";
    }

    private Optional<BlobInfo> imageOf(String slug) {
        return store.head(Keys.watermarkImage(slug)).or(() -> store.head(Keys.watermarkImage(null)));
    }

    private BufferedImage loadWatermark(String key) {
        try (BlobRead read = store.get(key)) {
            return decode(read.stream().readNBytes((int) MAX_WATERMARK_BYTES));
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading the watermark failed: " + e, e);
        }
    }

    private static BufferedImage decode(byte[] png) {
        try {
            ImageReaders.init(); // ImageIO's disk cache off before ImageIO.read makes its first stream
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            if (image == null) {
                throw new IOException("no reader for it");
            }
            return image;
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.CORRUPT_IMAGE, "the watermark PNG cannot be decoded: " + e.getMessage(), e);
        }
    }

    private static String imageVersion(BlobInfo info) {
        return info.sha256().map(sha -> sha.substring(0, 12))
                .orElse(Integer.toHexString(info.etag().hashCode()) + Long.toHexString(info.size()));
    }
}
