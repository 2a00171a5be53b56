package com.picpeak.catalog;

/**
 * The claim on a file name within an event: taken by an import under way ({@code photoId} null), by an
 * imported photo ({@code photoId}, with the etag of the object version it was read from, null for photos
 * imported before versions were recorded), or a deleted photo's tombstone.
 */
public record FileClaim(String filename, String photoId, String objectEtag, String tombstone) {
}
