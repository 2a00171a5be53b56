package com.picpeak.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * An open read: the bytes {@code [first, last]} of the object (both inclusive; {@code last = first - 1}
 * for an empty object) and what the store knows of the whole object ({@code info.size()} is the full size).
 */
public record BlobRead(InputStream stream, BlobInfo info, long first, long last) implements Closeable {

    /** How many bytes {@link #stream} yields. */
    public long length() {
        return last - first + 1;
    }

    /** Whether this is a part of the object (an HTTP 206), not all of it. */
    public boolean partial() {
        return length() != info.size();
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
