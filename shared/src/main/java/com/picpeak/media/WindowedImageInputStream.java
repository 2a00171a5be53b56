package com.picpeak.media;

import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An in-memory ImageInputStream that forgets everything more than {@code window} bytes behind the
 * read position. {@link MemoryCacheImageInputStream} keeps every byte read until the reader calls
 * {@code flushBefore}, which the JPEG readers never do, so a 40 MB original would sit whole in the
 * heap. The PNG and WebP readers only seek back a few KB; the JPEG readers seek back to the start to
 * read the header again, so the window covers the header (see {@link ImageScaler#window}) plus
 * {@link ImageProbe#HEADER_BYTES}; a seek further back fails with an IndexOutOfBoundsException or
 * IOException rather than silently reading wrong bytes.
 */
final class WindowedImageInputStream extends MemoryCacheImageInputStream {
    private final long window;

    WindowedImageInputStream(InputStream in, long window) {
        super(in);
        if (window <= 0) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.window = window;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        forgetBehindWindow();
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        forgetBehindWindow();
        return n;
    }

    private void forgetBehindWindow() throws IOException {
        long keepFrom = getStreamPosition() - window;
        if (keepFrom > getFlushedPosition()) {
            flushBefore(keepFrom);
        }
    }
}
