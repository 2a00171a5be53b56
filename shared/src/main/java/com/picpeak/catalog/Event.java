package com.picpeak.catalog;

import java.time.Instant;

/**
 * An event (a gallery). {@code revision} changes whenever its photo set changes: it keys the cached
 * Download All archive. {@code passwordHash} is null for a gallery without password. {@code archivedAt}
 * is set once its photos were moved into {@code events/archived/<slug>.zip}. {@code protection} says how
 * its images are protected when viewed (never null: {@link Protection#DEFAULT} when not given).
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
        Instant updatedAt,
        Instant archivedAt,
        Protection protection) {

    public Event {
        protection = protection == null ? Protection.DEFAULT : protection;
    }

    /** An event with the default protection. */
    public Event(String slug, String title, String passwordHash, Instant expiresAt, boolean active,
                 boolean allowDownloads, boolean watermarkDownloads, boolean allowDirectS3Download, long revision,
                 String heroPhotoId, String heroKey, long photoCount, Instant createdAt, Instant updatedAt,
                 Instant archivedAt) {
        this(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads, allowDirectS3Download,
                revision, heroPhotoId, heroKey, photoCount, createdAt, updatedAt, archivedAt, Protection.DEFAULT);
    }

    public boolean requiresPassword() {
        return passwordHash != null;
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    public boolean isArchived() {
        return archivedAt != null;
    }

    public Event withActive(boolean isActive, Instant now) {
        return new Event(slug, title, passwordHash, expiresAt, isActive, allowDownloads, watermarkDownloads,
                allowDirectS3Download, revision, heroPhotoId, heroKey, photoCount, createdAt, now, archivedAt, protection);
    }

    public Event withHero(String photoId, String key, Instant now) {
        return new Event(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads,
                allowDirectS3Download, revision, photoId, key, photoCount, createdAt, now, archivedAt, protection);
    }

    public Event withDownloadFlags(boolean watermark, boolean direct, Instant now) {
        return new Event(slug, title, passwordHash, expiresAt, active, allowDownloads, watermark, direct, revision,
                heroPhotoId, heroKey, photoCount, createdAt, now, archivedAt, protection);
    }

    public Event withArchivedAt(Instant archived, Instant now) {
        return new Event(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads,
                allowDirectS3Download, revision, heroPhotoId, heroKey, photoCount, createdAt, now, archived, protection);
    }

    public Event withProtection(Protection newProtection, Instant now) {
        return new Event(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads,
                allowDirectS3Download, revision, heroPhotoId, heroKey, photoCount, createdAt, now, archivedAt,
                newProtection);
    }
}
