package com.picpeak.gallery;

import java.time.Instant;

/**
 * The fields of an event an admin sets, all optional (null = unchanged), for create and PATCH alike.
 * {@code password} "" removes the password; {@code clearExpiry} removes the expiry.
 */
public record EventPatch(
        String title,
        String password,
        Instant expiresAt,
        boolean clearExpiry,
        Boolean active,
        Boolean allowDownloads,
        Boolean watermarkDownloads,
        Boolean allowDirectS3Download) {

    public static EventPatch none() {
        return new EventPatch(null, null, null, false, null, null, null, null);
    }
}
