package com.picpeak.autoimport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.time.Instant;
import java.util.List;

/**
 * What one poll of the S3 prefix walker did. {@code objectsListed} counts every object in the event
 * prefixes; {@code newSightings} those seen for the first time (or changed), {@code waiting} those seen
 * before but not yet long enough; {@code skipped} were imported already (or rejected before);
 * {@code failed} could not be imported, with {@code failures} naming them (each reported once);
 * {@code errors} are whole events the poll could not list (S3 unreachable, ...).
 * {@code s3Requests} is every S3 request this poll sent, listing pages and imports alike.
 * {@code resumeAfter}: the poll ran out of time after this event (in slug order); the next one goes on from
 * there. Null when the poll covered every event.
 * {@code missedByPush}: with push import on, the walker is its reconciler, and each object it imported is one that no
 * notification had imported (a lost notification, a store without them); {@code missed} names them (up to 50).
 * Always 0 when push import is off.
 */
public record PollReport(
        Instant startedAt,
        long durationMs,
        int events,
        long objectsListed,
        long newSightings,
        long waiting,
        long imported,
        long skipped,
        long failed,
        long s3Requests,
        List<String> failures,
        List<String> errors,
        String resumeAfter,
        long missedByPush,
        List<String> missed) {

    public PollReport {
        missed = missed == null ? List.of() : missed; // reports saved before push import had none
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public boolean ok() {
        return errors.isEmpty();
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a poll report could not be written as JSON", e);
        }
    }

    public static PollReport fromJson(String json) {
        try {
            return JSON.readValue(json, PollReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a poll report: " + json, e);
        }
    }

    /** One line for logs and the CLI. */
    public String summary() {
        return String.format("%d events, %d objects listed, %d new sightings, %d waiting, %d imported, %d skipped, "
                        + "%d failed, %d S3 requests, %d ms%s", events, objectsListed, newSightings, waiting, imported,
                skipped, failed, s3Requests, durationMs, errors.isEmpty() ? "" : ", errors: " + errors)
                + (resumeAfter == null ? "" : ", out of time after event " + resumeAfter + " (the next poll goes on)")
                + (missedByPush == 0 ? "" : ", " + missedByPush + " missed by push import: " + missed);
    }
}
