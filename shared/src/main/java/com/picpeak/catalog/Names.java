package com.picpeak.catalog;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The rules for names that reach storage keys from outside: event slugs, file names, photo ids. */
public final class Names {
    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");
    private static final Pattern PHOTO_ID = Pattern.compile("[0-9a-z]{8,32}");
    /**
     * Every name stored for a file must fit the 255 bytes file systems allow: the local store keeps its metadata in
     * {@code <name>.properties} (11 bytes more) and a name taken in the event becomes {@code name-49.ext} at most
     * (3 more). 240 leaves room for both, on every backend alike (so a migration never meets a name it cannot store).
     */
    public static final int MAX_FILENAME_BYTES = 240;

    private Names() {
    }

    /** 1-64 characters of [a-z0-9-], not starting or ending with '-'. */
    public static String slug(String slug) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new PicPeakException(ErrorCode.INVALID_SLUG, "event slug '" + shown(slug) + "' must be 1 to 64 "
                    + "characters of a-z, 0-9 and '-', not starting or ending with '-'");
        }
        return slug;
    }

    /** A photo id as this server issues them; anything else cannot name a photo. */
    public static boolean isPhotoId(String id) {
        return id != null && PHOTO_ID.matcher(id).matches();
    }

    /**
     * A file name as a photographer's camera or computer writes it: at most 240 bytes, no folder
     * separators, no control characters (NUL included), not '.' or '..', not hidden (a leading dot marks
     * generated files, which are never imported).
     */
    public static String filename(String filename) {
        if (filename == null || filename.isBlank()) {
            throw invalidFilename(filename, "is empty");
        }
        if (filename.getBytes(StandardCharsets.UTF_8).length > MAX_FILENAME_BYTES) {
            throw invalidFilename(filename, "is longer than " + MAX_FILENAME_BYTES + " bytes (UTF-8), the most that "
                    + "leaves room for the names stored beside it: rename the file");
        }
        if (filename.contains("/") || filename.contains("\\")) {
            throw invalidFilename(filename, "contains a folder separator ('/' or '\\\\'): send the file name only");
        }
        for (int i = 0; i < filename.length(); i++) {
            char c = filename.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw invalidFilename(filename, "contains a control character (code " + (int) c + ")");
            }
        }
        if (filename.startsWith(".")) {
            throw invalidFilename(filename, "starts with '.': hidden files are not photos");
        }
        if (!filename.equals(filename.strip())) {
            throw invalidFilename(filename, "starts or ends with white space");
        }
        return filename;
    }

    private static PicPeakException invalidFilename(String filename, String why) {
        return new PicPeakException(ErrorCode.INVALID_FILENAME, "file name '" + shown(filename) + "' " + why);
    }

    private static String shown(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(value.length(), 80); i++) {
            char c = value.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return value.length() > 80 ? sb + "..." : sb.toString();
    }
}
