package com.picpeak.jobs;

import com.picpeak.error.PicPeakException;
import com.picpeak.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a job's steps while its worker has time. It takes the job's lease, runs one step after another (each
 * with a deadline of {@link JobSettings#stepDeadline()}, at most the worker's own limit), saves each step's
 * checkpoint and renews the lease with it. A step that fails for a passing reason counts an attempt and is
 * tried again after a pause; when the attempts are used up, or at once for a refusal that no retry changes,
 * the job fails with the reason, and its step may undo what it left. A step that fails because storage or the
 * catalog is unavailable (an outage: a 503, no answer) is retried past the attempts, with pauses that double,
 * for as long as {@link JobSettings#retryWindow()}; meanwhile the job's last error says what it waits for
 * ({@value #WAITING_FOR_STORAGE} retry 4 at ...).
 * A worker that dies keeps the lease until it runs out: whoever takes it next counts that attempt too and
 * resumes from the last checkpoint.
 */
public final class JobRunner {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final SecureRandom OWNER_RANDOM = new SecureRandom();
    /** How the last error of a job waiting out an outage starts (the jobs route shows it). */
    public static final String WAITING_FOR_STORAGE = "waiting for storage:";

    /** How a run of a job ended, for the worker that asked. */
    public enum Outcome {
        /** Succeeded or failed for good (or it was already finished). */
        FINISHED,
        /** The worker's time is up; the job is queued again and must be dispatched. */
        CONTINUE,
        /** A step failed; queued again, due after {@link JobSettings#retryDelay()}. */
        RETRY_LATER,
        /** The job waits for other jobs; queued again, due later or when woken ({@link Jobs#wake}). */
        WAITING,
        /** Another worker holds a live lease, or the job is not due yet. */
        BUSY,
        MISSING
    }

    private final JobStore store;
    private final Map<JobKind, JobStep> steps;
    private final JobSettings settings;
    private final Clock clock;
    private final String owner;

    private volatile Metrics metrics = Metrics.NONE;

    /** Where succeeded and failed jobs, and their durations, are counted. */
    public JobRunner useMetrics(Metrics figures) {
        this.metrics = figures;
        return this;
    }

    public JobRunner(JobStore store, Map<JobKind, JobStep> steps, JobSettings settings, Clock clock, String owner) {
        this.store = store;
        this.steps = new EnumMap<>(steps);
        this.settings = settings;
        this.clock = clock;
        this.owner = owner;
    }

    public String owner() {
        return owner;
    }

    /** Runs steps of the job until it ends or {@code workerDeadline} (the worker's own limit) comes. */
    public Outcome run(String jobId, Instant workerDeadline) {
        Optional<Job> found = store.find(jobId);
        if (found.isEmpty()) {
            return Outcome.MISSING;
        }
        if (found.get().state().finished()) {
            return Outcome.FINISHED;
        }
        Instant now = clock.instant();
        Optional<Job> leased = store.acquire(jobId, owner, now, now.plus(settings.lease()));
        if (leased.isEmpty()) {
            return store.find(jobId).map(j -> j.state().finished() ? Outcome.FINISHED : Outcome.BUSY)
                    .orElse(Outcome.MISSING);
        }
        Job job = leased.get();
        JobStep step = steps.get(job.kind());
        if (step == null) {
            throw new IllegalStateException("no step is registered for " + job.kind());
        }
        // a job waiting out an outage has its own bound (the retry window), checked when its step fails again
        if (job.attempts() >= job.maxAttempts() && !(waitingForStorage(job)
                && job.attempts() <= settings.outageRetries())) {
            return fail(job, step, "stopped after " + job.attempts() + " attempts; the last: " + job.lastError(), true,
                    job.attempts());
        }
        while (true) {
            Instant stepStart = clock.instant();
            Instant stepEnd = min(stepStart.plus(settings.stepDeadline()), workerDeadline);
            StepResult result;
            try {
                result = step.run(job, new Deadline(stepEnd, clock));
            } catch (RuntimeException e) {
                return failedStep(job, step, e);
            }
            Instant after = clock.instant();
            if (result.done()) {
                if (!store.finish(job, owner, JobState.SUCCEEDED, result.progress(), result.result(), null, after)) {
                    log.warn("job {} ({} {}) finished its work but had lost its lease", job.id(),
                            job.kind().wireName(), job.target());
                    return Outcome.BUSY;
                }
                log.info("job {} ({} {}) succeeded", job.id(), job.kind().wireName(), job.target());
                Map<String, String> kind = Map.of("Kind", job.kind().wireName());
                metrics.count("JobsSucceeded", kind); // Kind=download-all-build: Download All builds
                metrics.record("JobDuration", Duration.between(job.createdAt(), after).toMillis(),
                        Metrics.Unit.MILLISECONDS, kind);
                return Outcome.FINISHED;
            }
            // attempts start over only when the checkpoint moved: a step that keeps failing at one place fails
            boolean progressed = !Objects.equals(result.checkpoint(), job.checkpoint()) || result.waitFor() != null;
            if (!store.checkpoint(job, owner, result.progress(), result.checkpoint(), after,
                    after.plus(settings.lease()), progressed)) {
                log.warn("job {} lost its lease to another worker; this one stops", job.id());
                return Outcome.BUSY;
            }
            job = new Job(job.id(), job.kind(), job.target(), JobState.RUNNING, progressed ? 0 : job.attempts(),
                    job.maxAttempts(), owner,
                    after.plus(settings.lease()), null, result.progress(), job.params(), result.checkpoint(),
                    job.lastError(), null, job.createdAt(), after, null);
            if (result.waitFor() != null) { // waiting on other jobs: the worker is free for them meanwhile
                store.release(job, owner, clock.instant(), after.plus(result.waitFor()));
                return Outcome.WAITING;
            }
            if (!after.plus(settings.minimumStep()).isBefore(workerDeadline)) {
                store.release(job, owner, clock.instant());
                return Outcome.CONTINUE;
            }
        }
    }

    /**
     * A step that threw: a refusal (a 4xx error: a changed photo, a conflict, a missing event) fails the job at
     * once, as trying again cannot change it; anything else (storage or catalog unavailable, a bug) is tried
     * again after a pause, until the attempts are used up.
     */
    private Outcome failedStep(Job job, JobStep step, RuntimeException e) {
        String reason = e instanceof PicPeakException ? e.getMessage() : e.toString();
        int attempts = job.attempts() + 1;
        boolean refused = e instanceof PicPeakException p && p.errorCode().httpStatus() < 500;
        if (!refused && outage(e) && attempts <= settings.outageRetries()) {
            Instant now = clock.instant();
            Instant retryAt = now.plus(settings.outagePause(attempts));
            String waiting = WAITING_FOR_STORAGE + " retry " + attempts + " at " + retryAt + " (retried for up to "
                    + settings.retryWindow().toSeconds() + " s in all); the last failure: " + reason;
            log.warn("job {} ({} {}) {}", job.id(), job.kind().wireName(), job.target(), waiting);
            store.retryLater(job, owner, waiting, now, retryAt);
            return Outcome.RETRY_LATER;
        }
        if (refused || attempts >= job.maxAttempts()) {
            // a refusal is not retried and counts no attempt (no retry brings a missing file back)
            return fail(job, step, reason, !refused, refused ? job.attempts() : attempts);
        }
        log.warn("job {} ({} {}) step failed (attempt {} of {}), retried later: {}", job.id(), job.kind().wireName(),
                job.target(), attempts, job.maxAttempts(), reason);
        Instant now = clock.instant();
        store.retryLater(job, owner, reason, now, now.plus(settings.retryDelay().multipliedBy(attempts)));
        return Outcome.RETRY_LATER;
    }

    /**
     * @param attempts the attempts the record keeps (a failed step's counted, a refusal's not): the log says the same
     */
    private Outcome fail(Job job, JobStep step, String reason, boolean passing, int attempts) {
        // only the worker that still holds the job ends it and undoes it: never another worker's live work
        if (!store.finish(job, owner, JobState.FAILED, job.progress(), null, reason, clock.instant(), attempts)) {
            log.warn("job {} failed here but had lost its lease: left to the worker that holds it", job.id());
            return Outcome.BUSY;
        }
        try {
            step.abandon(job, reason, passing);
        } catch (RuntimeException e) {
            log.warn("job {}: undoing after its failure failed too: {}", job.id(), e.toString());
        }
        // JOB_FAILED is what the stack's metric filter counts (alarm on failed jobs)
        log.error("JOB_FAILED job {} ({} {}) failed for good ({}attempts {} of {}): {}", job.id(), job.kind().wireName(),
                job.target(), passing ? "" : "refused, not retried; ", attempts, job.maxAttempts(), reason);
        metrics.count("JobsFailed", Map.of("Kind", job.kind().wireName()));
        return Outcome.FINISHED;
    }

    private static boolean waitingForStorage(Job job) {
        return job.lastError() != null && job.lastError().startsWith(WAITING_FOR_STORAGE);
    }

    /**
     * Whether a step failed because storage or the catalog did not answer, or answered "unavailable" (503, a
     * throttle, a 5xx, a lost connection): something that passes by itself, unlike a bug or a refusal.
     */
    static boolean outage(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PicPeakException p && p.errorCode().httpStatus() == 503) {
                return true;
            }
            if (cause instanceof SdkClientException || cause instanceof java.io.IOException
                    || cause instanceof java.io.UncheckedIOException) {
                return true;
            }
            if (cause instanceof AwsServiceException aws && (aws.statusCode() >= 500 || aws.isThrottlingException())) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /**
     * A name for this worker: the process, plus a random part. The random part tells apart two runtimes in one JVM,
     * and the execution environments SnapStart restores from one snapshot (same pid there): it comes from
     * {@link SecureRandom}, which Lambda's Java runtimes reseed after a restore, and a restore names a new owner.
     */
    public static String newOwner(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + Long.toHexString(OWNER_RANDOM.nextLong());
    }
}
