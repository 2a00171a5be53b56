package com.picpeak.jobs;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.util.Arrays;

/**
 * What a job does. Jobs of one exclusion group and target never run at once: archive, restore and delete
 * of one event share the group {@code event}, so they exclude one another.
 */
public enum JobKind {
    EVENT_ARCHIVE("event.archive", CatalogKeys.EVENT_JOBS),
    EVENT_RESTORE("event.restore", CatalogKeys.EVENT_JOBS),
    EVENT_DELETE("event.delete", CatalogKeys.EVENT_JOBS),
    /** One part of an event's archive zip, rendered on its own (target: the object, its upload and the part). */
    EVENT_ARCHIVE_PART("event.archive.part", "event-archive-part"),
    ARCHIVE_SWEEP("archive.sweep", "archive-sweep"),
    AUTO_IMPORT_POLL("autoimport.poll", "autoimport-poll"),
    DOWNLOAD_ALL_BUILD("downloadall.build", "downloadall"),
    /** One part of a Download All build, rendered on its own (target: the object, its upload and the part). */
    DOWNLOAD_ALL_PART("downloadall.part", "downloadall-part"),
    /** The import of a direct upload (target: the event and the upload). */
    DIRECT_UPLOAD_IMPORT("upload.import", "upload-import");

    private final String wireName;
    private final String exclusionGroup;

    JobKind(String wireName, String exclusionGroup) {
        this.wireName = wireName;
        this.exclusionGroup = exclusionGroup;
    }

    public String wireName() {
        return wireName;
    }

    /** Jobs whose group and target are equal exclude each other. */
    public String exclusionGroup() {
        return exclusionGroup;
    }

    public static JobKind fromWireName(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst().orElseThrow(() ->
                new PicPeakException(ErrorCode.INVALID_REQUEST, "kind '" + name + "' is none of "
                        + Arrays.stream(values()).map(JobKind::wireName).toList()));
    }
}
