package com.picpeak.protect;

import com.picpeak.gallery.Hmac;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Delivery of what {@link ImageProtection} decided to serve: the stored bytes, with the guest's fingerprint
 * written in while they stream when there is one, and a stored fingerprinted copy for bodies too large to answer
 * inline in the serverless shape.
 */
public final class FingerprintedDelivery {
    /**
     * What to send: a stored object, and the fingerprint to write into it while it streams (null: the stored
     * bytes as they are, so byte ranges and presigned redirects apply).
     */
    public record Served(String slug, String key, String etag, long size, String contentType, String downloadName,
                         String fingerprintId) {
        public boolean fingerprinted() {
            return fingerprintId != null;
        }

        /** Bytes on the wire: the stored size plus the fingerprint's XMP block. */
        public long length() {
            return fingerprinted() ? size + Fingerprints.addedBytes(contentType, fingerprintId) : size;
        }
    }

    /** An opened image: its bytes (fingerprinted when it is) and their exact length. */
    public record Opened(InputStream stream, long length) implements Closeable {
        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    private final BlobStore store;
    private final byte[] fingerprintKey;

    public FingerprintedDelivery(BlobStore store, byte[] keyMaterial) {
        this.store = store;
        this.fingerprintKey = fingerprintKey(keyMaterial);
    }

    static byte[] fingerprintKey(byte[] keyMaterial) {
        return Hmac.expand(keyMaterial, "picpeak fingerprint v1");
    }

    /**
     * The served bytes: the stored object, with the fingerprint written in when there is one. The length is the
     * opened object's (not the catalog's) plus the fingerprint's block.
     */
    public Opened open(Served served) throws IOException {
        BlobRead read = store.get(served.key());
        long stored = read.info().size();
        if (!served.fingerprinted()) {
            return new Opened(read.stream(), stored);
        }
        try {
            InputStream embedded = Fingerprints.embed(served.contentType(), read.stream(), served.fingerprintId());
            return new Opened(new FilterInputStream(embedded) {
                @Override
                public void close() throws IOException {
                    read.close();
                }
            }, stored + Fingerprints.addedBytes(served.contentType(), served.fingerprintId()));
        } catch (IOException | RuntimeException e) {
            read.close();
            throw e;
        }
    }

    /**
     * Stores the fingerprinted bytes (for a body too large to answer inline in the serverless shape, which is
     * then handed out by presigned URL) and returns the key.
     */
    public String storeFingerprinted(Served served) throws IOException {
        String name = served.downloadName() != null ? served.downloadName() : "image.jpg";
        // one copy per guest and stored object (the original, a rendition, a tile): made once, then reused
        String source = HexFormat.of().formatHex(Hmac.sha256(fingerprintKey, served.key()), 0, 8);
        String key = Keys.fingerprintedCopy(served.slug(), served.fingerprintId() + "-" + source, name);
        if (store.head(key).map(BlobInfo::size).orElse(-1L) == served.length()) {
            return key;
        }
        try (Opened opened = open(served)) {
            store.put(key, opened.stream(), PutOptions.of(served.contentType()));
        }
        return key;
    }

    /** The fingerprint id a (leaked) image file carries, if any. */
    public static Optional<String> readFingerprint(InputStream image) throws IOException {
        return Fingerprints.read(image);
    }
}
