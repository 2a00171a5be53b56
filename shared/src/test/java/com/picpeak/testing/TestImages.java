package com.picpeak.testing;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/** Test images generated in code (no binary fixtures beyond a 1x1 WebP). */
public final class TestImages {
    public static final Color RED = new Color(255, 0, 0);
    public static final Color GREEN = new Color(0, 255, 0);
    public static final Color BLUE = new Color(0, 0, 255);
    public static final Color YELLOW = new Color(255, 255, 0);

    /** A 1x1 lossy WebP, grey (0x82, 0x82, 0x82): the well-known feature-detection sample. */
    public static final byte[] WEBP_1X1_LOSSY = Base64.getDecoder()
            .decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA");
    /** A 1x1 lossless WebP, fully transparent. */
    public static final byte[] WEBP_1X1_LOSSLESS = Base64.getDecoder()
            .decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");

    private TestImages() {
    }

    /** Four solid quadrants: top-left, top-right, bottom-left, bottom-right. */
    public static BufferedImage quadrants(int width, int height, Color tl, Color tr, Color bl, Color br) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(tl);
        g.fillRect(0, 0, width / 2, height / 2);
        g.setColor(tr);
        g.fillRect(width / 2, 0, width - width / 2, height / 2);
        g.setColor(bl);
        g.fillRect(0, height / 2, width / 2, height - height / 2);
        g.setColor(br);
        g.fillRect(width / 2, height / 2, width - width / 2, height - height / 2);
        g.dispose();
        return image;
    }

    /** Equal vertical bands of the given colours, left to right. */
    public static BufferedImage bands(int width, int height, Color... colours) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int i = 0; i < colours.length; i++) {
            g.setColor(colours[i]);
            int x0 = width * i / colours.length;
            g.fillRect(x0, 0, width * (i + 1) / colours.length - x0, height);
        }
        g.dispose();
        return image;
    }

    /** Red left half, blue right half, with noise so the compressed data is spread over the whole file. */
    public static BufferedImage noisyHalves(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int base = x < width / 2 ? 0xE00000 : 0x0000E0;
                image.setRGB(x, y, base | random.nextInt(0x20) << 16 | random.nextInt(0x20) << 8 | random.nextInt(0x20));
            }
        }
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] jpeg(BufferedImage image) {
        return encode(image, "jpeg");
    }

    /** A PNG of random pixels: it does not compress, so its size is about 3 bytes a pixel. */
    public static byte[] noisePng(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return png(image);
    }

    public static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    /**
     * The JPEG with an APP1 Exif segment inserted after the JFIF APP0: IFD0 holds the orientation
     * and, when {@code dateTimeOriginal} is given ("yyyy:MM:dd HH:mm:ss"), a pointer to an Exif
     * sub-IFD holding DateTimeOriginal. Big-endian TIFF, written by hand.
     */
    public static byte[] withExif(byte[] jpeg, int orientation, String dateTimeOriginal) {
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        DataOutputStream t = new DataOutputStream(tiff);
        try {
            t.writeBytes("MM");
            t.writeShort(42);
            t.writeInt(8);                                  // IFD0 at offset 8
            boolean withDate = dateTimeOriginal != null;
            int ifd0Entries = withDate ? 2 : 1;
            int subIfdOffset = 8 + 2 + ifd0Entries * 12 + 4;
            t.writeShort(ifd0Entries);
            t.writeShort(0x0112);                           // Orientation, SHORT, 1
            t.writeShort(3);
            t.writeInt(1);
            t.writeShort(orientation);
            t.writeShort(0);
            if (withDate) {
                t.writeShort(0x8769);                       // ExifIFDPointer, LONG, 1
                t.writeShort(4);
                t.writeInt(1);
                t.writeInt(subIfdOffset);
            }
            t.writeInt(0);                                  // no IFD1
            if (withDate) {
                int dataOffset = subIfdOffset + 2 + 12 + 4;
                t.writeShort(1);
                t.writeShort(0x9003);                       // DateTimeOriginal, ASCII, 20
                t.writeShort(2);
                t.writeInt(20);
                t.writeInt(dataOffset);
                t.writeInt(0);
                byte[] date = (dateTimeOriginal + "\0").getBytes(StandardCharsets.US_ASCII);
                if (date.length != 20) {
                    throw new IllegalArgumentException("DateTimeOriginal must be 19 characters: " + dateTimeOriginal);
                }
                t.write(date);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = tiff.toByteArray();
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        segment.write(0xFF);
        segment.write(0xE1);
        int length = 2 + 6 + body.length;
        segment.write(length >> 8);
        segment.write(length & 0xFF);
        segment.writeBytes("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
        segment.writeBytes(body);
        return insertAfterApp0(jpeg, segment.toByteArray());
    }

    /** The JPEG with an ICC profile (an APP2 ICC_PROFILE segment, one chunk) after its JFIF APP0. */
    public static byte[] withIccProfile(byte[] jpeg, byte[] profile) {
        byte[] tag = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
        int length = 2 + tag.length + 2 + profile.length;
        if (length > 65_535) {
            throw new IllegalArgumentException("a one-chunk ICC profile has at most 65519 bytes");
        }
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        segment.write(0xFF);
        segment.write(0xE2);
        segment.write(length >> 8);
        segment.write(length & 0xFF);
        segment.writeBytes(tag);
        segment.write(1); // chunk 1
        segment.write(1); // of 1
        segment.writeBytes(profile);
        return insertAfterApp0(jpeg, segment.toByteArray());
    }

    /**
     * The JPEG with {@code bytes} (rounded up to whole segments) of APP9 segments after its JFIF APP0, before
     * everything else: metadata as large as cameras and editors write (extended XMP, ICC profiles, previews)
     * between the file's start and its frame header.
     */
    public static byte[] withMetadata(byte[] jpeg, int bytes) {
        ByteArrayOutputStream segments = new ByteArrayOutputStream(bytes + 65_536);
        int seed = 0;
        while (segments.size() < bytes) {
            int payload = 65_533;
            segments.write(0xFF);
            segments.write(0xE9);
            segments.write((payload + 2) >> 8);
            segments.write((payload + 2) & 0xFF);
            for (int i = 0; i < payload; i++) {
                segments.write((i * 31 + seed) & 0x7F); // never 0xFF: no marker inside
            }
            seed++;
        }
        return insertAfterApp0(jpeg, segments.toByteArray());
    }

    /** Decodes image bytes (a served thumbnail or hero) for assertions on size and pixels. */
    public static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException("not a decodable image (" + bytes.length + " bytes)");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] insertAfterApp0(byte[] jpeg, byte[] segment) {
        int at = 2;
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            at = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
        }
        return concat(Arrays.copyOf(jpeg, at), segment, Arrays.copyOfRange(jpeg, at, jpeg.length));
    }

    /** A PNG signature plus an IHDR chunk (8-bit RGB) with a correct CRC, and nothing else. */
    public static byte[] pngHeaderOnly(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(out);
        try {
            d.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
            d.writeInt(13);
            ByteArrayOutputStream chunk = new ByteArrayOutputStream();
            DataOutputStream c = new DataOutputStream(chunk);
            c.writeBytes("IHDR");
            c.writeInt(width);
            c.writeInt(height);
            c.write(new byte[]{8, 2, 0, 0, 0});
            byte[] typeAndData = chunk.toByteArray();
            d.write(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            d.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An ISO-BMFF ftyp box: major brand, minor version 0, compatible brands. */
    public static byte[] ftyp(String major, String... compatible) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(out);
        try {
            d.writeInt(16 + 4 * compatible.length);
            d.writeBytes("ftyp");
            d.writeBytes(major);
            d.writeInt(0);
            for (String brand : compatible) {
                d.writeBytes(brand);
            }
            d.write(new byte[64]);                          // the start of the next box
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Where {@code needle} first stands in {@code haystack} (a failed assertion when it does not). */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    /**
     * A JPEG grown to {@code size} bytes by application segments (APP15) after its start marker: decoders skip them,
     * so a photo of camera size costs no pixels to make or to scale. Keep {@code size} under the probe's metadata
     * limit (16 MiB by default).
     */
    public static byte[] padded(byte[] jpeg, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(jpeg, 0, 2); // SOI
        int room = size - jpeg.length;
        while (room > 4) {
            int payload = Math.min(65_533, room - 4);
            out.write(0xFF);
            out.write(0xEF);
            out.write((payload + 2) >> 8);
            out.write((payload + 2) & 0xFF);
            out.write(new byte[payload], 0, payload);
            room -= payload + 4;
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
