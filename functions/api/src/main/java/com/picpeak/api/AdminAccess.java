package com.picpeak.api;

import com.picpeak.app.AdminToken;
import com.picpeak.error.PicPeakException;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Whether a request carries the admin token ({@code Authorization: Bearer <ADMIN_TOKEN>}, compared in constant time),
 * on routes that answer everyone but tell the admin more: {@code /health} and error messages, whose details (absolute
 * paths, bucket names, endpoints) are for the admin only.
 */
final class AdminAccess {
    private AdminAccess() {
    }

    /** False also when the token cannot be read now: nobody is told more than a guest then. */
    static boolean isAdmin(HttpServletRequest request, AdminToken adminToken) {
        try {
            return adminToken.matches(bearer(request.getHeader("Authorization")));
        } catch (PicPeakException tokenUnavailable) {
            return false;
        }
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
