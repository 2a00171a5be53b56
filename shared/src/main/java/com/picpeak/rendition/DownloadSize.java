package com.picpeak.rendition;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sizes a single photo is downloaded at: the original (the default), "large" (fitted into 2560 px) and "web"
 * (fitted into 2048 px), never larger than the original. A sized download is a JPEG rendition made like the tiers.
 */
public enum DownloadSize {
    ORIGINAL(null),
    LARGE(Tier.DOWNLOAD_LARGE),
    WEB(Tier.DOWNLOAD_WEB);

    private final Tier tier;

    DownloadSize(Tier tier) {
        this.tier = tier;
    }

    /** The rendition tier of a sized download; null for the original. */
    public Tier tier() {
        return tier;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The download name of a sized copy: {@code IMG_1.jpg} at "web" is {@code IMG_1-web.jpg}. */
    public String fileName(String filename) {
        int dot = filename.lastIndexOf('.');
        String base = dot > 0 ? filename.substring(0, dot) : filename;
        return this == ORIGINAL ? filename : base + "-" + wireName() + ".jpg";
    }

    /** The sizes worth offering for a photo of this size: the original, and each smaller size that is smaller. */
    public static List<DownloadSize> offered(int width, int height) {
        return offered(width, height, List.of(values()));
    }

    /**
     * Of the event's sizes {@code eventSizes}, those worth offering for a photo of this size: the original, and
     * each smaller size that is smaller than the photo.
     */
    public static List<DownloadSize> offered(int width, int height, List<DownloadSize> eventSizes) {
        List<DownloadSize> sizes = new ArrayList<>(List.of(ORIGINAL));
        for (DownloadSize size : List.of(LARGE, WEB)) {
            if (eventSizes.contains(size) && Math.max(width, height) > size.tier.edge()) {
                sizes.add(size);
            }
        }
        return sizes;
    }

    /** The size named by a request's {@code size} parameter (null: the original). */
    public static DownloadSize parse(String value) {
        return value == null ? ORIGINAL : parse(value, "size");
    }

    /** The size of this wire name; an unknown name is a 400 naming it and the {@code field} it came in. */
    public static DownloadSize parse(String value, String field) {
        for (DownloadSize size : values()) {
            if (size.wireName().equals(value)) {
                return size;
            }
        }
        throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"" + field + "\" must be original, large (2560 px) "
                + "or web (2048 px), not '" + value + "'");
    }

    /** The sizes of these wire names (an event's offered sizes), in their canonical order. */
    public static List<DownloadSize> named(List<String> wireNames) {
        List<DownloadSize> sizes = new ArrayList<>();
        for (DownloadSize size : values()) {
            if (wireNames.contains(size.wireName())) {
                sizes.add(size);
            }
        }
        return sizes;
    }
}
