package com.picpeak.gallery;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/** HMAC-SHA256, and the per-purpose keys every instance derives from the admin token (no second secret). */
public final class Hmac {
    private Hmac() {
    }

    public static byte[] sha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    public static byte[] sha256(byte[] key, String data) {
        return sha256(key, data.getBytes(StandardCharsets.UTF_8));
    }

    /** A key for one purpose ("picpeak guest session v1", ...), the same on every instance with the same token. */
    public static byte[] deriveKey(String adminToken, String purpose) {
        return sha256(adminToken.getBytes(StandardCharsets.UTF_8), purpose);
    }
}
