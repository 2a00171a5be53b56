package com.picpeak.catalog;

import java.time.Instant;

/**
 * One photo of an event: where its bytes live and what is known of them. {@code crc32} and {@code size}
 * let Download All write a zip with exact sizes in one pass; {@code sha256} detects duplicates and
 * checks migrations. {@code takenAt} is null when the image carries no capture time.
 */
public record Photo(
        String id,
        String eventSlug,
        String key,
        String thumbnailKey,
        String filename,
        String contentType,
        long size,
        long crc32,
        String sha256,
        int width,
        int height,
        Instant takenAt,
        Instant uploadedAt,
        PhotoSource source) {
}
