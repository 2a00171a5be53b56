package com.picpeak.storage;

/** The outcome of a put: what was stored, with the digests computed while writing it. */
public record StoredBlob(String key, long size, String sha256, long crc32, String etag) {
}
