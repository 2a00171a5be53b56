package com.picpeak.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One delivery of a job to a worker: runs it while the worker has time, then hands the rest on: a job whose
 * time ran out is dispatched again at once, a failed step after its pause. A job held by another worker is
 * checked again when that lease runs out: if its worker died meanwhile, the job is taken over then (a live
 * worker renews its lease at every checkpoint, and the check is dispatched again).
 */
public final class JobWorker {
    private final JobRunner runner;
    private final JobStore store;
    private final JobQueue queue;
    private final Clock clock;

    public JobWorker(JobRunner runner, JobStore store, JobQueue queue, Clock clock) {
        this.runner = runner;
        this.store = store;
        this.queue = queue;
        this.clock = clock;
    }

    public JobRunner.Outcome work(String jobId, Instant until) {
        JobRunner.Outcome outcome = runner.run(jobId, until);
        switch (outcome) {
            case CONTINUE -> queue.dispatch(jobId, Duration.ZERO);
            case RETRY_LATER, WAITING -> store.find(jobId).ifPresent(job -> queue.dispatch(jobId, untilDue(job.notBefore())));
            case BUSY -> store.find(jobId).filter(job -> !job.state().finished()).ifPresent(job -> queue.dispatch(jobId,
                    untilDue(job.nextChance()).plusMillis(50)));
            default -> {
            }
        }
        return outcome;
    }

    private Duration untilDue(Instant at) {
        if (at == null) {
            return Duration.ZERO;
        }
        Duration wait = Duration.between(clock.instant(), at);
        return wait.isNegative() ? Duration.ZERO : wait;
    }
}
