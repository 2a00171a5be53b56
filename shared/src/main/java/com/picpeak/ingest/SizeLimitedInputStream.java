package com.picpeak.ingest;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails the read (and so the store's put, which then keeps nothing) once more than {@code limit} bytes arrive. */
final class SizeLimitedInputStream extends FilterInputStream {
    private final long limit;
    private final String filename;
    private long count;

    SizeLimitedInputStream(InputStream in, long limit, String filename) {
        super(in);
        this.limit = limit;
        this.filename = filename;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) {
        count += n;
        if (count > limit) {
            throw new PicPeakException(ErrorCode.FILE_TOO_LARGE, "'" + filename + "' is larger than the limit of "
                    + limit + " bytes (PICPEAK_MAX_UPLOAD_BYTES): nothing was stored");
        }
    }
}
