package com.picpeak.catalog;

import java.time.Instant;

/**
 * The state of one cached Download All zip (an event revision and a variant such as the originals), written by its
 * build job: BUILDING, then READY (the object is whole) or FAILED (the job failed for good, with the reason;
 * that revision is not built again). The job's own lease covers a builder that died.
 */
public record DownloadAllRecord(String slug, String variant, long revision, State state, long length,
                                Instant leaseUntil, String error) {

    public enum State { BUILDING, READY, FAILED }
}
