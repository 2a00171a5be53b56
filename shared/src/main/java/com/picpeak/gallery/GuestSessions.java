package com.picpeak.gallery;

import com.picpeak.catalog.Event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Signed, expiring guest sessions, valid for one event. Stateless (HMAC), so every Lambda instance and
 * the local server accept each other's tokens. A token is bound to the event's current password hash:
 * changing the password ends every session of that event. A guest's session (an event with guest identity) names
 * the guest and the guest's session generation: a new PIN raises the generation, which ends that guest's sessions
 * ({@code GalleryService.access} compares it with the guest's row).
 * Format: {@code base64url(slug|expiresEpochSecond|sessionId|passwordTag[|guestId:generation]).base64url(hmac)}.
 */
public final class GuestSessions {
    public static final Duration DEFAULT_VALIDITY = Duration.ofHours(24);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final Duration validity;
    private final Clock clock;

    /** @param secret the signing key (see {@link #deriveKey}) */
    public GuestSessions(byte[] secret, Duration validity, Clock clock) {
        this.key = secret.clone();
        this.validity = validity;
        this.clock = clock;
    }

    /**
     * The signing key of guest sessions, expanded from the instance's key material (the catalog's random secret
     * with the admin token, {@code ServerSecret}): a token proves nothing about the admin token.
     */
    public static byte[] deriveKey(byte[] keyMaterial) {
        return Hmac.expand(keyMaterial, "picpeak guest session v1");
    }

    /**
     * A guest's session. {@code guestId} is the guest it was issued to (empty in a gallery without guest identity):
     * what per-guest features (favourites, counts) key on; {@code guestGeneration} is that guest's session
     * generation when it was issued.
     */
    public record Session(String slug, String sessionId, Instant expiresAt, String token, Optional<String> guestId,
                          long guestGeneration) {
        public Session {
            guestId = guestId == null ? Optional.empty() : guestId;
        }

        /** An anonymous session. */
        public Session(String slug, String sessionId, Instant expiresAt, String token) {
            this(slug, sessionId, expiresAt, token, Optional.empty(), 0);
        }
    }

    /** An anonymous session. */
    public Session issue(Event event) {
        return issue(event, null, 0);
    }

    /** A session of the guest {@code guestId} (null: anonymous) at its session generation. */
    public Session issue(Event event, String guestId, long guestGeneration) {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        String sessionId = HexFormat.of().formatHex(id);
        Instant expiresAt = clock.instant().plus(validity);
        String payload = event.slug() + "|" + expiresAt.getEpochSecond() + "|" + sessionId + "|" + passwordTag(event)
                + (guestId == null ? "" : "|" + guestId + ":" + guestGeneration);
        String token = b64(payload.getBytes(StandardCharsets.UTF_8)) + "." + b64(hmac(key, payload.getBytes(StandardCharsets.UTF_8)));
        return new Session(event.slug(), sessionId, expiresAt, token, Optional.ofNullable(guestId), guestGeneration);
    }

    /** The session the token proves for this event, or null when it is absent, forged, expired or for another event. */
    public Session verify(String token, Event event) {
        if (token == null) {
            return null;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, hmac(key, payload))) {
                return null;
            }
            String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length < 4 || parts.length > 5 || !parts[0].equals(event.slug())
                    || !parts[3].equals(passwordTag(event))) {
                return null;
            }
            Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[1]));
            if (!clock.instant().isBefore(expiresAt)) {
                return null;
            }
            if (parts.length == 5) {
                int colon = parts[4].lastIndexOf(':');
                return new Session(parts[0], parts[2], expiresAt, token, Optional.of(parts[4].substring(0, colon)),
                        Long.parseLong(parts[4].substring(colon + 1)));
            }
            return new Session(parts[0], parts[2], expiresAt, token);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /**
     * The event's access state as sessions and signed tier URLs are bound to it: {@code open}, or a short keyed
     * hash of the password hash. A new password (or a first one) changes it, which ends every session and every
     * signed tier URL issued before.
     */
    public static String accessTag(Event event) {
        return passwordTag(event);
    }

    private static String passwordTag(Event event) {
        if (event.passwordHash() == null) {
            return "open";
        }
        return b64(hmac(event.passwordHash().getBytes(StandardCharsets.UTF_8), new byte[] {1})).substring(0, 12);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        return Hmac.sha256(key, data);
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
