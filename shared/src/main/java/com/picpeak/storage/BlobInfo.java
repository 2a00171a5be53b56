package com.picpeak.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the store knows of one object. {@code contentType} is null where the backend did not say
 * (listings); {@code metadata} is empty in listings.
 */
public record BlobInfo(String key, long size, String etag, Instant lastModified, String contentType,
                       Map<String, String> metadata) {

    /** User metadata key holding the hex sha256 of the object's bytes. */
    public static final String SHA256 = "sha256";

    public BlobInfo {
        metadata = Map.copyOf(metadata);
    }

    public Optional<String> sha256() {
        return Optional.ofNullable(metadata.get(SHA256));
    }
}
