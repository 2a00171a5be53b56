package com.picpeak.api;

import jakarta.servlet.http.HttpServletRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Whether a request carries the admin token ({@code Authorization: Bearer <ADMIN_TOKEN>}, compared in constant time),
 * on routes that answer everyone but tell the admin more: {@code /health} and error messages, whose details (absolute
 * paths, bucket names, endpoints) are for the admin only.
 */
final class AdminAccess {
    private AdminAccess() {
    }

    static boolean isAdmin(HttpServletRequest request, String adminToken) {
        String header = request.getHeader("Authorization");
        if (header == null || adminToken == null) {
            return false;
        }
        return MessageDigest.isEqual(("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8),
                header.trim().getBytes(StandardCharsets.UTF_8));
    }
}
