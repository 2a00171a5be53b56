package com.picpeak.gallery;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gallery passwords, stored as {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}: a slow KDF from the
 * JDK (no native dependency), so a leaked catalog does not give the passwords away cheaply.
 */
public final class PasswordHasher {
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 210_000;
    /** The fewest iterations a stored hash may have (the tests' hashers use this many). */
    public static final int MIN_ITERATIONS = 1_000;
    /**
     * The most: twice the default, room for a default raised later, while a guess at a gallery never costs more than
     * twice the CPU of one at a hash this server makes (a crafted backup could otherwise make every guess dearer).
     */
    public static final int MAX_ITERATIONS = 2 * DEFAULT_ITERATIONS;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern FORMAT = Pattern.compile("pbkdf2-sha256\\$([0-9]{1,9})\\$([A-Za-z0-9+/]+=*)\\$([A-Za-z0-9+/]+=*)");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;

    public PasswordHasher(int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be " + MIN_ITERATIONS + " to " + MAX_ITERATIONS);
        }
        this.iterations = iterations;
    }

    public PasswordHasher() {
        this(DEFAULT_ITERATIONS);
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return "pbkdf2-sha256$" + iterations + "$" + b64(salt) + "$" + b64(derive(password, salt, iterations));
    }

    /**
     * Whether the stored hash matches the password. A hash this server would not make ({@link #isHashThisServerMakes}:
     * an iteration count out of bounds included) matches nothing, and costs no derivation.
     */
    public boolean matches(String password, String stored) {
        if (password == null || !isHashThisServerMakes(stored)) {
            return false;
        }
        String[] parts = stored.split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(parts[1])));
    }

    /**
     * The one rule of a stored hash (the catalog's and a backup's): {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}
     * with {@value #MIN_ITERATIONS} to {@link #MAX_ITERATIONS} iterations, a 16-byte salt and a 32-byte hash.
     */
    public static boolean isHashThisServerMakes(String stored) {
        if (stored == null) {
            return false;
        }
        Matcher m = FORMAT.matcher(stored);
        if (!m.matches()) {
            return false;
        }
        long iterations = Long.parseLong(m.group(1));
        try {
            return iterations >= MIN_ITERATIONS && iterations <= MAX_ITERATIONS
                    && Base64.getDecoder().decode(m.group(2)).length == SALT_BYTES
                    && Base64.getDecoder().decode(m.group(3)).length == HASH_BYTES;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has PBKDF2WithHmacSHA256", e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }
}
