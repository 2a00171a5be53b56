package com.picpeak.jobs;

import com.picpeak.catalog.Page;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Submitting and finding jobs. A submission creates the job (with its lock) and dispatches it; when a job of
 * the same group and target is unfinished, that one is returned instead, and dispatched again if its
 * worker is gone, so a job whose queue message was lost is picked up by the next request for it.
 */
public final class Jobs {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);

    private final JobStore store;
    private final JobQueue queue;
    private final JobSettings settings;
    private final Clock clock;

    public Jobs(JobStore store, JobQueue queue, JobSettings settings, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.settings = settings;
        this.clock = clock;
    }

    public JobStore.Submission submit(JobKind kind, String target, Object params) {
        return submit(kind, target, params, true);
    }

    /** @param dispatch false when the caller runs the job itself right away (the scheduled poller) */
    public JobStore.Submission submit(JobKind kind, String target, Object params, boolean dispatch) {
        Instant now = clock.instant();
        JobStore.Submission submission = store.create(kind, target, JobJson.write(params), settings.maxAttempts(), now);
        Job job = submission.job();
        if (submission.created()) {
            log.info("job {} ({} {}) submitted", job.id(), kind.wireName(), target);
            if (dispatch) {
                queue.dispatch(job.id(), Duration.ZERO);
            }
        } else if (dispatch && job.kind() == kind && isStranded(job, now)) {
            log.info("job {} ({} {}) has no live worker: dispatched again", job.id(), kind.wireName(), target);
            queue.dispatch(job.id(), Duration.ZERO);
        }
        return submission;
    }

    /** Dispatches every unfinished job that no worker holds (local mode at start, the daily sweep). */
    public int resumeStranded() {
        return resumeStranded(Integer.MAX_VALUE);
    }

    /**
     * Dispatches the unfinished jobs that no worker holds among the oldest {@code limit} unfinished ones: local
     * mode's poll, so that an instance takes over what another instance on the same catalog submitted or held and
     * then died with (a queued job whose thread is gone, a running one whose lease ran out). Jobs held by a live
     * lease are left to their worker. Returns how many were dispatched.
     */
    public int resumeStranded(int limit) {
        Instant now = clock.instant();
        int dispatched = 0;
        for (Job job : store.unfinished(limit)) {
            if (isStranded(job, now)) {
                queue.dispatch(job.id(), Duration.ZERO);
                dispatched++;
            }
        }
        return dispatched;
    }

    /**
     * Dispatches every unfinished job (local mode at start: a job held by the process that stopped is taken
     * over when its lease runs out).
     */
    public int resumeUnfinished() {
        List<Job> unfinished = store.unfinished();
        unfinished.forEach(job -> queue.dispatch(job.id(), Duration.ZERO));
        return unfinished.size();
    }

    /**
     * A running job whose lease ran out, or a queued one that is due and has waited longer than a lease (its
     * message or thread is gone).
     */
    private boolean isStranded(Job job, Instant now) {
        if (job.abandonedAt(now)) {
            return true;
        }
        return job.state() == JobState.QUEUED && (job.notBefore() == null || !job.notBefore().isAfter(now))
                && job.updatedAt().plus(settings.lease()).isBefore(now);
    }

    /**
     * A job that waits for others (a build for its parts) is made due and dispatched now. One that is running is
     * marked woken: should its step go to wait (it looked before what it waits for happened), it is due at once
     * ({@link JobStore#wake}). One that is finished is left alone.
     */
    public void wake(String jobId) {
        if (store.wake(jobId, clock.instant())) {
            queue.dispatch(jobId, Duration.ZERO);
        }
    }

    public Optional<Job> find(String id) {
        return store.find(id);
    }

    public Page<Job> list(JobState state, JobKind kind, int limit, String cursor) {
        return store.list(state, kind, limit, cursor);
    }

    public Optional<Job> holder(JobKind kind, String target) {
        return store.lockHolder(kind, target);
    }

    public JobSettings settings() {
        return settings;
    }

    public JobStore store() {
        return store;
    }
}
