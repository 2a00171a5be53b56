package com.picpeak.autoimport;

/**
 * One object change a store told us about, whatever shape it came in (S3 through EventBridge, an S3 event record,
 * MinIO's webhook): the bucket key as stored (URL-decoded, with any {@code STORAGE_S3_PREFIX}), and what the store
 * said of the version. {@code etag}, {@code versionId}, {@code sequencer} are null when the store did not send them.
 */
public record StorageNotification(Kind kind, String bucket, String key, String etag, String versionId, String sequencer,
                                  long size) {

    public enum Kind { CREATED, DELETED }

    /** S3's sequencer, left-padded with zeros (S3's rule: pad the shorter, then compare as text), in upper case. */
    public String orderingKey() {
        if (sequencer == null || sequencer.isBlank()) {
            return null;
        }
        String hex = sequencer.trim().toUpperCase(java.util.Locale.ROOT);
        return hex.length() >= SEQUENCER_WIDTH ? hex : "0".repeat(SEQUENCER_WIDTH - hex.length()) + hex;
    }

    /** Wider than any sequencer S3 or MinIO sends (18 and 16 hex digits seen). */
    static final int SEQUENCER_WIDTH = 40;

    /** The version this notification is about: the version id when there is one, else the ETag (may be ""). */
    public String version() {
        if (versionId != null && !versionId.isBlank() && !"null".equals(versionId)) {
            return "v:" + versionId;
        }
        return "e:" + (etag == null ? "" : etag);
    }
}
