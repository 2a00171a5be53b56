package com.picpeak.protect;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Writes a fingerprint identifier into a JPEG or PNG as XMP metadata ({@code picpeak:fingerprint}), and reads
 * it back from a file. The image data is not touched: the XMP block is inserted while the bytes stream
 * through (a JPEG APP1 segment after the application segments the file starts with, a PNG iTXt chunk after
 * IHDR), so the served length is the stored length plus {@link #addedBytes}, known before the first byte, and
 * memory stays constant whatever the size of the image.
 */
public final class Fingerprints {
    static final String XMP_NAMESPACE = "https://picpeak.app/ns/1.0/";
    private static final byte[] JPEG_XMP_HEADER = "http://ns.adobe.com/xap/1.0/\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final String PNG_XMP_KEYWORD = "XML:com.adobe.xmp";
    /** The IHDR chunk's length (13) and type, which must follow the signature. */
    private static final byte[] IHDR_CHUNK_START = {0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    /** How much of a JPEG's leading application segments is passed before the fingerprint goes in regardless. */
    private static final int MAX_LEADING_SEGMENT_BYTES = 512 * 1024;
    /** PNG signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC). */
    private static final int PNG_HEAD_BYTES = 33;
    private static final Pattern ID_PATTERN = Pattern.compile("picpeak:fingerprint=\"([A-Za-z0-9_-]{1,64})\"");
    /** How far into a file the reader looks for the XMP block: metadata sits before the image data. */
    private static final int SCAN_LIMIT = 1 << 20;

    private Fingerprints() {
    }

    /** Whether an identifier can be written into this type of image without decoding it. */
    public static boolean canEmbed(String contentType) {
        return "image/jpeg".equals(contentType) || "image/png".equals(contentType);
    }

    /** Bytes the embedding adds to an image of this type. */
    public static long addedBytes(String contentType, String id) {
        return segment(contentType, id).length;
    }

    /**
     * The image from {@code in} with the identifier inserted, as a stream read lazily from {@code in}.
     *
     * @throws IOException when the data is not a JPEG or PNG of the given type
     */
    public static InputStream embed(String contentType, InputStream in, String id) throws IOException {
        byte[] segment = segment(contentType, id);
        DataInputStream data = new DataInputStream(in);
        ByteArrayOutputStream head = new ByteArrayOutputStream(64);
        if ("image/jpeg".equals(contentType)) {
            byte[] soi = readExactly(data, 2);
            if ((soi[0] & 0xFF) != 0xFF || (soi[1] & 0xFF) != 0xD8) {
                throw new IOException("not a JPEG: no SOI marker");
            }
            head.write(soi);
            // After the application segments already there (JFIF, EXIF, which readers expect right after SOI,
            // the photographer's own XMP, ICC profile ...), so they keep their places and are read first.
            byte[] next = readExactly(data, 4);
            while ((next[0] & 0xFF) == 0xFF && (next[1] & 0xFF) >= 0xE0 && (next[1] & 0xFF) <= 0xEF
                    && head.size() < MAX_LEADING_SEGMENT_BYTES) {
                int length = ((next[2] & 0xFF) << 8) | (next[3] & 0xFF);
                if (length < 2) {
                    throw new IOException("not a JPEG: a segment of length " + length);
                }
                head.write(next);
                head.write(readExactly(data, length - 2));
                next = readExactly(data, 4);
            }
            head.write(segment);
            head.write(next);
        } else if ("image/png".equals(contentType)) {
            byte[] start = readExactly(data, PNG_HEAD_BYTES);
            for (int i = 0; i < PNG_SIGNATURE.length; i++) {
                if (start[i] != PNG_SIGNATURE[i] || start[i + 8] != IHDR_CHUNK_START[i]) {
                    throw new IOException("not a standard PNG: no signature, or IHDR is not its first chunk");
                }
            }
            head.write(start);
            head.write(segment);
        } else {
            throw new IllegalArgumentException("cannot embed a fingerprint into " + contentType);
        }
        return new SequenceInputStream(new ByteArrayInputStream(head.toByteArray()), in);
    }

    /** The identifier written into the file by {@link #embed}, if any (JPEG or PNG, found by its magic bytes). */
    public static Optional<String> read(InputStream in) throws IOException {
        byte[] head = in.readNBytes(SCAN_LIMIT);
        String text = new String(head, StandardCharsets.ISO_8859_1);
        int xmp = text.indexOf("xmlns:picpeak=\"" + XMP_NAMESPACE + "\"");
        if (xmp < 0 || !(isJpeg(head) || isPng(head))) {
            return Optional.empty();
        }
        Matcher matcher = ID_PATTERN.matcher(text);
        return matcher.find(xmp) ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    static String xmpPacket(String id) {
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("a fingerprint id is 1-64 of A-Z a-z 0-9 _ -");
        }
        return "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
                + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                + "<rdf:Description rdf:about=\"\" xmlns:picpeak=\"" + XMP_NAMESPACE + "\" picpeak:fingerprint=\"" + id
                + "\"/></rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";
    }

    private static byte[] segment(String contentType, String id) {
        byte[] packet = xmpPacket(id).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(packet.length + 64);
        if ("image/jpeg".equals(contentType)) {
            int length = 2 + JPEG_XMP_HEADER.length + packet.length;
            out.write(0xFF);
            out.write(0xE1);
            out.write(length >> 8);
            out.write(length & 0xFF);
            out.writeBytes(JPEG_XMP_HEADER);
            out.writeBytes(packet);
        } else if ("image/png".equals(contentType)) {
            // iTXt: keyword \0, compression flag 0, method 0, language tag "" \0, translated keyword "" \0, text
            ByteArrayOutputStream body = new ByteArrayOutputStream(packet.length + 32);
            body.writeBytes("iTXt".getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(PNG_XMP_KEYWORD.getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(new byte[] {0, 0, 0, 0, 0});
            body.writeBytes(packet);
            byte[] chunk = body.toByteArray();
            int dataLength = chunk.length - 4;
            out.writeBytes(new byte[] {(byte) (dataLength >>> 24), (byte) (dataLength >>> 16), (byte) (dataLength >>> 8),
                    (byte) dataLength});
            out.writeBytes(chunk);
            CRC32 crc = new CRC32();
            crc.update(chunk);
            long value = crc.getValue();
            out.writeBytes(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        } else {
            throw new IllegalArgumentException("cannot embed a fingerprint into " + contentType);
        }
        return out.toByteArray();
    }

    private static byte[] readExactly(DataInputStream in, int n) throws IOException {
        byte[] bytes = new byte[n];
        try {
            in.readFully(bytes);
        } catch (EOFException e) {
            throw new IOException("the image ends after fewer than " + n + " bytes", e);
        }
        return bytes;
    }

    private static boolean isJpeg(byte[] head) {
        return head.length > 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8;
    }

    private static boolean isPng(byte[] head) {
        if (head.length < PNG_SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (head[i] != PNG_SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }
}
