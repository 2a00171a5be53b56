package com.picpeak.catalog;

/**
 * Key shapes of the catalog table that more than one store needs (the rest stay private to their store).
 * A job's lock lives apart from the event it is about, so deleting the event's rows cannot drop it.
 */
public final class CatalogKeys {
    /** The sort key of every lock row. */
    public static final String LOCK_SK = "LOCK";
    /** The exclusion group of the jobs that change a whole event (archive, restore, delete). */
    public static final String EVENT_JOBS = "event";

    private CatalogKeys() {
    }

    public static String eventPk(String slug) {
        return "EVENT#" + slug;
    }

    /** The rows of the parts written so far of one unfinished object ({@code zip.ZipParts}), one per part. */
    public static String zipPartsPk(String key, String uploadId) {
        return "ZIPPARTS#" + key + "#" + uploadId;
    }

    /** The lock row held by the one unfinished job of a group and target. */
    public static String jobLockPk(String group, String target) {
        return "JOBLOCK#" + group + "#" + target;
    }
}
