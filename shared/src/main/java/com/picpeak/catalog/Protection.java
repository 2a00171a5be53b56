package com.picpeak.catalog;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.util.Locale;

/**
 * How an event's images are protected when guests view them (docs/protection.md):
 * <ul>
 *   <li>{@code basic}: the stored files as they are (a view watermark still applies when switched on);</li>
 *   <li>{@code standard} (default): as basic; the guest page discourages saving (no context menu, no drag);</li>
 *   <li>{@code enhanced}: every image served carries a fingerprint of the guest's session, recorded in the
 *       access log; image URLs need a short-lived token; the client is rate limited on image routes;</li>
 *   <li>{@code maximum}: as enhanced, and the photo is shown only as a grid of tiles reassembled on a canvas.</li>
 * </ul>
 * The view watermark (the event's or the global watermark image) is laid on viewed images when
 * {@code watermarkViews} is on, at {@code position}, {@code sizePercent} of the image width and
 * {@code opacityPercent}.
 */
public record Protection(Level level, boolean watermarkViews, Position position, int sizePercent, int opacityPercent,
                         int fragmentationLevel) {

    public static final Protection DEFAULT = new Protection(Level.STANDARD, false, Position.BOTTOM_RIGHT, 25, 60, 3);
    public static final int MIN_SIZE_PERCENT = 5;
    public static final int MAX_SIZE_PERCENT = 100;
    public static final int MIN_OPACITY_PERCENT = 5;
    public static final int MAX_OPACITY_PERCENT = 100;
    public static final int MIN_FRAGMENTATION = 2;
    public static final int MAX_FRAGMENTATION = 8;

    public enum Level {
        BASIC, STANDARD, ENHANCED, MAXIMUM;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Level parse(String value) {
            return parseEnum(Level.class, value, "protectionLevel", "basic, standard, enhanced or maximum");
        }
    }

    /** Where the watermark sits on the image. */
    public enum Position {
        TOP_LEFT, TOP_RIGHT, CENTER, BOTTOM_LEFT, BOTTOM_RIGHT;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Position parse(String value) {
            return parseEnum(Position.class, value == null ? null : value.replace('-', '_'), "watermarkPosition",
                    "top-left, top-right, center, bottom-left or bottom-right");
        }
    }

    public Protection {
        if (level == null || position == null) {
            throw new IllegalArgumentException("level and position are required");
        }
        requireBetween("watermarkSize", sizePercent, MIN_SIZE_PERCENT, MAX_SIZE_PERCENT);
        requireBetween("watermarkOpacity", opacityPercent, MIN_OPACITY_PERCENT, MAX_OPACITY_PERCENT);
        requireBetween("fragmentationLevel", fragmentationLevel, MIN_FRAGMENTATION, MAX_FRAGMENTATION);
    }

    /** Images served carry a fingerprint, need an access token and count against the rate limit. */
    public boolean tracesGuests() {
        return level.compareTo(Level.ENHANCED) >= 0;
    }

    /** The photo is shown only as tiles. */
    public boolean fragments() {
        return level == Level.MAXIMUM;
    }

    public Protection with(Level newLevel, Boolean views, Position newPosition, Integer size, Integer opacity,
                           Integer fragmentation) {
        return new Protection(newLevel != null ? newLevel : level, views != null ? views : watermarkViews,
                newPosition != null ? newPosition : position, size != null ? size : sizePercent,
                opacity != null ? opacity : opacityPercent, fragmentation != null ? fragmentation : fragmentationLevel);
    }

    private static void requireBetween(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"" + field + "\" must be " + min + " to " + max
                    + ", not " + value);
        }
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String field, String allowed) {
        if (value != null) {
            for (E candidate : type.getEnumConstants()) {
                if (candidate.name().equalsIgnoreCase(value.trim())) {
                    return candidate;
                }
            }
        }
        throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"" + field + "\" must be " + allowed + ", not '"
                + value + "'");
    }
}
