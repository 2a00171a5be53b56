package com.picpeak.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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

    /** A job's one delivery waiting for its turn here: due at {@code dueNanos} ({@link System#nanoTime}). */
    private record Pending(Object delivery, long dueNanos, ScheduledFuture<?> run) {
    }

    private final ScheduledExecutorService pool;
    private final Map<String, Pending> scheduled = new HashMap<>(); // guarded by this
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

    /**
     * Schedules one delivery of the job. A job already waiting here for a delivery as soon or sooner is left as it
     * is; one due later (a build that waits for its parts until its next look) is brought forward: a wake
     * ({@link Jobs#wake}) dispatches with no delay, and must not wait for the look.
     */
    @Override
    public synchronized void dispatch(String jobId, Duration delay) {
        if (pool.isShutdown()) {
            return;
        }
        long due = System.nanoTime() + delay.toNanos();
        Pending pending = scheduled.get(jobId);
        if (pending != null) {
            if (pending.dueNanos() - due <= 0) {
                return; // already waiting for its turn here, as soon or sooner
            }
            pending.run().cancel(false);
        }
        Object delivery = new Object();
        ScheduledFuture<?> run = pool.schedule(() -> {
            if (!take(jobId, delivery)) {
                return; // brought forward: another delivery took its place
            }
            try {
                // in this process a job runs to its end: no invocation limit, steps still checkpoint
                worker.work(jobId, clock.instant().plus(3650, ChronoUnit.DAYS));
            } catch (RuntimeException e) {
                log.warn("job {} could not run now (retried in 10 s): {}", jobId, e.toString());
                dispatch(jobId, Duration.ofSeconds(10));
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        scheduled.put(jobId, new Pending(delivery, due, run));
    }

    /** Whether {@code delivery} is still the job's pending one; if so it is no longer pending (it runs now). */
    private synchronized boolean take(String jobId, Object delivery) {
        Pending pending = scheduled.get(jobId);
        if (pending == null || pending.delivery() != delivery) {
            return false;
        }
        scheduled.remove(jobId);
        return true;
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
