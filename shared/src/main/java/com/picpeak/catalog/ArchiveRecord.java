package com.picpeak.catalog;

import java.time.Instant;

/**
 * The state of one cached archive (an event revision and a variant such as the originals). A build
 * claims the record first, so concurrent first requests build once; a crashed build leaves BUILDING
 * with an expired lease, which the next request may claim again. Only READY means the object is whole.
 */
public record ArchiveRecord(String slug, String variant, long revision, State state, long length,
                            Instant leaseUntil, String error) {

    public enum State { BUILDING, READY, FAILED }
}
