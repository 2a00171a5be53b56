package com.picpeak.jobs;

import java.time.Instant;

/**
 * One job as the catalog holds it. {@code params} and {@code checkpoint} are JSON owned by the job's
 * {@link JobStep}: the parameters it was submitted with, and how far it got (what a step resumes from).
 * {@code attempts} counts the failed or interrupted steps since the last one that made progress.
 */
public record Job(String id, JobKind kind, String target, JobState state, int attempts, int maxAttempts,
                  String leaseOwner, Instant leaseUntil, Instant notBefore, Progress progress, String params,
                  String checkpoint, String lastError, String result, Instant createdAt, Instant updatedAt,
                  Instant finishedAt) {

    /** When another worker may take the job next: when its lease runs out, or it is due, whichever is later. */
    public Instant nextChance() {
        if (leaseUntil == null) {
            return notBefore;
        }
        return notBefore == null || leaseUntil.isAfter(notBefore) ? leaseUntil : notBefore;
    }

    /** A queued or running job nobody is working on: its lease ran out, or it waits with no lease. */
    public boolean abandonedAt(Instant now) {
        return state == JobState.RUNNING && leaseUntil != null && leaseUntil.isBefore(now);
    }
}
