package com.picpeak.catalog;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Photo ids that sort by upload time (so a catalog query returns upload order) and cannot be guessed:
 * 9 base-36 digits of epoch milliseconds, then 8 random base-36 digits. Only [0-9a-z].
 */
public final class PhotoIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

    private PhotoIds() {
    }

    public static String next(Instant now) {
        StringBuilder id = new StringBuilder();
        String time = Long.toString(now.toEpochMilli(), 36);
        id.append("0".repeat(Math.max(0, 9 - time.length()))).append(time);
        for (int i = 0; i < 8; i++) {
            id.append(DIGITS.charAt(RANDOM.nextInt(DIGITS.length())));
        }
        return id.toString();
    }
}
