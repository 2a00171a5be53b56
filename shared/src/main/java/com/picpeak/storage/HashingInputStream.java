package com.picpeak.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;

/** Computes sha256, CRC-32 and the byte count of everything read through it, in the same pass. */
public final class HashingInputStream extends FilterInputStream {
    private final MessageDigest sha256;
    private final CRC32 crc32 = new CRC32();
    private long count;

    public HashingInputStream(InputStream in) {
        super(in);
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            sha256.update((byte) b);
            crc32.update(b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            sha256.update(buffer, offset, n);
            crc32.update(buffer, offset, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("skipping would leave bytes out of the digest");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    public long count() {
        return count;
    }

    public long crc32() {
        return crc32.getValue();
    }

    /** The hex sha256 of what was read; call once, after the last read. */
    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }
}
