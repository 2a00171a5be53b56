package com.picpeak.gallery;

import com.picpeak.catalog.GuestPolicy;
import com.picpeak.catalog.Protection;

import java.time.Instant;
import java.util.List;

/**
 * The fields of an event an admin sets, all optional (null = unchanged), for create and PATCH alike.
 * {@code password} "" removes the password; {@code clearExpiry} removes the expiry. {@code downloadSizes} are
 * wire names of download sizes, checked by {@link EventService} (the original is always offered).
 * {@code downloadLimit} sets the limit of downloaded photos; {@code clearDownloadLimit} removes it.
 */
public record EventPatch(
        String title,
        String password,
        Instant expiresAt,
        boolean clearExpiry,
        Boolean active,
        Boolean allowDownloads,
        Boolean watermarkDownloads,
        Boolean allowDirectS3Download,
        ProtectionPatch protection,
        List<String> downloadSizes,
        GuestsPatch guests,
        Integer downloadLimit,
        boolean clearDownloadLimit) {

    /** A patch that leaves guest identity, the favourites cap and the download limit as they are. */
    public EventPatch(String title, String password, Instant expiresAt, boolean clearExpiry, Boolean active,
                      Boolean allowDownloads, Boolean watermarkDownloads, Boolean allowDirectS3Download,
                      ProtectionPatch protection, List<String> downloadSizes) {
        this(title, password, expiresAt, clearExpiry, active, allowDownloads, watermarkDownloads, allowDirectS3Download,
                protection, downloadSizes, null, null, false);
    }

    /** A patch that leaves the download sizes as they are. */
    public EventPatch(String title, String password, Instant expiresAt, boolean clearExpiry, Boolean active,
                      Boolean allowDownloads, Boolean watermarkDownloads, Boolean allowDirectS3Download,
                      ProtectionPatch protection) {
        this(title, password, expiresAt, clearExpiry, active, allowDownloads, watermarkDownloads, allowDirectS3Download,
                protection, null);
    }

    /** A patch that leaves the protection settings as they are. */
    public EventPatch(String title, String password, Instant expiresAt, boolean clearExpiry, Boolean active,
                      Boolean allowDownloads, Boolean watermarkDownloads, Boolean allowDirectS3Download) {
        this(title, password, expiresAt, clearExpiry, active, allowDownloads, watermarkDownloads, allowDirectS3Download,
                null);
    }

    public static EventPatch none() {
        return new EventPatch(null, null, null, false, null, null, null, null);
    }

    /**
     * The guest fields of a patch: {@code identity} null is unchanged; {@code favouritesLimit} null is unchanged
     * unless {@code clearFavouritesLimit} (the JSON's {@code "favouritesLimit": null}: no cap).
     */
    public record GuestsPatch(GuestPolicy.Identity identity, Integer favouritesLimit, boolean clearFavouritesLimit) {

        public GuestPolicy applyTo(GuestPolicy current) {
            return new GuestPolicy(identity == null ? current.identity() : identity,
                    clearFavouritesLimit ? null : favouritesLimit != null ? favouritesLimit : current.favouritesLimit());
        }
    }

    /** The protection fields of a patch, each optional (null = unchanged). */
    public record ProtectionPatch(Protection.Level level, Boolean watermarkViews, Protection.Position position,
                                  Integer sizePercent, Integer opacityPercent, Integer fragmentationLevel) {

        public Protection applyTo(Protection current) {
            return current.with(level, watermarkViews, position, sizePercent, opacityPercent, fragmentationLevel);
        }
    }
}
