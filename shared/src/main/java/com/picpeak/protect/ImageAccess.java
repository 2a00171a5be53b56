package com.picpeak.protect;

import com.picpeak.catalog.Event;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.error.TooManyRequestsException;
import com.picpeak.gallery.ClientAddresses;
import com.picpeak.gallery.GalleryService.GuestAccess;
import com.picpeak.gallery.GuestSessions;
import com.picpeak.gallery.Hmac;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Access control of protected images (levels {@code enhanced} and {@code maximum}): a signed-in session, the
 * per-session rate limit (the client address's where there is no session: never the user agent, which a client
 * picks) and a limit of the client's network for all its sessions together (a new session is no new limit), single-use access tokens, and the access log of who received which fingerprint. All state is in the
 * catalog ({@link ProtectionStore}), so instances agree.
 */
public final class ImageAccess {
    public static final Duration TOKEN_VALIDITY = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();

    public enum Purpose {
        VIEW, DOWNLOAD;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Purpose parse(String value) {
            for (Purpose p : values()) {
                if (p.wireName().equals(value)) {
                    return p;
                }
            }
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"purpose\" must be view or download, not '" + value + "'");
        }
    }

    /**
     * The client as the access log knows it (never stored in the clear); {@code address} is the connection's peer,
     * or what a trusted proxy forwarded.
     */
    public record Client(String address, String userAgent) {
    }

    /** An issued access token and when it expires. */
    public record Token(String value, Instant expiresAt) {
    }

    private final ProtectionStore records;
    private final byte[] fingerprintKey;
    private final byte[] clientKey;
    private final byte[] rateKey;
    private final long requestsPerMinute;
    private final long networkRequestsPerMinute;
    private final Clock clock;

    /**
     * @param keyMaterial       what every instance on the catalog shares ({@code ServerSecret}): fingerprint ids,
     *                          client hashes and rate-limit keys are keyed from it
     * @param requestsPerMinute image requests one guest session may make per minute at enhanced and maximum
     */
    public ImageAccess(ProtectionStore records, byte[] keyMaterial, long requestsPerMinute, Clock clock) {
        this(records, keyMaterial, requestsPerMinute, defaultNetworkLimit(requestsPerMinute), clock);
    }

    /** What a client network may make when nothing else is said: five sessions' worth (guests behind one NAT). */
    public static long defaultNetworkLimit(long requestsPerMinute) {
        return requestsPerMinute > Long.MAX_VALUE / 5 ? Long.MAX_VALUE : requestsPerMinute * 5;
    }

    /**
     * @param networkRequestsPerMinute image requests all sessions of one client network (an IPv4 address, an IPv6
     *                                 /64) may make together per minute: a new session is no new limit
     */
    public ImageAccess(ProtectionStore records, byte[] keyMaterial, long requestsPerMinute,
                       long networkRequestsPerMinute, Clock clock) {
        this.networkRequestsPerMinute = networkRequestsPerMinute;
        this.records = records;
        this.fingerprintKey = FingerprintedDelivery.fingerprintKey(keyMaterial);
        this.clientKey = Hmac.expand(keyMaterial, "picpeak client hash v1");
        this.rateKey = Hmac.expand(keyMaterial, "picpeak image rate limit v1");
        this.requestsPerMinute = requestsPerMinute;
        this.clock = clock;
    }

    /** A signed-in session, counted against its rate limit: returns the session id. */
    public String admitSession(GuestAccess access, Client client) {
        String sessionId = requireSession(access).sessionId();
        countAgainstLimit(access, client);
        return sessionId;
    }

    /** Issues a token for {@code uses} fetches of one photo by one session. */
    public Token issueToken(String slug, String photoId, String sessionId, Purpose purpose, int uses) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        Instant expiresAt = clock.instant().plus(TOKEN_VALIDITY);
        records.putToken(new ProtectionStore.AccessToken(token, slug, photoId, sessionId, purpose.wireName(), uses,
                expiresAt));
        return new Token(token, expiresAt);
    }

    /**
     * Rate limit, session, token, then the access log: what every traced image with a token goes through.
     * Returns the fingerprint id to write into the image.
     */
    public String admit(GuestAccess access, String photoId, Client client, String token, Purpose purpose,
                        String variant) {
        Event event = access.event();
        String sessionId = admitSession(access, client);
        if (token == null || !token.matches("[A-Za-z0-9_-]{22}")) {
            throw new PicPeakException(ErrorCode.ACCESS_TOKEN_INVALID, "gallery '" + event.slug() + "' needs an access "
                    + "token for this image: POST /api/gallery/" + event.slug() + "/photos/" + photoId + "/access and "
                    + "add ?t=<token>");
        }
        if (!records.consumeToken(token, event.slug(), photoId, sessionId, purpose.wireName(), clock.instant())) {
            throw new PicPeakException(ErrorCode.ACCESS_TOKEN_INVALID, "the access token is expired, used up, or for "
                    + "another photo or session: request a new one (POST /api/gallery/" + event.slug() + "/photos/"
                    + photoId + "/access)");
        }
        return record(event.slug(), sessionId, photoId, clientHash(client), variant);
    }

    /** The fingerprint of an image served without a token (thumbnail, hero); null when the event traces no guest. */
    public String traceWithoutToken(GuestAccess access, String photoId, Client client, String variant) {
        if (!access.event().protection().tracesGuests()) {
            return null;
        }
        String sessionId = admitSession(access, client);
        return record(access.event().slug(), sessionId, photoId, clientHash(client), variant);
    }

    /** Who received the images carrying this fingerprint. */
    public Optional<ProtectionStore.AccessRecord> lookup(String fingerprintId) {
        if (!fingerprintId.matches("[a-f0-9]{20}")) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "a fingerprint id is 20 hex digits, not '"
                    + fingerprintId + "'");
        }
        return records.findServe(fingerprintId);
    }

    /** The fingerprint id of one session and photo: the same on every instance, unguessable without the key. */
    String fingerprintId(String slug, String sessionId, String photoId) {
        return HexFormat.of().formatHex(Hmac.sha256(fingerprintKey, slug + "|" + sessionId + "|" + photoId), 0, 10);
    }

    /** What the rate limit counts: the guest's session, or without one the client's address (an IPv6 /64). */
    String rateKey(GuestAccess access, Client client) {
        String subject = access.session() != null
                ? "session|" + access.event().slug() + "|" + access.session().sessionId()
                : "address|" + ClientAddresses.network(client.address());
        return HexFormat.of().formatHex(Hmac.sha256(rateKey, subject), 0, 8);
    }

    String clientHash(Client client) {
        String address = client.address() == null ? "" : client.address();
        String agent = client.userAgent() == null ? "" : client.userAgent();
        return HexFormat.of().formatHex(Hmac.sha256(clientKey, address + "|" + agent), 0, 8);
    }

    private String record(String slug, String sessionId, String photoId, String clientHash, String variant) {
        String fingerprint = fingerprintId(slug, sessionId, photoId);
        records.recordServe(fingerprint, slug, photoId, sessionId, clientHash, variant, clock.instant());
        return fingerprint;
    }

    private GuestSessions.Session requireSession(GuestAccess access) {
        if (access.session() == null) {
            String slug = access.event().slug();
            throw new PicPeakException(ErrorCode.UNAUTHORIZED, "gallery '" + slug + "' protects its images: sign in "
                    + "first (POST /api/gallery/" + slug + "/auth; no password is needed when the gallery has none)");
        }
        return access.session();
    }

    /** What the network limit counts: the client's network (an IPv4 address, an IPv6 /64), whatever the session. */
    String networkRateKey(Client client) {
        return HexFormat.of().formatHex(Hmac.sha256(rateKey, "network|" + ClientAddresses.network(client.address())),
                0, 8);
    }

    private void countAgainstLimit(GuestAccess access, Client client) {
        Instant now = clock.instant();
        Duration wait = Duration.between(now, Instant.ofEpochSecond((now.getEpochSecond() / 60 + 1) * 60));
        if (records.countRequest(rateKey(access, client), now) > requestsPerMinute) {
            throw new TooManyRequestsException("too many image requests (more than " + requestsPerMinute
                    + " a minute): try again in " + TooManyRequestsException.wholeSeconds(wait) + " s", wait);
        }
        if (access.session() != null && records.countRequest(networkRateKey(client), now) > networkRequestsPerMinute) {
            throw new TooManyRequestsException("too many image requests from your network (more than "
                    + networkRequestsPerMinute + " a minute, all sessions together): try again in "
                    + TooManyRequestsException.wholeSeconds(wait) + " s", wait);
        }
    }
}
