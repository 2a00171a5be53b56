package com.picpeak.media;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import org.imgscalr.Scalr;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.ColorConvertOp;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;

/**
 * Decodes and scales images, writing baseline JPEGs of quality 0.85 with the EXIF orientation baked in:
 * "cover" derivatives (the 300 px thumbnail, the 1920x1080 hero: fill the target box, crop what overflows),
 * whole-image renditions (optionally with a watermark laid over), and tiles of a rendition.
 *
 * <p>Heap stays bounded for 100 MP originals: the original is read as a stream through a small
 * window (never buffered whole), and the decoder decodes only the region that survives the crop,
 * subsampling while it decodes, so the raster it allocates is two to three times the target in
 * each direction, not the full image. A baseline JPEG at least eight times the target is decoded at 1/8 from its DC
 * coefficients instead ({@link EighthScaleJpegDecoder}), several times faster than a full decode. Thread-safe.
 */
public final class ImageScaler {
    /** JPEG quality of every derivative (thumbnails, heroes, renditions): 85. */
    public static final float JPEG_QUALITY = 0.85f;

    /**
     * Reads the original from {@code original} (not closed here) and writes a {@code width} x
     * {@code height} JPEG to {@code jpegOut} (flushed, not closed). {@code header} is what
     * {@link ImageProbe#probe} said of the same file. Throws TRUNCATED_IMAGE when the data ends
     * early and CORRUPT_IMAGE when it cannot be decoded.
     */
    public void cover(InputStream original, ImageHeader header, int width, int height, OutputStream jpegOut) {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(jpegOut, "jpegOut");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target must be positive: " + width + " x " + height);
        }
        // Work in the stored orientation (the target turned for 5..8) and rotate only the small result.
        int storedWidth = header.swapsAxes() ? height : width;
        int storedHeight = header.swapsAxes() ? width : height;
        Rectangle wanted = coverRegion(header.width(), header.height(), storedWidth, storedHeight);
        BufferedImage decoded = decodeFor(original, header, wanted, storedWidth, storedHeight,
                (sourceWidth, sourceHeight) -> {
                    Rectangle region = coverRegion(sourceWidth, sourceHeight, storedWidth, storedHeight);
                    return new DecodePlan(region, subsampling(region.width, region.height, storedWidth, storedHeight));
                });
        BufferedImage covered = coverCrop(toSrgb(decoded), storedWidth, storedHeight);
        BufferedImage oriented = ExifOrientation.apply(covered, header.exifOrientation());
        writeJpeg(opaqueRgb(oriented), jpegOut);
    }

    /**
     * The whole image, upright and in sRGB, scaled to exactly {@code width x height} (the upright size, which the
     * caller derives from the original's so that it never exceeds it), with {@code watermark} laid over it when it
     * is not null. The decode is subsampled to between once and twice the target in each direction, so memory is
     * that of the target, whatever the size of the original.
     */
    public void fit(InputStream original, ImageHeader header, int width, int height, BufferedImage watermark,
                    MarkPlacement placement, OutputStream jpegOut) {
        Objects.requireNonNull(header, "header");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target must be positive: " + width + " x " + height);
        }
        int storedWidth = header.swapsAxes() ? height : width;
        int storedHeight = header.swapsAxes() ? width : height;
        Rectangle whole = new Rectangle(0, 0, header.width(), header.height());
        BufferedImage decoded = decodeFor(original, header, whole, storedWidth, storedHeight,
                (sourceWidth, sourceHeight) -> {
                    int step = Math.max(1, Math.min(sourceWidth / storedWidth, sourceHeight / storedHeight));
                    return new DecodePlan(new Rectangle(0, 0, sourceWidth, sourceHeight), step);
                });
        BufferedImage srgb = toSrgb(decoded);
        BufferedImage scaled = srgb;
        if (srgb.getWidth() != storedWidth || srgb.getHeight() != storedHeight) {
            scaled = Scalr.resize(srgb, Scalr.Method.QUALITY, Scalr.Mode.FIT_EXACT, storedWidth, storedHeight);
            srgb.flush();
        }
        BufferedImage upright = opaqueRgb(ExifOrientation.apply(scaled, header.exifOrientation()));
        if (watermark != null) {
            overlay(upright, watermark, placement);
        }
        writeJpeg(upright, jpegOut);
    }

    /**
     * The image in sRGB: a photo that carries another colour profile (Adobe RGB, Display P3, ...) is converted, so
     * that a rendition, which is written without a profile, shows the same colours in every browser.
     */
    static BufferedImage toSrgb(BufferedImage image) {
        ColorSpace space = image.getColorModel().getColorSpace();
        if (space.isCS_sRGB() || space.getType() != ColorSpace.TYPE_RGB || image.getColorModel().hasAlpha()) {
            return image; // grey and sRGB need no conversion (opaqueRgb draws them); alpha is kept for opaqueRgb's white
        }
        BufferedImage srgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        new ColorConvertOp(null).filter(image, srgb);
        image.flush();
        return srgb;
    }

    /**
     * The source subsampling step that keeps the decoded raster at least twice the target in both
     * directions (so the final resize still has detail to average) and under three times it.
     */
    static int subsampling(int sourceWidth, int sourceHeight, int targetWidth, int targetHeight) {
        long byWidth = sourceWidth / (2L * targetWidth);
        long byHeight = sourceHeight / (2L * targetHeight);
        return (int) Math.max(1, Math.min(byWidth, byHeight));
    }

    /**
     * The centred part of the source that survives the cover crop: only this is decoded, so a
     * portrait original made into a landscape hero does not decode the rows that are cut away.
     */
    static Rectangle coverRegion(int sourceWidth, int sourceHeight, int targetWidth, int targetHeight) {
        double scale = Math.max((double) targetWidth / sourceWidth, (double) targetHeight / sourceHeight);
        int width = (int) Math.min(sourceWidth, Math.max(1, Math.round(targetWidth / scale)));
        int height = (int) Math.min(sourceHeight, Math.max(1, Math.round(targetHeight / scale)));
        return new Rectangle((sourceWidth - width) / 2, (sourceHeight - height) / 2, width, height);
    }

    /** How a watermark is laid over a rendition: where (0 = left/top, 0.5 = centre, 1 = right/bottom), how big, how opaque. */
    public record MarkPlacement(double anchorX, double anchorY, double widthShare, float opacity) {
    }

    /**
     * The whole image, upright, as a JPEG, with {@code watermark} laid over it when it is not null. The decode
     * is subsampled so that at most {@code maxPixels} are held (a 100 MP original becomes a rendition of that
     * size, never a raster of 100 MP). The watermark is scaled to {@code placement.widthShare()} of the image
     * width and drawn at the placement's anchor, a small margin from the edges.
     */
    public void rendition(InputStream original, ImageHeader header, long maxPixels, BufferedImage watermark,
                          MarkPlacement placement, OutputStream jpegOut) {
        BufferedImage decoded = decode(original, header.type(), window(header), (sourceWidth, sourceHeight) -> {
            long pixels = (long) sourceWidth * sourceHeight;
            int step = (int) Math.max(1, Math.ceil(Math.sqrt((double) pixels / maxPixels)));
            return new DecodePlan(new Rectangle(0, 0, sourceWidth, sourceHeight), step);
        });
        BufferedImage upright = opaqueRgb(ExifOrientation.apply(toSrgb(decoded), header.exifOrientation()));
        if (watermark != null) {
            overlay(upright, watermark, placement);
        }
        writeJpeg(upright, jpegOut);
    }

    private static void overlay(BufferedImage upright, BufferedImage watermark, MarkPlacement placement) {
        Graphics2D g = upright.createGraphics();
        try {
            int markWidth = Math.max(1, (int) Math.round(upright.getWidth() * placement.widthShare()));
            int markHeight = Math.max(1, (int) Math.round((double) watermark.getHeight() * markWidth / watermark.getWidth()));
            int margin = Math.max(1, upright.getWidth() / 40);
            int x = margin + (int) Math.round((upright.getWidth() - markWidth - 2 * margin) * placement.anchorX());
            int y = margin + (int) Math.round((upright.getHeight() - markHeight - 2 * margin) * placement.anchorY());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, placement.opacity()));
            g.drawImage(watermark, x, y, markWidth, markHeight, null);
        } finally {
            g.dispose();
        }
    }

    /**
     * One tile of an upright JPEG rendition: only {@code region} is decoded (the decoder skips the rest of the
     * stream row by row), so memory is that of the tile, whatever the size of the rendition.
     */
    public void tile(InputStream rendition, Rectangle region, OutputStream jpegOut) {
        BufferedImage decoded = decode(rendition, ImageType.JPEG, ImageProbe.HEADER_BYTES, (sourceWidth, sourceHeight) -> {
            if (region.x < 0 || region.y < 0 || region.x + region.width > sourceWidth
                    || region.y + region.height > sourceHeight) {
                throw new IllegalArgumentException("tile " + region + " lies outside " + sourceWidth + " x " + sourceHeight);
            }
            return new DecodePlan(region, 1);
        });
        writeJpeg(opaqueRgb(decoded), jpegOut);
    }

    /** What part of the source to decode, and with which subsampling step. */
    private record DecodePlan(Rectangle region, int step) {
    }

    @FunctionalInterface
    private interface DecodePlanner {
        DecodePlan plan(int sourceWidth, int sourceHeight);
    }

    /**
     * How far back the decoder may seek: the JPEG readers read the header once for the size, then again from the
     * start to decode, so a header larger than usual (megabytes of metadata) is kept whole, plus the usual window.
     */
    static int window(ImageHeader header) {
        return ImageProbe.HEADER_BYTES + header.headerLength();
    }

    private static BufferedImage decode(InputStream original, ImageType type, int window, DecodePlanner planner) {
        TruncationWatch watch = new TruncationWatch();
        JpegEndScanner endScanner = type == ImageType.JPEG ? new JpegEndScanner(original) : null;
        InputStream source = endScanner != null ? endScanner : original;
        try (WindowedImageInputStream iis = new WindowedImageInputStream(source, window)) {
            ImageReader reader = ImageReaders.forType(iis, type);
            try {
                reader.setInput(iis, true, true);
                reader.addIIOReadWarningListener(watch);
                DecodePlan plan = planner.plan(reader.getWidth(0), reader.getHeight(0));
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceRegion(plan.region());
                param.setSourceSubsampling(plan.step(), plan.step(), 0, 0);
                BufferedImage image = reader.read(0, param);
                if (watch.warning != null) {
                    image.flush();
                    throw truncated(type, watch.warning, null);
                }
                // The decoder may have stopped before the rows it did not need: read on to the end marker.
                if (endScanner != null && !endScanner.drainToEnd()) {
                    image.flush();
                    throw truncated(type, "no end-of-image marker", null);
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (PicPeakException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (isTruncation(e)) {
                throw truncated(type, e.getMessage(), e);
            }
            throw new PicPeakException(ErrorCode.CORRUPT_IMAGE, "the " + type + " image cannot be decoded ("
                    + e.getMessage() + "); the file is damaged: export it again from the original", e);
        }
    }

    private static PicPeakException truncated(ImageType type, String detail, Throwable cause) {
        return new PicPeakException(ErrorCode.TRUNCATED_IMAGE, "the " + type + " data ends early (" + detail
                + "); the upload was cut short: upload the file again", cause);
    }

    /**
     * Whether a JPEG decoded at 1/8 scale still has at least the target's pixels in {@code region}: then the decode
     * reads only the DC coefficients (each pixel the mean of an 8x8 block, an area average) and the final resize
     * starts from there, as libvips' shrink-on-load does.
     */
    static boolean eighthCovers(ImageHeader header, Rectangle region, int targetWidth, int targetHeight) {
        return header.type() == ImageType.JPEG && region.width / 8 >= targetWidth && region.height / 8 >= targetHeight;
    }

    /**
     * {@code region} of the original for a {@code targetWidth x targetHeight} result: at 1/8 when
     * {@link #eighthCovers} and the eighth-scale decoder takes the file, else as {@code planner} plans it.
     */
    private static BufferedImage decodeFor(InputStream original, ImageHeader header, Rectangle region, int targetWidth,
                                           int targetHeight, DecodePlanner planner) {
        InputStream source = original;
        if (eighthCovers(header, region, targetWidth, targetHeight)) {
            BufferedInputStream buffered = new BufferedInputStream(original, 64 * 1024);
            BufferedImage eighth = decodeEighth(buffered, header, region);
            if (eighth != null) {
                return eighth;
            }
            source = buffered; // reset to its start: the general decoder reads it from there
        }
        return decode(source, header.type(), window(header), planner);
    }

    /**
     * {@code region} of the JPEG at 1/8 scale, or null (the stream reset to its start) when the file is not one
     * {@link EighthScaleJpegDecoder} takes.
     */
    private static BufferedImage decodeEighth(BufferedInputStream in, ImageHeader header, Rectangle region) {
        BufferedImage eighth;
        try {
            eighth = EighthScaleJpegDecoder.decode(in, window(header), header.width(), header.height());
        } catch (IOException | RuntimeException e) {
            if (isTruncation(e)) {
                throw truncated(ImageType.JPEG, e.getMessage(), e);
            }
            throw new PicPeakException(ErrorCode.CORRUPT_IMAGE, "the JPEG image cannot be decoded ("
                    + e.getMessage() + "); the file is damaged: export it again from the original", e);
        }
        if (eighth == null) {
            return null;
        }
        int x = Math.min(region.x / 8, eighth.getWidth() - 1);
        int y = Math.min(region.y / 8, eighth.getHeight() - 1);
        int w = Math.max(1, Math.min(eighth.getWidth() - x, (int) Math.round(region.width / 8.0)));
        int h = Math.max(1, Math.min(eighth.getHeight() - y, (int) Math.round(region.height / 8.0)));
        return x == 0 && y == 0 && w == eighth.getWidth() && h == eighth.getHeight() ? eighth
                : eighth.getSubimage(x, y, w, h);
    }

    /** Scale so both sides reach the target, then cut the centre out. */
    static BufferedImage coverCrop(BufferedImage source, int width, int height) {
        int w = source.getWidth();
        int h = source.getHeight();
        double scale = Math.max((double) width / w, (double) height / h);
        int scaledWidth = Math.max(width, (int) Math.round(w * scale));
        int scaledHeight = Math.max(height, (int) Math.round(h * scale));
        BufferedImage scaled = source;
        if (scaledWidth != w || scaledHeight != h) {
            scaled = Scalr.resize(source, Scalr.Method.QUALITY, Scalr.Mode.FIT_EXACT, scaledWidth, scaledHeight);
            source.flush();
        }
        if (scaledWidth == width && scaledHeight == height) {
            return scaled;
        }
        BufferedImage cropped = Scalr.crop(scaled, (scaledWidth - width) / 2, (scaledHeight - height) / 2, width, height);
        scaled.flush();
        return cropped;
    }

    /** JPEG has no alpha: lay transparent pixels over white (what a browser shows for a PNG). */
    private static BufferedImage opaqueRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        image.flush();
        return rgb;
    }

    private static void writeJpeg(BufferedImage image, OutputStream out) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no JPEG ImageWriter registered");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            param.setProgressiveMode(ImageWriteParam.MODE_DISABLED);
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
            ios.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the JPEG failed: " + e.getMessage(), e);
        } finally {
            writer.dispose();
            image.flush();
        }
    }

    /** An EOF anywhere in the cause chain, or a reader message that says the data ran out. */
    static boolean isTruncation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException || saysDataRanOut(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The JPEG decoders do not fail on a cut-off file: they fill the rest with grey and only warn
     * (libjpeg "Premature end of JPEG file", TwelveMonkeys "Truncated File - Missing EOI marker").
     * Bytes after the EOI marker (motion photos append a video) produce no warning, because the
     * decoder stops at EOI.
     */
    static boolean saysDataRanOut(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("premature end of jpeg file") || m.contains("missing eoi") || m.contains("truncated")
                || m.contains("unexpected end") || m.contains("end of file") || m.contains("eof");
    }

    /** Remembers the first warning that says the data ran out. */
    private static final class TruncationWatch implements IIOReadWarningListener {
        private String warning;

        @Override
        public void warningOccurred(ImageReader source, String message) {
            if (warning == null && saysDataRanOut(message)) {
                warning = message;
            }
        }
    }
}
