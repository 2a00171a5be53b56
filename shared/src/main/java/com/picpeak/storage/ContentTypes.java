package com.picpeak.storage;

import java.util.Locale;
import java.util.Map;

/** Content type by file extension, for objects stored without one (files dropped in by hand). */
public final class ContentTypes {
    public static final String OCTET_STREAM = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("png", "image/png"), Map.entry("webp", "image/webp"),
            Map.entry("heic", "image/heic"), Map.entry("heif", "image/heif"),
            Map.entry("gif", "image/gif"), Map.entry("zip", "application/zip"),
            Map.entry("json", "application/json"), Map.entry("txt", "text/plain"));

    private ContentTypes() {
    }

    public static String guess(String key) {
        int dot = key.lastIndexOf('.');
        int slash = key.lastIndexOf('/');
        if (dot <= slash + 1) {
            return OCTET_STREAM;
        }
        return BY_EXTENSION.getOrDefault(key.substring(dot + 1).toLowerCase(Locale.ROOT), OCTET_STREAM);
    }
}
