package com.picpeak.api;

import com.picpeak.app.AdminToken;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Whether a request carries the admin token ({@code Authorization: Bearer <ADMIN_TOKEN>}, compared in constant time),
 * on routes that answer everyone but tell the admin more: {@code /health} and error messages, whose details (absolute
 * paths, bucket names, endpoints) are for the admin only.
 */
final class AdminAccess {
    private AdminAccess() {
    }

    static boolean isAdmin(HttpServletRequest request, AdminToken adminToken) {
        return adminToken.matches(bearer(request.getHeader("Authorization")));
    }

    /** The value of an {@code Authorization: Bearer <value>} header; null for anything else. */
    static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String trimmed = header.trim();
        return trimmed.startsWith("Bearer ") ? trimmed.substring("Bearer ".length()) : null;
    }
}
