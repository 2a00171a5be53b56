package com.picpeak.protect;

import com.picpeak.gallery.Hmac;
import com.picpeak.rendition.Tier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Signed, expiring, event-scoped tier URLs for protection levels basic and standard, so a CDN can cache a tier by
 * its URL and hand it to every holder of that URL. The token is an HMAC over slug, photo id, tier, rendition
 * version, the event's access state (its password tag, as guest sessions are bound: a new or first password ends
 * every URL issued before) and expiry, with no per-guest data: every guest of the event who lists it within one window is given the
 * same URL (the expiry is rounded up to the window's end plus one window, so a URL is good for between one and two
 * windows). A token names its own event and photo, so a token of event A never opens a photo of event B.
 */
public final class TierUrlTokens {
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    /** 16 bytes of HMAC-SHA256: 128 bits, plenty against forgery, short in a URL. */
    private static final int MAC_BYTES = 16;

    /** A token and the instant it stops being accepted. */
    public record Token(String value, Instant expiresAt) {
    }

    private final byte[] key;
    private final Duration window;
    private final Clock clock;

    /** @param keyMaterial what every instance on the catalog shares ({@code ServerSecret}) */
    public TierUrlTokens(byte[] keyMaterial, Duration window, Clock clock) {
        if (window.getSeconds() < 1) {
            throw new IllegalArgumentException("the tier URL window must be at least a second");
        }
        this.key = Hmac.expand(keyMaterial, "picpeak tier url v1");
        this.window = window;
        this.clock = clock;
    }

    public Duration window() {
        return window;
    }

    /** The number of the current window: what a listing that embeds tokens depends on (its entity tag). */
    public long currentWindow() {
        return Math.floorDiv(clock.instant().getEpochSecond(), window.getSeconds());
    }

    /** The token for this tier of the photo, the same for every caller within the current window. */
    public Token issue(String slug, String photoId, Tier tier, String version, String accessTag) {
        long expiry = (currentWindow() + 2) * window.getSeconds();
        return new Token(expiry + "." + mac(slug, photoId, tier, version, accessTag, expiry),
                Instant.ofEpochSecond(expiry));
    }

    /**
     * The token's expiry when it is this tier's of this photo and version, issued under this access state, and not
     * expired; empty otherwise.
     */
    public Optional<Instant> verify(String token, String slug, String photoId, Tier tier, String version,
                                    String accessTag) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 1 || dot > 19) {
            return Optional.empty();
        }
        long expiry;
        try {
            expiry = Long.parseLong(token.substring(0, dot));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!Long.toString(expiry).equals(token.substring(0, dot))) { // one spelling: no sign, no leading zero
            return Optional.empty();
        }
        byte[] expected = mac(slug, photoId, tier, version, accessTag, expiry).getBytes(StandardCharsets.US_ASCII);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given) || clock.instant().getEpochSecond() >= expiry) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(expiry));
    }

    private String mac(String slug, String photoId, Tier tier, String version, String accessTag, long expiry) {
        byte[] full = Hmac.sha256(key, slug + "\n" + photoId + "\n" + tier.wireName() + "\n" + version + "\n"
                + accessTag + "\n" + expiry);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(full, MAC_BYTES));
    }
}
