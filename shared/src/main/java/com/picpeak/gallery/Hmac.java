package com.picpeak.gallery;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * HMAC-SHA256, and HKDF-SHA256 (RFC 5869) for the per-purpose keys every instance derives from the same secret
 * input (see {@code com.picpeak.app.ServerSecret}).
 */
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

    /** HKDF-Extract: a pseudorandom key from secret input keying material and a salt (32 zero bytes when empty). */
    public static byte[] extract(byte[] salt, byte[] inputKeyMaterial) {
        return sha256(salt.length == 0 ? new byte[32] : salt, inputKeyMaterial);
    }

    /** HKDF-Expand to one 32-byte key: {@code T(1) = HMAC(prk, info || 0x01)}, the first block of RFC 5869's output. */
    public static byte[] expand(byte[] pseudorandomKey, byte[] info) {
        byte[] block = new byte[info.length + 1];
        System.arraycopy(info, 0, block, 0, info.length);
        block[info.length] = 1;
        return sha256(pseudorandomKey, block);
    }

    /** The key for one purpose ("picpeak guest session v1", ...), the same on every instance with the same input. */
    public static byte[] expand(byte[] pseudorandomKey, String purpose) {
        return expand(pseudorandomKey, purpose.getBytes(StandardCharsets.UTF_8));
    }
}
