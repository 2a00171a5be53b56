package com.picpeak.storage;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The rules every storage key obeys, and the keys with a fixed name. */
public final class Keys {

    /** HEADed (and created when missing) by the start-up check. */
    public static final String SENTINEL = ".picpeak-sentinel";

    /** S3's limit on a key; the local store keeps the same so that migration never meets a surprise. */
    public static final int MAX_KEY_BYTES = 1024;

    private Keys() {
    }

    /** Where a photographer's file is stored: what is dropped is what is stored. */
    public static String original(String slug, String filename) {
        return "events/active/" + slug + "/" + filename;
    }

    /** The folder the watcher and the walker import from. */
    public static String eventFolder(String slug) {
        return "events/active/" + slug + "/";
    }

    /** 300 px cover thumbnail, JPEG, named by photo id so same-named files never collide. */
    public static String thumbnail(String slug, String photoId) {
        return "thumbnails/" + slug + "/" + photoId + ".jpg";
    }

    /** 1920x1080 cover hero image of the event. */
    public static String hero(String slug, String photoId) {
        return "heroes/" + slug + "/" + photoId + ".jpg";
    }

    /** The folder of an event's cached Download All archives (a dot-folder: never imported). */
    public static String downloadCacheFolder(String slug) {
        return eventFolder(slug) + ".download-cache/";
    }

    /**
     * A cached Download All archive of one revision of the event: {@code <revision>.zip} for the originals,
     * {@code <revision>-wm-<version>.zip} for a watermarked variant (a new watermark never reuses a file),
     * {@code <revision>-web-r1.zip} for a sized one.
     */
    public static String downloadCache(String slug, long revision, String variant) {
        return downloadCacheFolder(slug) + revision + ("originals".equals(variant) ? "" : "-" + variant) + ".zip";
    }

    /** The watermark laid on downloads: the event's own, else the global one. */
    public static String watermarkImage(String slugOrNull) {
        return slugOrNull == null ? "branding/watermark.png" : "branding/" + slugOrNull + "/watermark.png";
    }

    /** The watermarked copy of a photo, per watermark version (a new watermark makes new copies). */
    public static String watermarkedCopy(String slug, String photoId, String watermarkVersion) {
        return "watermarks/" + slug + "/" + photoId + "-" + watermarkVersion + ".jpg";
    }

    /** Every rendition of one photo (watermarked copies, view renditions, tiles), whatever their version. */
    public static String renditionsOf(String slug, String photoId) {
        return "watermarks/" + slug + "/" + photoId + "-";
    }

    /**
     * A rendition tier of a photo (a thumbnail or preview size), per rendition version: a cache, rebuilt on demand
     * when deleted, and under {@link #renditionsOf} so that deleting the photo deletes it.
     */
    public static String tierRendition(String slug, String photoId, String tier, String version) {
        return renditionsOf(slug, photoId) + tier + "-" + version + ".jpg";
    }

    /**
     * A download with a guest's fingerprint written into it, stored only when it is too large to answer inline
     * (serverless shape) and handed out by a short presigned URL; the stack's lifecycle rule removes it.
     */
    public static String fingerprintedCopy(String slug, String fingerprintId, String filename) {
        return "fingerprinted/" + slug + "/" + fingerprintId + "/" + filename;
    }

    /** The archive of an expired event, once its photos were moved out of the active folders. */
    public static String archivedEvent(String slug) {
        return "events/archived/" + slug + ".zip";
    }

    /** Staging area of a direct (presigned PUT) upload, outside the imported folders until it is checked. */
    public static String directUpload(String slug, String uploadId) {
        return "uploads/" + slug + "/" + uploadId;
    }

    /** Keys under this prefix name files of {@code EXTERNAL_MEDIA_ROOT}, never objects of the backend. */
    public static final String EXTERNAL_PREFIX = "external/";

    /** A referenced original: {@code external/<folder>/<filename>}, the folder relative to the external root. */
    public static String external(String folder, String filename) {
        return EXTERNAL_PREFIX + folder + "/" + filename;
    }

    /**
     * Every prefix of objects that belong to one event (for deleting the event): its folders, its own
     * watermark, and its archive (a slug has no '.', so the archive's key is a prefix of nothing else).
     */
    public static List<String> eventPrefixes(String slug) {
        return List.of(eventFolder(slug), "thumbnails/" + slug + "/", "heroes/" + slug + "/",
                "watermarks/" + slug + "/", "uploads/" + slug + "/", "fingerprinted/" + slug + "/",
                "branding/" + slug + "/", archivedEvent(slug));
    }

    /**
     * Refuses a key that is empty, too long, absolute, ends in '/', contains a backslash, a control
     * character (NUL included) or an empty, '.' or '..' segment: nothing may address a place outside
     * the store's root or prefix, nor mean different objects on different backends.
     */
    public static String validate(String key) {
        if (key == null || key.isEmpty()) {
            throw invalid(key, "is empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw invalid(key, "is longer than " + MAX_KEY_BYTES + " bytes");
        }
        if (key.startsWith("/")) {
            throw invalid(key, "is absolute: keys are relative to the storage root");
        }
        if (key.endsWith("/")) {
            throw invalid(key, "ends with '/': a key names an object, not a folder");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\') {
                throw invalid(key, "contains a backslash: use '/' between folders");
            }
            if (c < 0x20 || c == 0x7f) {
                throw invalid(key, "contains a control character (code " + (int) c + ")");
            }
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw invalid(key, "contains an empty, '.' or '..' segment");
            }
        }
        return key;
    }

    /** A listing prefix: like a key, but empty and a trailing '/' are allowed. */
    public static String validatePrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        validate(body);
        return prefix;
    }

    private static PicPeakException invalid(String key, String why) {
        String shown = key == null ? "null" : printable(key);
        return new PicPeakException(ErrorCode.INVALID_KEY, "storage key '" + shown + "' " + why);
    }

    private static String printable(String key) {
        StringBuilder sb = new StringBuilder();
        int shownChars = Math.min(key.length(), 120);
        for (int i = 0; i < shownChars; i++) {
            char c = key.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return key.length() > shownChars ? sb + "..." : sb.toString();
    }
}
