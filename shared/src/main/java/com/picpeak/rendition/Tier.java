package com.picpeak.rendition;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.util.ArrayList;
import java.util.List;

/**
 * A size a guest is shown. Thumbnails are square covers (the grid's cells) at 1x and 2x; previews fit the photo
 * into a long edge. No tier is larger than the original: a preview of a smaller photo keeps the photo's size.
 */
public enum Tier {
    THUMB_300("t300", 300, true),
    THUMB_600("t600", 600, true),
    PREVIEW_1280("p1280", 1280, false),
    PREVIEW_1920("p1920", 1920, false),
    PREVIEW_2560("p2560", 2560, false),
    /** Download sizes (see {@link DownloadSize}): fitted like previews, never listed or served as a view. */
    DOWNLOAD_LARGE("d2560", 2560, false),
    DOWNLOAD_WEB("d2048", 2048, false);

    /** Width and height of a rendition, upright. */
    public record Size(int width, int height) {
    }

    private final String wireName;
    private final int edge;
    private final boolean thumbnail;

    Tier(String wireName, int edge, boolean thumbnail) {
        this.wireName = wireName;
        this.edge = edge;
        this.thumbnail = thumbnail;
    }

    public String wireName() {
        return wireName;
    }

    public int edge() {
        return edge;
    }

    public boolean thumbnail() {
        return thumbnail;
    }

    /** A download size rather than something a guest views. */
    public boolean download() {
        return this == DOWNLOAD_LARGE || this == DOWNLOAD_WEB;
    }

    /**
     * The rendition's size for a photo of {@code width x height} (upright). The 300 px thumbnail is the one the
     * import made (always 300 x 300); the 600 px one is at most the photo's short edge; a preview scales the photo
     * down to the long edge, never up.
     */
    public Size sizeFor(int width, int height) {
        if (this == THUMB_300) {
            return new Size(edge, edge);
        }
        if (thumbnail) {
            int side = Math.max(1, Math.min(edge, Math.min(width, height)));
            return new Size(side, side);
        }
        double scale = Math.min(1.0, (double) edge / Math.max(width, height));
        return new Size(Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale)));
    }

    /**
     * The tiers worth offering for a photo of this size: the thumbnails (600 only when the photo is larger than
     * 300 on its short edge), and each preview smaller than the photo plus the first that reaches it (at the
     * photo's own size); larger ones would repeat it.
     */
    public static List<Tier> offered(int width, int height) {
        List<Tier> tiers = new ArrayList<>(List.of(THUMB_300));
        if (Math.min(width, height) > THUMB_300.edge) {
            tiers.add(THUMB_600);
        }
        int longEdge = Math.max(width, height);
        for (Tier tier : List.of(PREVIEW_1280, PREVIEW_1920, PREVIEW_2560)) {
            tiers.add(tier);
            if (tier.edge >= longEdge) {
                break;
            }
        }
        return tiers;
    }

    /** The largest preview worth offering for a photo of this size (the viewer's image on the largest screen). */
    public static Tier largestPreview(int width, int height) {
        List<Tier> offered = offered(width, height);
        return offered.get(offered.size() - 1);
    }

    /** A tier a guest views (a thumbnail or a preview), by its wire name. */
    public static Tier parse(String wireName) {
        for (Tier tier : values()) {
            if (!tier.download() && tier.wireName.equals(wireName)) {
                return tier;
            }
        }
        throw new PicPeakException(ErrorCode.NOT_FOUND, "there is no rendition tier '" + wireName + "': tiers are "
                + "t300, t600 (thumbnails), p1280, p1920 and p2560 (previews)");
    }
}
