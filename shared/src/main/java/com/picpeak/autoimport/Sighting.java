package com.picpeak.autoimport;

import java.time.Instant;

/**
 * What a poll saw of an object not yet imported. The object is imported by a later poll that sees the
 * same etag and size again; {@code rejectedBecause} is set once an import of exactly this version failed
 * for a reason that another try cannot fix (not an image, a duplicate): it is reported once, then left.
 */
public record Sighting(String filename, String etag, long size, Instant seenAt, String rejectedBecause) {

    public boolean sameVersion(String otherEtag, long otherSize) {
        return size == otherSize && etag.equals(otherEtag);
    }

    public boolean rejected() {
        return rejectedBecause != null;
    }
}
