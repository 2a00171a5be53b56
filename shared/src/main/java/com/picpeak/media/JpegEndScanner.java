package com.picpeak.media;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Follows the JPEG marker structure of the bytes passing through and notes the end-of-image marker
 * (EOI, FF D9). The decoders cannot be trusted to notice a cut-off file: they only warn when they
 * run out of data, and a decode limited to a source region or subsampled rows may stop before the
 * missing part. Segments are skipped by their length (so the EXIF thumbnail's own EOI does not
 * count) and inside entropy-coded data only a real marker is taken (FF 00 is a stuffed byte,
 * FF D0..D7 a restart), so the first EOI seen is the image's. Bytes after it (a motion photo's
 * video, MPF secondary images) are never read by {@link #drainToEnd()}.
 */
final class JpegEndScanner extends FilterInputStream {
    private enum State { SOI_FF, SOI_D8, MARKER_FF, MARKER_CODE, LENGTH_HI, LENGTH_LO, SKIP, ENTROPY, ENTROPY_FF, DONE }

    private State state = State.SOI_FF;
    private int marker;
    private int lengthHigh;
    private long skip;

    JpegEndScanner(InputStream in) {
        super(in);
    }

    /** True once the EOI marker of the primary image has passed through. */
    boolean sawEnd() {
        return state == State.DONE;
    }

    /** Reads on (bytes are discarded) until the EOI marker or the end of the stream; true if EOI was found. */
    boolean drainToEnd() throws IOException {
        byte[] buffer = new byte[8192];
        while (!sawEnd()) {
            int n = read(buffer, 0, buffer.length);
            if (n < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            scan(b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        for (int i = 0; i < n && state != State.DONE; i++) {
            if (state == State.SKIP) {
                int step = (int) Math.min(skip, n - i);
                skip -= step;
                i += step - 1;
                if (skip == 0) {
                    state = marker == 0xDA ? State.ENTROPY : State.MARKER_FF;
                }
                continue;
            }
            scan(b[off + i] & 0xFF);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Every byte must pass through scan(): skip by reading.
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, n))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void scan(int b) {
        switch (state) {
            case SOI_FF -> state = b == 0xFF ? State.SOI_D8 : State.DONE;           // not a JPEG: nothing to check
            case SOI_D8 -> state = b == 0xD8 ? State.MARKER_FF : State.DONE;
            case MARKER_FF -> state = b == 0xFF ? State.MARKER_CODE : State.MARKER_FF;  // tolerate junk between segments
            case MARKER_CODE -> marker(b);
            case LENGTH_HI -> {
                lengthHigh = b;
                state = State.LENGTH_LO;
            }
            case LENGTH_LO -> {
                skip = ((lengthHigh << 8) | b) - 2L;
                state = skip > 0 ? State.SKIP : (marker == 0xDA ? State.ENTROPY : State.MARKER_FF);
            }
            case SKIP -> {
                if (--skip == 0) {
                    state = marker == 0xDA ? State.ENTROPY : State.MARKER_FF;
                }
            }
            case ENTROPY -> {
                if (b == 0xFF) {
                    state = State.ENTROPY_FF;
                }
            }
            case ENTROPY_FF -> {
                if (b == 0x00 || (b >= 0xD0 && b <= 0xD7)) {
                    state = State.ENTROPY;                  // stuffed byte or restart marker
                } else if (b != 0xFF) {
                    marker(b);                               // a real marker ends the scan
                }
            }
            case DONE -> {
            }
        }
    }

    private void marker(int code) {
        if (code == 0xD9) {
            state = State.DONE;
        } else if (code == 0xFF) {
            state = State.MARKER_CODE;                       // fill byte
        } else if (code == 0x01 || (code >= 0xD0 && code <= 0xD8)) {
            state = State.MARKER_FF;                         // standalone marker, no length
        } else {
            marker = code;
            state = State.LENGTH_HI;
        }
    }
}
