package com.picpeak.protect;

import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.Protection;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.error.TooManyRequestsException;
import com.picpeak.gallery.ClientAddresses;
import com.picpeak.gallery.GalleryService.GuestAccess;
import com.picpeak.gallery.GuestSessions;
import com.picpeak.gallery.Hmac;
import com.picpeak.media.GalleryLook;
import com.picpeak.media.Thumbnailer;
import com.picpeak.media.WatermarkService;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;

import java.awt.Rectangle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides what a guest's image request is answered with, by the event's {@link Protection}: the stored
 * original, a (watermarked) rendition, or a tile, and whether a fingerprint of the guest's session is written
 * into it. At {@code enhanced} and {@code maximum} every image route needs a signed-in session, counts against
 * that session's rate limit (the client address's where there is no session: never the user agent, which a
 * client picks), and records each serve in the access log; the full view, tiles and downloads
 * also need an access token from {@link #grant}. All state is in the catalog, so instances agree.
 */
public final class ImageProtection {
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

    /**
     * What to send: a stored object, and the fingerprint to write into it while it streams (null: the stored
     * bytes as they are, so byte ranges and presigned redirects apply).
     */
    public record Served(String slug, String key, String etag, long size, String contentType, String downloadName,
                         String fingerprintId) {
        public boolean fingerprinted() {
            return fingerprintId != null;
        }

        /** Bytes on the wire: the stored size plus the fingerprint's XMP block. */
        public long length() {
            return fingerprinted() ? size + Fingerprints.addedBytes(contentType, fingerprintId) : size;
        }
    }

    /** One tile of a fragmented photo, in the pixels of the view rendition. */
    public record Tile(int index, int x, int y, int width, int height) {
    }

    /** How a fragmented photo is cut: {@code columns x rows} tiles of a {@code width x height} image. */
    public record TileLayout(int columns, int rows, int width, int height, List<Tile> tiles) {
    }

    /** Permission to fetch a photo: a token (null where the level needs none) and, at maximum, the tiles. */
    public record Grant(Purpose purpose, String token, Instant expiresAt, int uses, TileLayout tiles) {
    }

    private final BlobStore store;
    private final WatermarkService renditions;
    private final Thumbnailer renderer;
    private final ProtectionStore records;
    private final byte[] fingerprintKey;
    private final byte[] clientKey;
    private final byte[] rateKey;
    private final long requestsPerMinute;
    private final Clock clock;

    /**
     * @param keyMaterial       what every instance on the catalog shares ({@code ServerSecret}): fingerprint ids,
     *                          client hashes and rate-limit keys are keyed from it
     * @param requestsPerMinute image requests one guest session may make per minute at enhanced and maximum
     */
    public ImageProtection(BlobStore store, WatermarkService renditions, Thumbnailer renderer, ProtectionStore records,
                           byte[] keyMaterial, long requestsPerMinute, Clock clock) {
        this.store = store;
        this.renditions = renditions;
        this.renderer = renderer;
        this.records = records;
        this.fingerprintKey = Hmac.expand(keyMaterial, "picpeak fingerprint v1");
        this.clientKey = Hmac.expand(keyMaterial, "picpeak client hash v1");
        this.rateKey = Hmac.expand(keyMaterial, "picpeak image rate limit v1");
        this.requestsPerMinute = requestsPerMinute;
        this.clock = clock;
    }

    /**
     * Issues what the guest needs to fetch the photo for {@code purpose}: a token at enhanced and maximum (each
     * grant counts against the client's rate limit, as it writes a row).
     */
    public Grant grant(GuestAccess access, Photo photo, Purpose purpose, Client client) {
        Event event = access.event();
        Protection protection = event.protection();
        if (!protection.tracesGuests()) {
            return new Grant(purpose, null, null, 0, null);
        }
        String sessionId = requireSession(access).sessionId();
        countAgainstLimit(access, client);
        TileLayout tiles = null;
        int uses = 1;
        if (purpose == Purpose.VIEW && protection.fragments()) {
            WatermarkService.Copy view = renditions.viewCopyOf(lookOf(event), photo.id(), photo.key());
            tiles = layout(view, protection.fragmentationLevel());
            uses = tiles.tiles().size();
        }
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        Instant expiresAt = clock.instant().plus(TOKEN_VALIDITY);
        records.putToken(new ProtectionStore.AccessToken(token, event.slug(), photo.id(), sessionId, purpose.wireName(),
                uses, expiresAt));
        return new Grant(purpose, token, expiresAt, uses, tiles);
    }

    /** The photo as shown in the viewer. */
    public Served view(GuestAccess access, Photo photo, Client client, String token) {
        Event event = access.event();
        Protection protection = event.protection();
        if (!protection.tracesGuests()) {
            return renditions.markedViewOf(lookOf(event), photo.id(), photo.key())
                    .map(copy -> rendition(event, copy, photo.id(), null, null))
                    .orElseGet(() -> original(photo, null, null));
        }
        if (protection.fragments()) {
            throw new PicPeakException(ErrorCode.TILES_ONLY, "gallery '" + event.slug() + "' shows photos only as tiles: "
                    + "POST /api/gallery/" + event.slug() + "/photos/" + photo.id() + "/access, then fetch each tile");
        }
        String fingerprint = admit(access, photo.id(), client, token, Purpose.VIEW, "view");
        return rendition(event, renditions.viewCopyOf(lookOf(event), photo.id(), photo.key()), photo.id(), null, fingerprint);
    }

    /** One tile of the view rendition (maximum only). */
    public Served tile(GuestAccess access, Photo photo, int index, Client client, String token) {
        Event event = access.event();
        Protection protection = event.protection();
        if (!protection.fragments()) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "gallery '" + event.slug() + "' does not serve tiles: "
                    + "only protection level maximum does");
        }
        int n = protection.fragmentationLevel();
        if (index < 0 || index >= n * n) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "tile " + index + " does not exist: tiles are 0 to " + (n * n - 1));
        }
        String fingerprint = admit(access, photo.id(), client, token, Purpose.VIEW, "tile");
        WatermarkService.Copy view = renditions.viewCopyOf(lookOf(event), photo.id(), photo.key());
        Tile tile = layout(view, n).tiles().get(index);
        String key = Keys.watermarkedCopy(event.slug(), photo.id(), view.watermarkVersion() + "-tile" + n + "-" + index);
        long size = store.head(key).map(BlobInfo::size).orElseGet(() -> renderTile(view, tile, key));
        return new Served(event.slug(), key, fingerprint + "-" + view.watermarkVersion() + "-tile" + n + "-" + index, size,
                "image/jpeg", null, fingerprint);
    }

    /** The photo as downloaded: the original, or the watermarked copy when downloads are watermarked. */
    public Served download(GuestAccess access, Photo photo, Client client, String token) {
        Event event = access.event();
        String fingerprint = event.protection().tracesGuests()
                ? admit(access, photo.id(), client, token, Purpose.DOWNLOAD, "download") : null;
        if (event.watermarkDownloads()) { // never the original: the copy with the watermark in force
            return rendition(event, renditions.copyOf(lookOf(event), photo.id(), photo.key()), photo.id(),
                    WatermarkService.jpegName(photo.filename()), fingerprint);
        }
        if (fingerprint != null && !Fingerprints.canEmbed(photo.contentType())) {
            return rendition(event, renditions.plainCopyOf(lookOf(event), photo.id(), photo.key()), photo.id(),
                    WatermarkService.jpegName(photo.filename()), fingerprint);
        }
        return original(photo, photo.filename(), fingerprint);
    }

    public Served thumbnail(GuestAccess access, Photo photo, Client client) {
        String fingerprint = traceWithoutToken(access, photo.id(), client, "thumbnail");
        return derived(access.event().slug(), photo.thumbnailKey(), "thumb-" + photo.id(), fingerprint);
    }

    /** The hero image: with the view watermark when it is on; none at maximum, where photos exist only as tiles. */
    public Served hero(GuestAccess access, Client client) {
        Event event = access.event();
        if (event.heroKey() == null) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "gallery '" + event.slug() + "' has no hero image");
        }
        if (event.protection().fragments()) {
            throw new PicPeakException(ErrorCode.TILES_ONLY, "gallery '" + event.slug() + "' shows photos only as "
                    + "tiles, so it has no hero image");
        }
        String fingerprint = traceWithoutToken(access, event.heroPhotoId(), client, "hero");
        Optional<WatermarkService.Copy> marked = renditions.heroCopyOf(lookOf(event));
        if (marked.isPresent()) {
            return rendition(event, marked.get(), "hero-" + event.heroPhotoId(), null, fingerprint);
        }
        return derived(event.slug(), event.heroKey(), "hero-" + event.heroPhotoId(), fingerprint);
    }

    /**
     * Download All at enhanced and maximum: a signed-in session and the client's rate limit, like every image
     * route (the archive's entries are the stored files: they carry no fingerprint).
     */
    public void admitArchive(GuestAccess access, Client client) {
        if (access.event().protection().tracesGuests()) {
            requireSession(access);
            countAgainstLimit(access, client);
        }
    }

    /** An opened image: its bytes (fingerprinted when it is) and their exact length. */
    public record Opened(InputStream stream, long length) implements Closeable {
        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    /**
     * The served bytes: the stored object, with the fingerprint written in when there is one. The length is the
     * opened object's (not the catalog's) plus the fingerprint's block.
     */
    public Opened open(Served served) throws IOException {
        BlobRead read = store.get(served.key());
        long stored = read.info().size();
        if (!served.fingerprinted()) {
            return new Opened(read.stream(), stored);
        }
        try {
            InputStream embedded = Fingerprints.embed(served.contentType(), read.stream(), served.fingerprintId());
            return new Opened(new FilterInputStream(embedded) {
                @Override
                public void close() throws IOException {
                    read.close();
                }
            }, stored + Fingerprints.addedBytes(served.contentType(), served.fingerprintId()));
        } catch (IOException | RuntimeException e) {
            read.close();
            throw e;
        }
    }

    /**
     * Stores the fingerprinted bytes (for a body too large to answer inline in the serverless shape, which is
     * then handed out by presigned URL) and returns the key.
     */
    public String storeFingerprinted(Served served) throws IOException {
        String name = served.downloadName() != null ? served.downloadName() : "image.jpg";
        // one copy per guest and stored object (the original, a rendition, a tile): made once, then reused
        String source = HexFormat.of().formatHex(Hmac.sha256(fingerprintKey, served.key()), 0, 8);
        String key = Keys.fingerprintedCopy(served.slug(), served.fingerprintId() + "-" + source, name);
        if (store.head(key).map(BlobInfo::size).orElse(-1L) == served.length()) {
            return key;
        }
        try (Opened opened = open(served)) {
            store.put(key, opened.stream(), PutOptions.of(served.contentType()));
        }
        return key;
    }

    /** Who received the images carrying this fingerprint. */
    public Optional<ProtectionStore.AccessRecord> lookup(String fingerprintId) {
        if (!fingerprintId.matches("[a-f0-9]{20}")) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "a fingerprint id is 20 hex digits, not '"
                    + fingerprintId + "'");
        }
        return records.findServe(fingerprintId);
    }

    /** The fingerprint id a (leaked) image file carries, if any. */
    public static Optional<String> readFingerprint(InputStream image) throws IOException {
        return Fingerprints.read(image);
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

    static TileLayout layout(WatermarkService.Copy view, int n) {
        List<Tile> tiles = new ArrayList<>(n * n);
        for (int row = 0; row < n; row++) {
            for (int column = 0; column < n; column++) {
                int x0 = (int) ((long) column * view.width() / n);
                int x1 = (int) ((long) (column + 1) * view.width() / n);
                int y0 = (int) ((long) row * view.height() / n);
                int y1 = (int) ((long) (row + 1) * view.height() / n);
                tiles.add(new Tile(row * n + column, x0, y0, x1 - x0, y1 - y0));
            }
        }
        return new TileLayout(n, n, view.width(), view.height(), List.copyOf(tiles));
    }

    /** Rate limit, session, token, then the access log: what every traced image with a token goes through. */
    private String admit(GuestAccess access, String photoId, Client client, String token, Purpose purpose,
                         String variant) {
        Event event = access.event();
        String sessionId = requireSession(access).sessionId();
        countAgainstLimit(access, client);
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

    private String traceWithoutToken(GuestAccess access, String photoId, Client client, String variant) {
        if (!access.event().protection().tracesGuests()) {
            return null;
        }
        String sessionId = requireSession(access).sessionId();
        countAgainstLimit(access, client);
        return record(access.event().slug(), sessionId, photoId, clientHash(client), variant);
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

    private void countAgainstLimit(GuestAccess access, Client client) {
        Instant now = clock.instant();
        if (records.countRequest(rateKey(access, client), now) > requestsPerMinute) {
            Duration wait = Duration.between(now, Instant.ofEpochSecond((now.getEpochSecond() / 60 + 1) * 60));
            throw new TooManyRequestsException("too many image requests (more than " + requestsPerMinute
                    + " a minute): try again in " + TooManyRequestsException.wholeSeconds(wait) + " s", wait);
        }
    }

    private Served original(Photo photo, String downloadName, String fingerprint) {
        String etag = fingerprint == null ? photo.sha256() : fingerprint + "-" + photo.sha256();
        return new Served(photo.eventSlug(), photo.key(), etag, photo.size(), photo.contentType(), downloadName, fingerprint);
    }

    /** What the renditions need of the event (media does not read the catalog). */
    static GalleryLook lookOf(Event event) {
        Protection p = event.protection();
        return new GalleryLook(event.slug(), p.watermarkViews(), p.position().wireName(), p.sizePercent(),
                p.opacityPercent(), event.heroPhotoId(), event.heroKey());
    }

    private Served rendition(Event event, WatermarkService.Copy copy, String photoId, String downloadName,
                             String fingerprint) {
        String etag = (fingerprint == null ? "" : fingerprint + "-") + copy.watermarkVersion() + "-" + photoId;
        return new Served(event.slug(), copy.key(), etag, copy.size(), "image/jpeg", downloadName, fingerprint);
    }

    private Served derived(String slug, String key, String etag, String fingerprint) {
        if (fingerprint == null) {
            return new Served(slug, key, etag, -1, "image/jpeg", null, null);
        }
        long size = store.head(key).map(BlobInfo::size).orElseThrow(() -> new PicPeakException(ErrorCode.NOT_FOUND,
                "the image '" + key + "' is missing from storage"));
        return new Served(slug, key, fingerprint + "-" + etag, size, "image/jpeg", null, fingerprint);
    }

    private long renderTile(WatermarkService.Copy view, Tile tile, String key) {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream(64 * 1024);
        try (BlobRead read = store.get(view.key())) {
            renderer.tile(read.stream(), new Rectangle(tile.x(), tile.y(), tile.width(), tile.height()), jpeg);
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + view.key() + "' failed: " + e, e);
        }
        return store.put(key, new ByteArrayInputStream(jpeg.toByteArray()), PutOptions.of("image/jpeg")).size();
    }
}
