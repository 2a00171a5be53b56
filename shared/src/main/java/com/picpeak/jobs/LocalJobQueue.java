package com.picpeak.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Local mode's jobs: a bounded pool of threads in this process runs them, one delivery at a time per job.
 * Nothing is lost when the process stops: the jobs are in the catalog, and local mode's poll
 * ({@link Jobs#resumeStranded(int)}, at start and every {@code PICPEAK_JOB_POLL_MS}) dispatches those that were
 * running (once their lease has run out) or waiting, whether this process or another instance on a shared
 * catalog left them.
 */
public final class LocalJobQueue implements JobQueue, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalJobQueue.class);

    private final ScheduledExecutorService pool;
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private volatile JobWorker worker;

    public LocalJobQueue(int threads, Clock clock) {
        this.clock = clock;
        this.pool = Executors.newScheduledThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "job-worker");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The worker that runs what is dispatched (wired after the job steps, which may submit jobs themselves). */
    public void attach(JobWorker jobWorker) {
        this.worker = jobWorker;
    }

    @Override
    public void dispatch(String jobId, Duration delay) {
        if (!scheduled.add(jobId) || pool.isShutdown()) {
            return; // already waiting for its turn here
        }
        pool.schedule(() -> {
            scheduled.remove(jobId);
            try {
                // in this process a job runs to its end: no invocation limit, steps still checkpoint
                worker.work(jobId, clock.instant().plus(3650, ChronoUnit.DAYS));
            } catch (RuntimeException e) {
                log.warn("job {} could not run now (retried in 10 s): {}", jobId, e.toString());
                dispatch(jobId, Duration.ofSeconds(10));
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }


    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
