package com.picpeak.catalog;

import java.util.Arrays;
import java.util.Locale;

/** How a photo arrived. Every source goes through the same ImportService. */
public enum PhotoSource {
    UPLOAD, WATCH, S3_IMPORT, MIGRATION, EXTERNAL;

    /** The name in JSON, webhooks and the catalog: {@code upload}, {@code s3-import}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static PhotoSource fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown photo source '" + name + "'"));
    }
}
