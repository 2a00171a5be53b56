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
import java.util.Optional;

/**
 * Watermarked downloads. The watermark is a PNG with alpha, per event or global, kept in storage. Each
 * photo's watermarked copy is rendered once (upright, at most {@link #MAX_PIXELS}, the watermark at the
 * bottom right) and stored under a key that carries the watermark's version, so a new watermark makes
 * new copies and old ones are never served. Its size and CRC-32 are kept as metadata: the watermarked
 * Download All archive is planned from them, in one pass, like the original one.
 */
public final class WatermarkService {
    /** Watermarked downloads are proofs: at most 12 MP, which bounds the memory of rendering one. */
    public static final long MAX_PIXELS = 12_000_000L;
    public static final int MAX_WATERMARK_SIDE = 2048;
    public static final long MAX_WATERMARK_BYTES = 8L * 1024 * 1024;
    static final double WIDTH_SHARE = 0.25;
    static final float OPACITY = 0.6f;
    private static final String CRC32 = "crc32";

    private final BlobStore store;
    private final ImageProbe probe;
    private final Thumbnailer renderer;

    public WatermarkService(BlobStore store, ImageProbe probe, Thumbnailer renderer) {
        this.store = store;
        this.probe = probe;
        this.renderer = renderer;
    }

    /** The watermark in force and its version (the first 12 hex digits of its sha256). */
    public record Watermark(String key, String version) {
    }

    /** A stored watermarked copy. */
    public record Copy(String key, long size, long crc32, String watermarkVersion) {
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

    /** The event's watermark, else the global one. */
    public Optional<Watermark> resolve(String slug) {
        return store.head(Keys.watermarkImage(slug)).or(() -> store.head(Keys.watermarkImage(null)))
                .map(info -> new Watermark(info.key(), version(info)));
    }

    /**
     * The watermarked copy of a photo under the watermark in force, rendered and stored on first use.
     *
     * @throws PicPeakException WATERMARK_UNAVAILABLE when no watermark image is set
     */
    public Copy copyOf(String slug, String photoId, String originalKey) {
        Watermark watermark = resolve(slug).orElseThrow(() -> new PicPeakException(ErrorCode.WATERMARK_UNAVAILABLE,
                "downloads of gallery '" + slug + "' are to be watermarked but no watermark image is set: PUT a PNG "
                        + "to /api/admin/events/" + slug + "/watermark or /api/admin/watermark"));
        String key = Keys.watermarkedCopy(slug, photoId, watermark.version());
        Optional<BlobInfo> existing = store.head(key);
        if (existing.isPresent() && existing.get().metadata().containsKey(CRC32)) {
            return new Copy(key, existing.get().size(), Long.parseLong(existing.get().metadata().get(CRC32)),
                    watermark.version());
        }
        BufferedImage mark = loadWatermark(watermark.key());
        ImageHeader header;
        try (BlobRead head = store.get(originalKey)) {
            byte[] bytes = head.stream().readNBytes(ImageProbe.HEADER_BYTES);
            header = probe.probe(bytes, bytes.length);
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + originalKey + "' failed: " + e, e);
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream(1024 * 1024);
        try (BlobRead original = store.get(originalKey)) {
            renderer.watermarked(original.stream(), header, MAX_PIXELS, mark, WIDTH_SHARE, OPACITY, jpeg);
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + originalKey + "' failed: " + e, e);
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] bytes = jpeg.toByteArray();
        crc.update(bytes);
        StoredBlob stored = store.put(key, new ByteArrayInputStream(bytes),
                PutOptions.of("image/jpeg").withMetadata(CRC32, Long.toString(crc.getValue())));
        return new Copy(key, stored.size(), stored.crc32(), watermark.version());
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
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            if (image == null) {
                throw new IOException("no reader for it");
            }
            return image;
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.CORRUPT_IMAGE, "the watermark PNG cannot be decoded: " + e.getMessage(), e);
        }
    }

    private static String version(BlobInfo info) {
        return info.sha256().map(sha -> sha.substring(0, 12))
                .orElse(Integer.toHexString(info.etag().hashCode()) + Long.toHexString(info.size()));
    }
}
