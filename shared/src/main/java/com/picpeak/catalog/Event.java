package com.picpeak.catalog;

import java.time.Instant;
import java.util.List;

/**
 * An event (a gallery). {@code revision} changes whenever its photo set changes: it keys the cached
 * Download All archive. {@code passwordHash} is null for a gallery without password. {@code archivedAt}
 * is set once its photos were moved into {@code events/archived/<slug>.zip}. {@code protection} says how
 * its images are protected when viewed (never null: {@link Protection#DEFAULT} when not given).
 * {@code downloadSizes} names the download sizes the event offers by their wire names ("original", "large",
 * "web"), "original" always first; the gallery package checks the names (the sizes themselves are a rendition
 * concept this package must not import). {@code guests} says who its guests are and how many favourites each may
 * mark (never null: {@link GuestPolicy#NONE} when not given). {@code downloadLimit} is how many distinct photos a
 * guest (or the gallery, without guest identity) may download, null for no limit.
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
        Protection protection,
        List<String> downloadSizes,
        GuestPolicy guests,
        Integer downloadLimit) {

    /** What an event offers when nothing was chosen: the original only. */
    public static final List<String> DEFAULT_DOWNLOAD_SIZES = List.of("original");

    public Event {
        protection = protection == null ? Protection.DEFAULT : protection;
        downloadSizes = downloadSizes == null || downloadSizes.isEmpty() ? DEFAULT_DOWNLOAD_SIZES
                : List.copyOf(downloadSizes);
        guests = guests == null ? GuestPolicy.NONE : guests;
    }

    /** An event without guest identity, a favourites cap or a download limit. */
    public Event(String slug, String title, String passwordHash, Instant expiresAt, boolean active,
                 boolean allowDownloads, boolean watermarkDownloads, boolean allowDirectS3Download, long revision,
                 String heroPhotoId, String heroKey, long photoCount, Instant createdAt, Instant updatedAt,
                 Instant archivedAt, Protection protection, List<String> downloadSizes) {
        this(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads, allowDirectS3Download,
                revision, heroPhotoId, heroKey, photoCount, createdAt, updatedAt, archivedAt, protection, downloadSizes,
                GuestPolicy.NONE, null);
    }

    /** An event offering the default download sizes. */
    public Event(String slug, String title, String passwordHash, Instant expiresAt, boolean active,
                 boolean allowDownloads, boolean watermarkDownloads, boolean allowDirectS3Download, long revision,
                 String heroPhotoId, String heroKey, long photoCount, Instant createdAt, Instant updatedAt,
                 Instant archivedAt, Protection protection) {
        this(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads, allowDirectS3Download,
                revision, heroPhotoId, heroKey, photoCount, createdAt, updatedAt, archivedAt, protection, null);
    }

    /** An event with the default protection. */
    public Event(String slug, String title, String passwordHash, Instant expiresAt, boolean active,
                 boolean allowDownloads, boolean watermarkDownloads, boolean allowDirectS3Download, long revision,
                 String heroPhotoId, String heroKey, long photoCount, Instant createdAt, Instant updatedAt,
                 Instant archivedAt) {
        this(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads, allowDirectS3Download,
                revision, heroPhotoId, heroKey, photoCount, createdAt, updatedAt, archivedAt, Protection.DEFAULT, null);
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
                allowDirectS3Download, revision, heroPhotoId, heroKey, photoCount, createdAt, now, archivedAt,
                protection, downloadSizes, guests, downloadLimit);
    }

    public Event withHero(String photoId, String key, Instant now) {
        return new Event(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads,
                allowDirectS3Download, revision, photoId, key, photoCount, createdAt, now, archivedAt,
                protection, downloadSizes, guests, downloadLimit);
    }

    public Event withDownloadFlags(boolean watermark, boolean direct, Instant now) {
        return new Event(slug, title, passwordHash, expiresAt, active, allowDownloads, watermark, direct, revision,
                heroPhotoId, heroKey, photoCount, createdAt, now, archivedAt,
                protection, downloadSizes, guests, downloadLimit);
    }

    public Event withArchivedAt(Instant archived, Instant now) {
        return new Event(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads,
                allowDirectS3Download, revision, heroPhotoId, heroKey, photoCount, createdAt, now, archived,
                protection, downloadSizes, guests, downloadLimit);
    }

    public Event withProtection(Protection newProtection, Instant now) {
        return new Event(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads,
                allowDirectS3Download, revision, heroPhotoId, heroKey, photoCount, createdAt, now, archivedAt,
                newProtection, downloadSizes, guests, downloadLimit);
    }

    public Event withDownloadSizes(List<String> sizes, Instant now) {
        return new Event(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads,
                allowDirectS3Download, revision, heroPhotoId, heroKey, photoCount, createdAt, now, archivedAt,
                protection, sizes, guests, downloadLimit);
    }

    public Event withGuests(GuestPolicy policy, Instant now) {
        return new Event(slug, title, passwordHash, expiresAt, active, allowDownloads, watermarkDownloads,
                allowDirectS3Download, revision, heroPhotoId, heroKey, photoCount, createdAt, now, archivedAt,
                protection, downloadSizes, policy, downloadLimit);
    }

    /** Whether guests' downloads are counted against a limit. */
    public boolean limitsDownloads() {
        return downloadLimit != null;
    }

    /** Whether the event offers the download size of this wire name. */
    public boolean offersDownloadSize(String wireName) {
        return downloadSizes.contains(wireName);
    }
}
