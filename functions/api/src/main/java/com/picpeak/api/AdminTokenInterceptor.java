package com.picpeak.api;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Every admin route needs {@code Authorization: Bearer <ADMIN_TOKEN>} (compared in constant time). */
final class AdminTokenInterceptor implements HandlerInterceptor {
    private final byte[] expected;

    AdminTokenInterceptor(String adminToken) {
        this.expected = ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String header = request.getHeader("Authorization");
        if (header == null || !MessageDigest.isEqual(expected, header.trim().getBytes(StandardCharsets.UTF_8))) {
            throw new PicPeakException(ErrorCode.UNAUTHORIZED, header == null
                    ? "admin routes need the header 'Authorization: Bearer <ADMIN_TOKEN>'"
                    : "the admin token is wrong");
        }
        return true;
    }
}
