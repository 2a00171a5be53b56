package com.picpeak.catalog;

import java.time.Instant;

/**
 * An event (a gallery). {@code revision} changes whenever its photo set changes: it keys the cached
 * Download All archive. {@code passwordHash} is null for a gallery without password.
 */
public record Event(
        String slug,
        String title,
        String passwordHash,
        Instant expiresAt,
        boolean active,
        boolean allowDownloads,
        boolean watermarkDownloads,
        boolean allowDirectS3Download,
        long revision,
        String heroPhotoId,
        String heroKey,
        long photoCount,
        Instant createdAt,
        Instant updatedAt) {

    public boolean requiresPassword() {
        return passwordHash != null;
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
