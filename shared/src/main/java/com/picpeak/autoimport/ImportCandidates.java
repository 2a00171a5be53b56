package com.picpeak.autoimport;

import com.picpeak.error.ErrorCode;
import com.picpeak.storage.Keys;

import java.util.EnumSet;
import java.util.Set;

/** Which files in an event folder auto-import looks at, and which failures are final. */
public final class ImportCandidates {

    /**
     * Failures that the same bytes would meet again: the object is reported once and left alone until it
     * is replaced (new etag). Anything else (storage or catalog unavailable) is retried at the next poll.
     */
    private static final Set<ErrorCode> FINAL = EnumSet.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.CORRUPT_IMAGE,
            ErrorCode.TRUNCATED_IMAGE, ErrorCode.IMAGE_TOO_LARGE, ErrorCode.FILE_TOO_LARGE, ErrorCode.DUPLICATE_PHOTO,
            ErrorCode.INVALID_FILENAME, ErrorCode.INVALID_KEY);

    private ImportCandidates() {
    }

    /**
     * The file name of a key directly in the event's folder that could be a photo, or null for what is
     * not: dot-files (editors' and the OS's), anything in a sub-folder (the {@code .download-cache} of
     * generated archives among them).
     */
    public static String filenameOf(String slug, String key) {
        String folder = Keys.eventFolder(slug);
        if (!key.startsWith(folder)) {
            return null;
        }
        return plainName(key.substring(folder.length()));
    }

    /** {@code relative} when it is a plain visible file name (no folder, no leading dot), else null. */
    public static String plainName(String relative) {
        if (relative.isEmpty() || relative.contains("/") || relative.startsWith(".")) {
            return null;
        }
        return relative;
    }

    public static boolean isFinal(ErrorCode code) {
        return FINAL.contains(code);
    }
}
