package com.picpeak.protect;

import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.Protection;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.ContentTags;
import com.picpeak.gallery.GalleryService.GuestAccess;
import com.picpeak.gallery.GuestSessions;
import com.picpeak.media.ImageScaler;
import com.picpeak.media.RenditionMaker;
import com.picpeak.protect.FingerprintedDelivery.Served;
import com.picpeak.protect.ImageAccess.Client;
import com.picpeak.protect.ImageAccess.Purpose;
import com.picpeak.protect.ImageTiles.TileLayout;
import com.picpeak.rendition.DownloadSize;
import com.picpeak.rendition.Tier;
import com.picpeak.rendition.TierRenditions;

import static com.picpeak.rendition.TierRenditions.lookOf;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The protection policy: decides what a guest's image request is answered with, by the event's
 * {@link Protection}: the stored original, a (watermarked) rendition, or a tile, and whether a fingerprint of the
 * guest's session is written into it. At {@code enhanced} and {@code maximum} every image route goes through
 * {@link ImageAccess} (session, rate limit, access log), and the full view, tiles and downloads also need an
 * access token from {@link #grant}. Tiles are cut by {@link ImageTiles}; the bytes go out through
 * {@link FingerprintedDelivery}.
 */
public final class ImageProtection {
    /** Permission to fetch a photo: a token (null where the level needs none) and, at maximum, the tiles. */
    public record Grant(Purpose purpose, String token, Instant expiresAt, int uses, TileLayout tiles) {
    }

    private final BlobStore store;
    private final RenditionMaker renditions;
    private final TierRenditions tierRenditions;
    private final ImageAccess access;
    private final ImageTiles tiles;
    private final FingerprintedDelivery delivery;
    private final TierUrlTokens tierUrls;

    /** A tier served by a signed URL: the same bytes for every holder of the URL until {@code expiresAt}. */
    public record SignedServe(Served served, Instant expiresAt) {
    }

    /**
     * Signs the tier URLs of one event's listing (basic and standard only). Each tier's rendition version is found
     * once per signer, so a listing page costs one version lookup per tier, not per photo.
     */
    public final class TierUrlSigner {
        private final Event event;
        private final Map<Tier, String> versions = new EnumMap<>(Tier.class);

        private TierUrlSigner(Event event) {
            this.event = event;
        }

        /** The window the signed URLs belong to: a listing that embeds them changes with it. */
        public long window() {
            return tierUrls.currentWindow();
        }

        /**
         * The rendition versions the signed URLs name: a new view watermark changes them without a new revision,
         * so a listing that embeds them must change with it (else a revalidating browser keeps refused URLs); so does
         * the event's access state (a new password), which they are signed under.
         */
        public String versionTag() {
            return versions.computeIfAbsent(Tier.PREVIEW_1280, t -> tierRenditions.version(event, t))
                    + "-" + ContentTags.of(GuestSessions.accessTag(event));
        }

        /** The query that makes the tier's URL signed: {@code ?sig=<expiry>.<mac>}. */
        public String query(Photo photo, Tier tier) {
            String version = versions.computeIfAbsent(tier, t -> tierRenditions.version(event, t));
            return "?" + SIGNED_URL_PARAMETER + "=" + tierUrls.issue(event.slug(), photo.id(), tier, version,
                    GuestSessions.accessTag(event)).value();
        }
    }

    /** The query parameter of a signed tier URL (the per-guest access token of enhanced is {@code t}). */
    public static final String SIGNED_URL_PARAMETER = "sig";

    public ImageProtection(BlobStore store, RenditionMaker renditions, TierRenditions tierRenditions, ImageAccess access,
                           ImageTiles tiles, FingerprintedDelivery delivery) {
        this(store, renditions, tierRenditions, access, tiles, delivery, null);
    }

    public ImageProtection(BlobStore store, RenditionMaker renditions, TierRenditions tierRenditions, ImageAccess access,
                           ImageTiles tiles, FingerprintedDelivery delivery, TierUrlTokens tierUrls) {
        this.tierUrls = tierUrls;
        this.store = store;
        this.renditions = renditions;
        this.tierRenditions = tierRenditions;
        this.access = access;
        this.tiles = tiles;
        this.delivery = delivery;
    }

    /**
     * The policy with its parts wired from one key material (what every instance on the catalog shares).
     *
     * @param requestsPerMinute image requests one guest session may make per minute at enhanced and maximum
     */
    public static ImageProtection create(BlobStore store, RenditionMaker renditions, TierRenditions tierRenditions,
                                         ImageScaler scaler, ProtectionStore records, byte[] keyMaterial,
                                         long requestsPerMinute, Clock clock) {
        return create(store, renditions, tierRenditions, scaler, records, keyMaterial, requestsPerMinute,
                TierUrlTokens.DEFAULT_WINDOW, clock);
    }

    /** @param tierUrlWindow how long the signed tier URLs of basic and standard stay the same for every guest */
    public static ImageProtection create(BlobStore store, RenditionMaker renditions, TierRenditions tierRenditions,
                                         ImageScaler scaler, ProtectionStore records, byte[] keyMaterial,
                                         long requestsPerMinute, Duration tierUrlWindow, Clock clock) {
        return create(store, renditions, tierRenditions, scaler, records, keyMaterial, requestsPerMinute,
                ImageAccess.defaultNetworkLimit(requestsPerMinute), tierUrlWindow, clock);
    }

    /** @param networkRequestsPerMinute image requests all sessions of one client network may make per minute */
    public static ImageProtection create(BlobStore store, RenditionMaker renditions, TierRenditions tierRenditions,
                                         ImageScaler scaler, ProtectionStore records, byte[] keyMaterial,
                                         long requestsPerMinute, long networkRequestsPerMinute, Duration tierUrlWindow,
                                         Clock clock) {
        return new ImageProtection(store, renditions, tierRenditions, new ImageAccess(records, keyMaterial,
                requestsPerMinute, networkRequestsPerMinute, clock),
                new ImageTiles(store, scaler), new FingerprintedDelivery(store, keyMaterial),
                new TierUrlTokens(keyMaterial, tierUrlWindow, clock));
    }

    /**
     * The signer of the event's tier URLs at basic and standard, where every guest sees the same bytes; empty at
     * enhanced and maximum, whose images stay per guest (session, token, fingerprint) and are never cached shared.
     */
    public Optional<TierUrlSigner> tierUrlSigner(Event event) {
        if (tierUrls == null || event.protection().tracesGuests()) {
            return Optional.empty();
        }
        return Optional.of(new TierUrlSigner(event));
    }

    /**
     * The tier by its signed URL, with no session: empty when the event is not at basic or standard, or the token is
     * not this event's, photo's, tier's and rendition version's, was issued before the event's password changed (or
     * was first set), or has expired (the caller then falls back to the
     * guest's session).
     */
    public Optional<SignedServe> tierBySignedUrl(Event event, Photo photo, Tier tier, String token) {
        if (tierUrls == null || event.protection().tracesGuests() || !photo.eventSlug().equals(event.slug())) {
            return Optional.empty();
        }
        String version = tierRenditions.version(event, tier);
        Optional<Instant> expiresAt = tierUrls.verify(token, event.slug(), photo.id(), tier, version,
                GuestSessions.accessTag(event));
        if (expiresAt.isEmpty()) {
            return Optional.empty();
        }
        TierRenditions.Rendition rendition = tierRenditions.rendition(event, photo, tier);
        String etag = tier.wireName() + "-" + rendition.version() + "-" + photo.id();
        return Optional.of(new SignedServe(new Served(event.slug(), rendition.key(), etag, rendition.size(), "image/jpeg",
                null, null), expiresAt.get()));
    }

    public ImageAccess access() {
        return access;
    }

    public FingerprintedDelivery delivery() {
        return delivery;
    }

    /**
     * Issues what the guest needs to fetch the photo for {@code purpose}: a token at enhanced and maximum (each
     * grant counts against the client's rate limit, as it writes a row).
     */
    public Grant grant(GuestAccess guest, Photo photo, Purpose purpose, Client client) {
        Event event = guest.event();
        Protection protection = event.protection();
        if (!protection.tracesGuests()) {
            return new Grant(purpose, null, null, 0, null);
        }
        String sessionId = access.admitSession(guest, client);
        TileLayout layout = null;
        int uses = 1;
        if (purpose == Purpose.VIEW && protection.fragments()) {
            RenditionMaker.Copy view = renditions.viewCopyOf(lookOf(event), photo.id(), photo.key());
            layout = ImageTiles.layout(view, protection.fragmentationLevel());
            uses = layout.tiles().size();
        }
        ImageAccess.Token token = access.issueToken(event.slug(), photo.id(), sessionId, purpose, uses);
        return new Grant(purpose, token.value(), token.expiresAt(), uses, layout);
    }

    /**
     * The photo as shown in the viewer ("view original" at basic and standard): the original only where the event
     * allows downloads without a limit, since it is the download in all but name; otherwise the largest preview.
     */
    public Served view(GuestAccess guest, Photo photo, Client client, String token) {
        Event event = guest.event();
        Protection protection = event.protection();
        if (!protection.tracesGuests()) {
            Optional<RenditionMaker.Copy> marked = renditions.markedViewOf(lookOf(event), photo.id(), photo.key());
            if (marked.isPresent()) {
                return rendition(event, marked.get(), photo.id(), null, null);
            }
            // with a download limit the original is counted: "view original" would be an uncounted download
            return event.allowDownloads() && !event.limitsDownloads() ? original(photo, null, null)
                    : largestPreview(event, photo);
        }
        if (protection.fragments()) {
            throw new PicPeakException(ErrorCode.TILES_ONLY, "gallery '" + event.slug() + "' shows photos only as tiles: "
                    + "POST /api/gallery/" + event.slug() + "/photos/" + photo.id() + "/access, then fetch each tile");
        }
        String fingerprint = access.admit(guest, photo.id(), client, token, Purpose.VIEW, "view");
        return rendition(event, renditions.viewCopyOf(lookOf(event), photo.id(), photo.key()), photo.id(), null, fingerprint);
    }

    /** One tile of the view rendition (maximum only). */
    public Served tile(GuestAccess guest, Photo photo, int index, Client client, String token) {
        Event event = guest.event();
        Protection protection = event.protection();
        if (!protection.fragments()) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "gallery '" + event.slug() + "' does not serve tiles: "
                    + "only protection level maximum does");
        }
        int n = protection.fragmentationLevel();
        if (index < 0 || index >= n * n) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "tile " + index + " does not exist: tiles are 0 to " + (n * n - 1));
        }
        String fingerprint = access.admit(guest, photo.id(), client, token, Purpose.VIEW, "tile");
        RenditionMaker.Copy view = renditions.viewCopyOf(lookOf(event), photo.id(), photo.key());
        ImageTiles.StoredTile tile = tiles.tile(event.slug(), photo.id(), view, n, index);
        return new Served(event.slug(), tile.key(), fingerprint + "-" + tile.version(), tile.size(), "image/jpeg", null,
                fingerprint);
    }

    /** The photo as downloaded: the original, or the watermarked copy when downloads are watermarked. */
    public Served download(GuestAccess guest, Photo photo, Client client, String token) {
        return download(guest, photo, client, token, DownloadSize.ORIGINAL);
    }

    /**
     * The photo as downloaded at {@code size}: at the original size, the original (or the watermarked copy when
     * downloads are watermarked); at "large" or "web", a JPEG fitted into that size (with the download watermark
     * when downloads are watermarked), made on first request like the tiers.
     */
    public Served download(GuestAccess guest, Photo photo, Client client, String token, DownloadSize size) {
        Event event = guest.event();
        String fingerprint = event.protection().tracesGuests()
                ? access.admit(guest, photo.id(), client, token, Purpose.DOWNLOAD, "download") : null;
        if (size != DownloadSize.ORIGINAL) {
            TierRenditions.Rendition sized = tierRenditions.rendition(event, photo, size.tier());
            String etag = (fingerprint == null ? "" : fingerprint + "-") + sized.tier().wireName() + "-"
                    + sized.version() + "-" + photo.id();
            return new Served(event.slug(), sized.key(), etag, sized.size(), "image/jpeg",
                    size.fileName(photo.filename()), fingerprint);
        }
        if (event.watermarkDownloads()) { // never the original: the copy with the watermark in force
            return rendition(event, renditions.copyOf(lookOf(event), photo.id(), photo.key()), photo.id(),
                    RenditionMaker.jpegName(photo.filename()), fingerprint);
        }
        if (fingerprint != null && !Fingerprints.canEmbed(photo.contentType())) {
            return rendition(event, renditions.plainCopyOf(lookOf(event), photo.id(), photo.key()), photo.id(),
                    RenditionMaker.jpegName(photo.filename()), fingerprint);
        }
        return original(photo, photo.filename(), fingerprint);
    }

    /** The 300 px thumbnail (the grid's 1x). */
    public Served thumbnail(GuestAccess guest, Photo photo, Client client) {
        return tier(guest, photo, Tier.THUMB_300, client, null);
    }

    /**
     * A rendition tier of the photo, made on first request. Thumbnails are served like the grid's always were
     * (traced without a token at enhanced and maximum); previews are the viewer's image: with the view watermark
     * when it is on, only with a token and a fingerprint at enhanced, and not at all at maximum (tiles only).
     */
    public Served tier(GuestAccess guest, Photo photo, Tier tier, Client client, String token) {
        Event event = guest.event();
        Protection protection = event.protection();
        String fingerprint;
        if (tier.thumbnail()) {
            fingerprint = access.traceWithoutToken(guest, photo.id(), client, "thumbnail");
        } else if (protection.fragments()) {
            throw new PicPeakException(ErrorCode.TILES_ONLY, "gallery '" + event.slug() + "' shows photos only as tiles: "
                    + "POST /api/gallery/" + event.slug() + "/photos/" + photo.id() + "/access, then fetch each tile");
        } else if (protection.tracesGuests()) {
            fingerprint = access.admit(guest, photo.id(), client, token, Purpose.VIEW, "view");
        } else {
            fingerprint = null;
        }
        TierRenditions.Rendition rendition = tierRenditions.rendition(event, photo, tier);
        String etag = (fingerprint == null ? "" : fingerprint + "-") + tier.wireName() + "-" + rendition.version()
                + "-" + photo.id();
        return new Served(event.slug(), rendition.key(), etag, rendition.size(), "image/jpeg", null, fingerprint);
    }

    /** The hero image: with the view watermark when it is on; none at maximum, where photos exist only as tiles. */
    public Served hero(GuestAccess guest, Client client) {
        Event event = guest.event();
        if (event.heroKey() == null) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "gallery '" + event.slug() + "' has no hero image");
        }
        if (event.protection().fragments()) {
            throw new PicPeakException(ErrorCode.TILES_ONLY, "gallery '" + event.slug() + "' shows photos only as "
                    + "tiles, so it has no hero image");
        }
        String fingerprint = access.traceWithoutToken(guest, event.heroPhotoId(), client, "hero");
        Optional<RenditionMaker.Copy> marked = renditions.heroCopyOf(lookOf(event));
        if (marked.isPresent()) {
            return rendition(event, marked.get(), "hero-" + event.heroPhotoId(), null, fingerprint);
        }
        return derived(event.slug(), event.heroKey(), "hero-" + event.heroPhotoId(), fingerprint);
    }

    /**
     * Download All at enhanced and maximum: a signed-in session and the client's rate limit, like every image
     * route (the archive's entries are the stored files: they carry no fingerprint).
     */
    public void admitArchive(GuestAccess guest, Client client) {
        if (guest.event().protection().tracesGuests()) {
            access.admitSession(guest, client);
        }
    }

    private Served largestPreview(Event event, Photo photo) {
        Tier tier = Tier.largestPreview(photo.width(), photo.height());
        TierRenditions.Rendition preview = tierRenditions.rendition(event, photo, tier);
        return new Served(event.slug(), preview.key(), tier.wireName() + "-" + preview.version() + "-" + photo.id(),
                preview.size(), "image/jpeg", null, null);
    }

    private Served original(Photo photo, String downloadName, String fingerprint) {
        String etag = fingerprint == null ? photo.sha256() : fingerprint + "-" + photo.sha256();
        return new Served(photo.eventSlug(), photo.key(), etag, photo.size(), photo.contentType(), downloadName, fingerprint);
    }

    private Served rendition(Event event, RenditionMaker.Copy copy, String photoId, String downloadName,
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
}
