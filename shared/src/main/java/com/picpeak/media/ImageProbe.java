package com.picpeak.media;

import com.drew.imaging.ImageProcessingException;
import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.png.PngMetadataReader;
import com.drew.imaging.webp.WebpMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import javax.imageio.ImageReader;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Validates an upload from the start of its bytes, before anything is stored or decoded: type by
 * magic bytes (never by file name or the client's Content-Type), dimensions from the header, and
 * the decompression-bomb guard (a few KB of PNG can declare a raster of tens of gigabytes).
 * Thread-safe.
 */
public final class ImageProbe {
    /** How much of the file's start {@link #probe(InputStream)} reads first (all a PNG, a WebP or most JPEGs need). */
    public static final int HEADER_BYTES = 1024 * 1024;
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    /**
     * How far into a JPEG its image data may begin: metadata before it (EXIF, extended XMP, ICC profiles, Photoshop
     * resources) often passes 1 MiB in files from editors. {@code PICPEAK_MAX_METADATA_BYTES}.
     */
    public static final int DEFAULT_MAX_METADATA_BYTES = 16 * 1024 * 1024;
    /** Read beyond a JPEG's header, as a probe of the first {@link #HEADER_BYTES} always has some image data too. */
    private static final int AFTER_HEADER_BYTES = 64 * 1024;

    /** ISO-BMFF brands of HEIF/HEIC stills and sequences (iPhones write heic, some Androids mif1). */
    private static final Set<String> HEIF_BRANDS = Set.of("heic", "heix", "hevc", "hevx", "mif1", "msf1", "heim", "heis");
    private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");
    private static final String SUPPORTED = "not a JPEG, PNG or WebP image";

    private final long maxPixels;
    private final int maxMetadataBytes;

    /**
     * Loads ImageIO and its plugins now (the registry's classpath scan, TwelveMonkeys' readers): SnapStart priming, so
     * that the first image after a restore does not pay for it. Otherwise the first image read does.
     */
    public static void loadCodecs() {
        ImageReaders.init();
        ImageIO.getImageReadersByMIMEType("image/jpeg").hasNext();
        ImageIO.getImageWritersByFormatName("jpeg").hasNext();
    }

    public ImageProbe(long maxPixels, int maxMetadataBytes) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
        }
        if (maxMetadataBytes < HEADER_BYTES) {
            throw new IllegalArgumentException("maxMetadataBytes must be at least " + HEADER_BYTES + ": " + maxMetadataBytes);
        }
        this.maxPixels = maxPixels;
        this.maxMetadataBytes = maxMetadataBytes;
    }

    public ImageProbe(long maxPixels) {
        this(maxPixels, DEFAULT_MAX_METADATA_BYTES);
    }

    public ImageProbe() {
        this(DEFAULT_MAX_PIXELS);
    }

    /** The most bytes {@link #probe(InputStream)} reads: a caller that reads them again marks this much. */
    public int maxReadBytes() {
        return maxMetadataBytes + AFTER_HEADER_BYTES;
    }

    /**
     * {@link #probe(byte[], int)} of the stream's start: the first {@link #HEADER_BYTES}, and for a JPEG whose
     * metadata runs on past them, on to its image data (the segments are followed by their lengths), up to the
     * metadata limit. Consumes what it reads.
     *
     * @throws PicPeakException IMAGE_TOO_LARGE when a JPEG's metadata is larger than the limit, and as {@link #probe(byte[], int)}
     */
    public ImageHeader probe(InputStream in) throws IOException {
        byte[] head = in.readNBytes(HEADER_BYTES);
        boolean more = head.length == HEADER_BYTES;
        long end = jpegHeaderEnd(head, head.length);
        while (more && end > head.length) {
            if (end > maxMetadataBytes) {
                throw new PicPeakException(ErrorCode.IMAGE_TOO_LARGE, "the JPEG's metadata before its image data is "
                        + "larger than the limit of " + maxMetadataBytes + " bytes (PICPEAK_MAX_METADATA_BYTES): export "
                        + "it without the extra metadata (e.g. exiftool -xmp:all= -photoshop:all=), or raise the limit");
            }
            int wanted = (int) Math.min(maxReadBytes(), Math.max(end + AFTER_HEADER_BYTES, 2L * head.length));
            byte[] rest = in.readNBytes(wanted - head.length);
            more = rest.length == wanted - head.length;
            byte[] longer = Arrays.copyOf(head, head.length + rest.length);
            System.arraycopy(rest, 0, longer, head.length, rest.length);
            head = longer;
            end = jpegHeaderEnd(head, head.length);
        }
        return probe(head, head.length);
    }

    /**
     * Type by magic bytes only. Throws UNSUPPORTED_MEDIA_TYPE (415) naming what was found (HEIC
     * with the advice to convert to JPEG), EMPTY_FILE for length 0.
     */
    public static ImageType detectType(byte[] head, int length) {
        checkBounds(head, length);
        if (length == 0) {
            throw new PicPeakException(ErrorCode.EMPTY_FILE, "the file is empty (0 bytes); upload the photo again");
        }
        Optional<ImageType> type = sniff(head, length);
        if (type.isEmpty()) {
            throw new PicPeakException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    SUPPORTED + " (found " + describe(head, length) + "); upload the photo as JPEG, PNG or WebP");
        }
        if (type.get() == ImageType.HEIC) {
            throw new PicPeakException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "HEIC/HEIF image (brand '"
                    + majorBrand(head) + "') cannot be decoded here; convert it to JPEG and upload it again "
                    + "(on an iPhone: Settings > Camera > Formats > Most Compatible)");
        }
        return type.get();
    }

    /**
     * The type the magic bytes announce, HEIC included, without throwing; empty when it is none of
     * {@link ImageType}. For callers that must tell HEIC apart (e.g. to serve a stored one).
     */
    public static Optional<ImageType> sniff(byte[] head, int length) {
        checkBounds(head, length);
        if (startsWith(head, length, 0, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(ImageType.JPEG);
        }
        if (startsWith(head, length, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(ImageType.PNG);
        }
        if (startsWith(head, length, 0, 'R', 'I', 'F', 'F') && startsWith(head, length, 8, 'W', 'E', 'B', 'P')) {
            return Optional.of(ImageType.WEBP);
        }
        if (isFtyp(head, length) && !isAvif(head, length)) {
            // AVIF shares the HEIF container (and the mif1 brand) but is AV1, not HEVC: not HEIC.
            if (HEIF_BRANDS.contains(majorBrand(head))
                    || compatibleBrands(head, length).stream().anyMatch(HEIF_BRANDS::contains)) {
                return Optional.of(ImageType.HEIC);
            }
        }
        return Optional.empty();
    }

    /**
     * Type, dimensions, EXIF orientation and taken-at from the first {@code length} bytes of the
     * file, without decoding pixels. Refuses more than {@code maxPixels} pixels (IMAGE_TOO_LARGE)
     * and a header not complete within the bytes given (CORRUPT_IMAGE). Metadata is best effort:
     * EXIF that lies beyond the bytes given (WebP keeps it at the end) reads as absent.
     */
    public ImageHeader probe(byte[] head, int length) {
        ImageType type = detectType(head, length);
        int[] size = dimensions(head, length, type);
        int width = size[0];
        int height = size[1];
        if (width <= 0 || height <= 0) {
            throw new PicPeakException(ErrorCode.CORRUPT_IMAGE, "the " + type + " header declares "
                    + width + " x " + height + " pixels; the file is damaged: export it again");
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new PicPeakException(ErrorCode.IMAGE_TOO_LARGE, "the image is " + width + " x " + height
                    + " pixels (" + pixels + "), more than the limit of " + maxPixels
                    + " pixels; resize it to fewer pixels and upload it again");
        }
        Metadata metadata = metadata(head, length, type);
        long headerEnd = type == ImageType.JPEG ? jpegHeaderEnd(head, length) : -1;
        return new ImageHeader(type, width, height, orientation(metadata), takenAt(metadata),
                headerEnd > 0 && headerEnd <= length ? (int) headerEnd : 0);
    }

    /**
     * Where a JPEG's header ends: after the header of its first scan (SOS), each segment before it skipped by its
     * length. More than {@code length} when the bytes given end inside the header (then at least that many are
     * needed); -1 when they are not a JPEG whose segments can be followed (the decoder then says what is wrong).
     */
    static long jpegHeaderEnd(byte[] b, int length) {
        if (length < 3 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return -1;
        }
        int at = 2;
        while (true) {
            if (at >= length) {
                return (long) at + 2;
            }
            if ((b[at] & 0xFF) != 0xFF) {
                return -1;
            }
            while (at < length && (b[at] & 0xFF) == 0xFF) { // a marker, after any fill bytes
                at++;
            }
            if (at >= length) {
                return (long) at + 1;
            }
            int marker = b[at++] & 0xFF;
            if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD8) {
                continue; // TEM, RSTn, SOI: no length
            }
            if (marker == 0x00 || marker == 0xD9) {
                return -1; // no marker, or the end of the image before any scan
            }
            if (at + 2 > length) {
                return (long) at + 2;
            }
            int segmentLength = (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
            if (segmentLength < 2) {
                return -1;
            }
            long next = (long) at + segmentLength;
            if (marker == 0xDA || next > length) {
                return next; // the scan's data starts here; or the segment ends past the bytes given
            }
            at = (int) next;
        }
    }

    private static int[] dimensions(byte[] head, int length, ImageType type) {
        try (ImageInputStream iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(head, 0, length))) {
            ImageReader reader = ImageReaders.forType(iis, type);
            try {
                reader.setInput(iis, true, true);
                return new int[]{reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof PicPeakException p) {
                throw p;
            }
            throw new PicPeakException(ErrorCode.CORRUPT_IMAGE, "no complete " + type + " header in the first "
                    + length + " bytes (" + e.getMessage() + "); the file is damaged or cut short: export it again",
                    e);
        }
    }

    private static Metadata metadata(byte[] head, int length, ImageType type) {
        try (InputStream in = new ByteArrayInputStream(head, 0, length)) {
            return switch (type) {
                case JPEG -> JpegMetadataReader.readMetadata(in);
                case PNG -> PngMetadataReader.readMetadata(in);
                case WEBP -> WebpMetadataReader.readMetadata(in);
                case HEIC -> new Metadata();
            };
        } catch (ImageProcessingException | IOException | RuntimeException e) {
            // Orientation and date are nice to have; a photo is not refused for odd metadata.
            return new Metadata();
        }
    }

    private static int orientation(Metadata metadata) {
        for (ExifIFD0Directory ifd0 : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
            if (ifd0.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                try {
                    int value = ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION);
                    return value >= 1 && value <= 8 ? value : 1;
                } catch (MetadataException e) {
                    return 1;
                }
            }
        }
        return 1;
    }

    private static Optional<Instant> takenAt(Metadata metadata) {
        for (ExifSubIFDDirectory exif : metadata.getDirectoriesOfType(ExifSubIFDDirectory.class)) {
            Date date = exif.getDateOriginal();
            if (date != null) {
                return Optional.of(date.toInstant());
            }
        }
        return Optional.empty();
    }

    /** Names a refused file's format for the error message. */
    static String describe(byte[] b, int n) {
        if (startsWith(b, n, 0, 'G', 'I', 'F', '8')) {
            return "a GIF image";
        }
        if (startsWith(b, n, 0, 'B', 'M')) {
            return "a BMP image";
        }
        if (startsWith(b, n, 0, 'I', 'I', 0x2A, 0x00) || startsWith(b, n, 0, 'M', 'M', 0x00, 0x2A)) {
            return "a TIFF image or camera raw file";
        }
        if (startsWith(b, n, 0, '%', 'P', 'D', 'F')) {
            return "a PDF document";
        }
        if (startsWith(b, n, 0, 'P', 'K', 3, 4) || startsWith(b, n, 0, 'P', 'K', 5, 6)) {
            return "a ZIP archive";
        }
        if (startsWith(b, n, 0, 0x1F, 0x8B)) {
            return "a gzip archive";
        }
        if (startsWith(b, n, 0, 0xFF, 0x0A) || startsWith(b, n, 4, 'J', 'X', 'L', ' ')) {
            return "a JPEG XL image";
        }
        if (startsWith(b, n, 0, 'R', 'I', 'F', 'F') && n >= 12) {
            return "a RIFF '" + ascii(b, 8, 4) + "' file";
        }
        if (isFtyp(b, n)) {
            if (isAvif(b, n)) {
                return "an AVIF image";
            }
            return "a video or ISO media file (brand '" + majorBrand(b) + "')";
        }
        if (n < 4) {
            return "only " + n + " byte" + (n == 1 ? "" : "s");
        }
        if (looksLikeText(b, n)) {
            return "text";
        }
        StringBuilder hex = new StringBuilder("bytes");
        for (int i = 0; i < Math.min(n, 8); i++) {
            hex.append(String.format(" %02X", b[i] & 0xFF));
        }
        return hex.toString();
    }

    private static boolean isFtyp(byte[] b, int n) {
        return n >= 12 && startsWith(b, n, 4, 'f', 't', 'y', 'p');
    }

    private static boolean isAvif(byte[] b, int n) {
        return AVIF_BRANDS.contains(majorBrand(b)) || compatibleBrands(b, n).stream().anyMatch(AVIF_BRANDS::contains);
    }

    private static String majorBrand(byte[] b) {
        return ascii(b, 8, 4);
    }

    /** Compatible brands of the ftyp box: from offset 16 to the box's end (or the bytes given). */
    private static List<String> compatibleBrands(byte[] b, int n) {
        long boxSize = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        int end = (int) Math.min(Math.min(boxSize, n), 4096);
        List<String> brands = new ArrayList<>();
        for (int i = 16; i + 4 <= end; i += 4) {
            brands.add(ascii(b, i, 4));
        }
        return brands;
    }

    private static boolean looksLikeText(byte[] b, int n) {
        int limit = Math.min(n, 512);
        for (int i = 0; i < limit; i++) {
            int c = b[i] & 0xFF;
            boolean printable = c >= 0x20 && c != 0x7F || c == '\n' || c == '\r' || c == '\t' || c == 0x0C;
            if (!printable) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] b, int offset, int count) {
        StringBuilder s = new StringBuilder(count);
        for (int i = offset; i < offset + count; i++) {
            int c = b[i] & 0xFF;
            s.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return s.toString();
    }

    private static boolean startsWith(byte[] b, int n, int offset, int... magic) {
        if (n < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[offset + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static void checkBounds(byte[] head, int length) {
        if (head == null) {
            throw new NullPointerException("head");
        }
        if (length < 0 || length > head.length) {
            throw new IllegalArgumentException("length " + length + " outside 0.." + head.length);
        }
    }
}
