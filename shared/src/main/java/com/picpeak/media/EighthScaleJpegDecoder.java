package com.picpeak.media;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes a baseline JPEG at 1/8 of its size from the DC coefficients alone, the way libjpeg's 1/8 scaled decode
 * (what vipsthumbnail's shrink-on-load asks for) does: the DC coefficient of an 8x8 block is its mean, so each
 * pixel of the result is the exact area average of an 8x8 block of the original, with no inverse DCT and no
 * full-size raster. The AC coefficients are entropy-decoded only to be skipped.
 *
 * <p>Only what this decodes the same as the JDK's reader is taken: 8-bit Huffman (SOF0/SOF1), one interleaved
 * scan of all components, grey or YCbCr (JFIF, or Adobe with transform 1), no ICC profile (the general path
 * converts those to sRGB). For anything else {@link #decode} answers null having read only the header, and the
 * stream is {@linkplain BufferedInputStream#reset() reset} for the general decoder. Memory is that of the
 * 1/8 image. Not thread-safe; one instance per decode.
 */
final class EighthScaleJpegDecoder {
    private static final int LOOKAHEAD = 9;

    private final BufferedInputStream in;
    private final int[] dcQuant = new int[4];
    private final boolean[] quantDefined = new boolean[4];
    /** The size the probe read (and its pixel guard allowed); a frame declaring another is not decoded here. */
    private final int expectedWidth;
    private final int expectedHeight;
    private final HuffmanTable[] dcTables = new HuffmanTable[4];
    private final HuffmanTable[] acTables = new HuffmanTable[4];
    private int restartInterval;
    private int width;
    private int height;
    private Component[] components;
    private boolean adobe;
    private int adobeTransform = -1;
    private boolean iccProfile;
    private boolean rgbIds;

    private EighthScaleJpegDecoder(BufferedInputStream in, int expectedWidth, int expectedHeight) {
        this.in = in;
        this.expectedWidth = expectedWidth;
        this.expectedHeight = expectedHeight;
    }

    /**
     * The image at 1/8 scale ({@code ceil(width/8) x ceil(height/8)}), or null when this JPEG is not one this
     * decoder takes: then {@code in} is reset to where it was (it must support mark; {@code headerLimit} bytes are
     * kept for the reset). Throws EOFException when the data ends before the end-of-image marker, IOException when
     * the entropy-coded data is damaged.
     */
    static BufferedImage decode(BufferedInputStream in, int headerLimit) throws IOException {
        return decode(in, headerLimit, -1, -1);
    }

    /**
     * As {@link #decode(BufferedInputStream, int)}, declining (null) a frame whose size is not {@code width} x
     * {@code height}: the size the probe read and its pixel guard allowed. Two parsers of one file must agree on
     * what it is, or a crafted file could pass the guard with one size and be decoded with another.
     */
    static BufferedImage decode(BufferedInputStream in, int headerLimit, int width, int height) throws IOException {
        in.mark(headerLimit);
        EighthScaleJpegDecoder decoder = new EighthScaleJpegDecoder(in, width, height);
        if (!decoder.readHeaderToScan(headerLimit)) {
            in.reset();
            return null;
        }
        return decoder.decodeScan();
    }

    private static final class Component {
        int id;
        int h;
        int v;
        int quant;
        int dcTable;
        int acTable;
        int blocksPerLine;
        int blocksPerColumn;
        int[] dc;
        int predictor;
    }

    /** Reads the segments up to the first scan's data; false (nothing decided yet) when this decoder does not take the file. */
    private boolean readHeaderToScan(int headerLimit) throws IOException {
        long read = 0;
        if (in.read() != 0xFF || in.read() != 0xD8) {
            return false;
        }
        read += 2;
        while (true) {
            int b = in.read();
            read++;
            if (b != 0xFF) {
                return false; // a stray byte where a marker belongs: libjpeg skips it, so leave the file to it
            }
            while (b == 0xFF) {
                b = in.read(); // fill bytes
                read++;
            }
            if (b < 0) {
                return false;
            }
            int marker = b;
            int length = (in.read() << 8) | in.read();
            read += 3;
            if (length < 2 || read + length > headerLimit) {
                return false;
            }
            byte[] segment = in.readNBytes(length - 2);
            read += length;
            if (segment.length != length - 2) {
                return false;
            }
            switch (marker) {
                case 0xC0, 0xC1 -> {
                    if (!frame(segment)) {
                        return false;
                    }
                }
                case 0xC4 -> {
                    if (!huffman(segment)) {
                        return false;
                    }
                }
                case 0xDB -> {
                    if (!quantization(segment)) {
                        return false;
                    }
                }
                case 0xDD -> {
                    if (segment.length != 2) {
                        return false;
                    }
                    restartInterval = ((segment[0] & 0xFF) << 8) | (segment[1] & 0xFF);
                }
                case 0xE2 -> iccProfile |= startsWith(segment, "ICC_PROFILE");
                case 0xEE -> {
                    if (startsWith(segment, "Adobe") && segment.length >= 12) {
                        adobe = true;
                        adobeTransform = segment[11] & 0xFF;
                    }
                }
                case 0xDA -> {
                    return scan(segment);
                }
                default -> {
                    if (marker >= 0xC2 && marker <= 0xCF) {
                        return false; // progressive, lossless, arithmetic: the general decoder
                    }
                    if (marker < 0xC0 || marker == 0xD8 || marker == 0xD9 || (marker >= 0xD0 && marker <= 0xD7)) {
                        return false;
                    }
                }
            }
        }
    }

    private static boolean startsWith(byte[] segment, String text) {
        if (segment.length < text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (segment[i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean frame(byte[] s) {
        if (s.length < 6 || (s[0] & 0xFF) != 8 || components != null) {
            return false;
        }
        height = ((s[1] & 0xFF) << 8) | (s[2] & 0xFF);
        width = ((s[3] & 0xFF) << 8) | (s[4] & 0xFF);
        int count = s[5] & 0xFF;
        if (expectedWidth >= 0 && (width != expectedWidth || height != expectedHeight)) {
            return false;
        }
        if (width == 0 || height == 0 || (count != 1 && count != 3) || s.length < 6 + 3 * count) {
            return false;
        }
        components = new Component[count];
        for (int i = 0; i < count; i++) {
            Component c = new Component();
            c.id = s[6 + 3 * i] & 0xFF;
            c.h = (s[7 + 3 * i] & 0xFF) >> 4;
            c.v = s[7 + 3 * i] & 0x0F;
            c.quant = s[8 + 3 * i] & 0xFF;
            if (c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.quant > 3) {
                return false;
            }
            components[i] = c;
        }
        rgbIds = count == 3 && components[0].id == 'R' && components[1].id == 'G' && components[2].id == 'B';
        return true;
    }

    private boolean quantization(byte[] s) {
        int at = 0;
        while (at < s.length) {
            int precision = (s[at] & 0xFF) >> 4;
            int id = s[at] & 0x0F;
            if (id > 3 || precision > 1) {
                return false;
            }
            int entry = precision == 0 ? 1 : 2;
            if (at + 1 + 64 * entry > s.length) {
                return false;
            }
            dcQuant[id] = precision == 0 ? s[at + 1] & 0xFF : ((s[at + 1] & 0xFF) << 8) | (s[at + 2] & 0xFF);
            quantDefined[id] = true;
            at += 1 + 64 * entry;
        }
        return true;
    }

    private boolean huffman(byte[] s) {
        int at = 0;
        while (at < s.length) {
            if (at + 17 > s.length) {
                return false;
            }
            int tableClass = (s[at] & 0xFF) >> 4;
            int id = s[at] & 0x0F;
            if (tableClass > 1 || id > 3) {
                return false;
            }
            int[] counts = new int[17];
            int total = 0;
            for (int i = 1; i <= 16; i++) {
                counts[i] = s[at + i] & 0xFF;
                total += counts[i];
            }
            if (total > 256 || at + 17 + total > s.length) {
                return false;
            }
            int[] symbols = new int[total];
            for (int i = 0; i < total; i++) {
                symbols[i] = s[at + 17 + i] & 0xFF;
                if (tableClass == 0 && symbols[i] > 15) {
                    return false; // a DC difference has at most 15 bits: libjpeg calls such a table bogus
                }
            }
            HuffmanTable table = HuffmanTable.of(counts, symbols);
            if (table == null) {
                return false;
            }
            (tableClass == 0 ? dcTables : acTables)[id] = table;
            at += 17 + total;
        }
        return true;
    }

    private boolean scan(byte[] s) {
        if (components == null || iccProfile || rgbIds) {
            return false;
        }
        if (components.length == 3 && adobe && adobeTransform != 1) {
            return false; // RGB stored as is (transform 0) or YCCK
        }
        int count = s.length > 0 ? s[0] & 0xFF : 0;
        if (count != components.length || s.length < 1 + 2 * count + 3) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            int id = s[1 + 2 * i] & 0xFF;
            Component c = components[i];
            if (c.id != id) {
                return false;
            }
            c.dcTable = (s[2 + 2 * i] & 0xFF) >> 4;
            c.acTable = s[2 + 2 * i] & 0x0F;
            if (c.dcTable > 3 || c.acTable > 3 || dcTables[c.dcTable] == null || acTables[c.acTable] == null
                    || !quantDefined[c.quant]) {
                return false;
            }
        }
        int spectralStart = s[1 + 2 * count] & 0xFF;
        int spectralEnd = s[2 + 2 * count] & 0xFF;
        int approximation = s[3 + 2 * count] & 0xFF;
        return spectralStart == 0 && spectralEnd == 63 && approximation == 0;
    }

    private BufferedImage decodeScan() throws IOException {
        int maxH = 1;
        int maxV = 1;
        for (Component c : components) {
            maxH = Math.max(maxH, c.h);
            maxV = Math.max(maxV, c.v);
        }
        boolean single = components.length == 1;
        int mcusPerLine = single ? (width + 7) / 8 : (width + 8 * maxH - 1) / (8 * maxH);
        int mcusPerColumn = single ? (height + 7) / 8 : (height + 8 * maxV - 1) / (8 * maxV);
        for (Component c : components) {
            c.blocksPerLine = single ? mcusPerLine : mcusPerLine * c.h;
            c.blocksPerColumn = single ? mcusPerColumn : mcusPerColumn * c.v;
            c.dc = new int[c.blocksPerLine * c.blocksPerColumn];
        }
        BitReader bits = new BitReader(in);
        int mcus = mcusPerLine * mcusPerColumn;
        int untilRestart = restartInterval;
        for (int mcu = 0; mcu < mcus; mcu++) {
            if (restartInterval > 0) {
                if (untilRestart == 0) {
                    bits.restart();
                    for (Component c : components) {
                        c.predictor = 0;
                    }
                    untilRestart = restartInterval;
                }
                untilRestart--;
            }
            int mcuX = mcu % mcusPerLine;
            int mcuY = mcu / mcusPerLine;
            for (Component c : components) {
                HuffmanTable dcTable = dcTables[c.dcTable];
                HuffmanTable acTable = acTables[c.acTable];
                int blocksH = single ? 1 : c.h;
                int blocksV = single ? 1 : c.v;
                for (int by = 0; by < blocksV; by++) {
                    int row = mcuY * blocksV + by;
                    for (int bx = 0; bx < blocksH; bx++) {
                        int size = bits.decode(dcTable);
                        int diff = size == 0 ? 0 : bits.extend(bits.receive(size), size);
                        c.predictor += diff;
                        c.dc[row * c.blocksPerLine + mcuX * blocksH + bx] = c.predictor;
                        skipAc(bits, acTable);
                    }
                }
            }
        }
        bits.toEndOfImage();
        return image(maxH, maxV);
    }

    private static void skipAc(BitReader bits, HuffmanTable table) throws IOException {
        for (int k = 1; k < 64; ) {
            int rs = bits.decode(table);
            int run = rs >> 4;
            int size = rs & 0x0F;
            if (size == 0) {
                if (run != 15) {
                    return; // end of block
                }
                k += 16;
            } else {
                bits.skip(size);
                k += run + 1;
            }
        }
    }

    private BufferedImage image(int maxH, int maxV) {
        int w = (width + 7) / 8;
        int h = (height + 7) / 8;
        if (components.length == 1) {
            Component c = components[0];
            BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            byte[] out = ((DataBufferByte) grey.getRaster().getDataBuffer()).getData();
            int q = dcQuant[c.quant];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (byte) clamp(level(c.dc[y * c.blocksPerLine + x], q));
                }
            }
            return grey;
        }
        Component luma = components[0];
        Component cb = components[1];
        Component cr = components[2];
        int qY = dcQuant[luma.quant];
        int qCb = dcQuant[cb.quant];
        int qCr = dcQuant[cr.quant];
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            int rowY = (y * luma.v / maxV) * luma.blocksPerLine;
            int rowCb = (y * cb.v / maxV) * cb.blocksPerLine;
            int rowCr = (y * cr.v / maxV) * cr.blocksPerLine;
            for (int x = 0; x < w; x++) {
                float yy = level(luma.dc[rowY + x * luma.h / maxH], qY);
                float u = level(cb.dc[rowCb + x * cb.h / maxH], qCb) - 128f;
                float v = level(cr.dc[rowCr + x * cr.h / maxH], qCr) - 128f;
                int r = clamp(yy + 1.402f * v);
                int g = clamp(yy - 0.344136f * u - 0.714136f * v);
                int b = clamp(yy + 1.772f * u);
                out[y * w + x] = (r << 16) | (g << 8) | b;
            }
        }
        return rgb;
    }

    /** The block's mean sample value: DC x its quantizer / 8, level-shifted by 128. */
    private static float level(int dc, int quant) {
        return dc * quant / 8f + 128f;
    }

    private static int clamp(float value) {
        int rounded = Math.round(value);
        return rounded < 0 ? 0 : Math.min(rounded, 255);
    }

    /** A Huffman table as libjpeg keeps it: a lookahead table for short codes, maxcode/valptr for the rest. */
    private static final class HuffmanTable {
        final int[] lookahead = new int[1 << LOOKAHEAD]; // (length << 8) | symbol, 0 when longer than LOOKAHEAD
        final int[] maxCode = new int[18];
        final int[] valueOffset = new int[17];
        final int[] symbols;

        private HuffmanTable(int[] symbols) {
            this.symbols = symbols;
        }

        static HuffmanTable of(int[] counts, int[] symbols) {
            HuffmanTable t = new HuffmanTable(symbols);
            int code = 0;
            int index = 0;
            for (int length = 1; length <= 16; length++) {
                t.valueOffset[length] = index - code;
                for (int i = 0; i < counts[length]; i++) {
                    if (code + 1 >= (1 << length)) {
                        return null; // more codes than the length has room for (the all-ones code is not one)
                    }
                    if (length <= LOOKAHEAD) {
                        int shift = LOOKAHEAD - length;
                        for (int fill = 0; fill < (1 << shift); fill++) {
                            t.lookahead[(code << shift) | fill] = (length << 8) | symbols[index];
                        }
                    }
                    code++;
                    index++;
                }
                if (code >= (1 << length) && counts[length] > 0) {
                    return null;
                }
                t.maxCode[length] = counts[length] == 0 ? -1 : code - 1;
                code <<= 1;
            }
            t.maxCode[17] = Integer.MAX_VALUE;
            return t;
        }
    }

    /**
     * The entropy-coded bits, with stuffed zero bytes removed. A marker ends the bits (zeros are fed after it, as
     * libjpeg does); the end of the stream before a marker is a truncated file.
     */
    private static final class BitReader {
        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private int position;
        private int limit;
        private long bits;
        private int count;
        private int marker = -1;

        BitReader(InputStream in) {
            this.in = in;
        }

        private int nextByte() throws IOException {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    throw new EOFException("the JPEG data ends inside its image data");
                }
            }
            return buffer[position++] & 0xFF;
        }

        private void fill() throws IOException {
            while (count <= 56) {
                int b = 0;
                if (marker < 0) {
                    b = nextByte();
                    if (b == 0xFF) {
                        int next = nextByte();
                        while (next == 0xFF) {
                            next = nextByte();
                        }
                        if (next != 0) {
                            marker = next;
                            b = 0;
                        }
                    }
                }
                bits |= (long) b << (56 - count);
                count += 8;
            }
        }

        int decode(HuffmanTable table) throws IOException {
            if (count < 16) {
                fill();
            }
            int entry = table.lookahead[(int) (bits >>> (64 - LOOKAHEAD))];
            if (entry != 0) {
                int length = entry >> 8;
                bits <<= length;
                count -= length;
                return entry & 0xFF;
            }
            int length = LOOKAHEAD + 1;
            int code = (int) (bits >>> (64 - length));
            while (code > table.maxCode[length]) {
                length++;
                if (length > 16) {
                    // libjpeg warns ("bad Huffman code") and reads on with 0: a damaged block, not a refused photo
                    bits <<= 16;
                    count -= 16;
                    return 0;
                }
                code = (int) (bits >>> (64 - length));
            }
            bits <<= length;
            count -= length;
            int index = code + table.valueOffset[length];
            if (index < 0 || index >= table.symbols.length) {
                return 0;
            }
            return table.symbols[index];
        }

        int receive(int length) throws IOException {
            if (count < length) {
                fill();
            }
            int value = (int) (bits >>> (64 - length));
            bits <<= length;
            count -= length;
            return value;
        }

        void skip(int length) throws IOException {
            if (count < length) {
                fill();
            }
            bits <<= length;
            count -= length;
        }

        int extend(int value, int length) {
            return value < (1 << (length - 1)) ? value - (1 << length) + 1 : value;
        }

        /** At a restart marker: drop the bits left of the byte and the marker; prediction starts again. */
        void restart() throws IOException {
            bits = 0;
            count = 0;
            if (marker < 0) {
                readMarker();
            }
            if (marker < 0xD0 || marker > 0xD7) {
                // a restart marker is missing: as libjpeg, go on as if it had come (the prediction starts again),
                // leaving the marker found for what follows (zeros are fed until then)
                return;
            }
            marker = -1;
        }

        private void readMarker() throws IOException {
            int b = nextByte();
            while (b != 0xFF) {
                b = nextByte(); // bits after the last code, or garbage, before the marker
            }
            while (b == 0xFF) {
                b = nextByte();
            }
            marker = b;
        }

        /** Reads on to the end-of-image marker (after the scan, only EOI or markers with a length may follow). */
        void toEndOfImage() throws IOException {
            bits = 0;
            count = 0;
            while (true) {
                if (marker < 0) {
                    readMarker();
                }
                if (marker == 0xD9) {
                    return;
                }
                if (marker == 0 || (marker >= 0xD0 && marker <= 0xD7)) {
                    marker = -1; // a stray restart marker: read on
                    continue;
                }
                int length = (nextByte() << 8) | nextByte();
                for (int i = 2; i < length; i++) {
                    nextByte();
                }
                marker = -1;
            }
        }
    }
}
