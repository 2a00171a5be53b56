package com.picpeak.testing;

import com.picpeak.catalog.DynamoTable;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobQueue;
import com.picpeak.jobs.JobRunner;
import com.picpeak.jobs.JobSettings;
import com.picpeak.jobs.JobStep;
import com.picpeak.jobs.JobStore;
import com.picpeak.jobs.JobWorker;
import com.picpeak.jobs.Jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Jobs on a real catalog table with a queue the test drains itself: what is dispatched waits until
 * {@link #drain()} runs it, one delivery after another, as workers would (pauses and leases pass by moving
 * a {@link TestClock}, or by waiting on a real clock).
 */
public final class TestJobs implements JobQueue {
    /** Steps end after one unit of work (a part of 8 KiB, or S3's least), nothing waits between attempts. */
    public static final JobSettings TINY_STEPS = new JobSettings(Duration.ZERO, Duration.ofMillis(400),
            Duration.ZERO, Duration.ZERO, 3, 8 * 1024, 1);
    /** One step does everything (a generous deadline), as the synchronous code did. */
    public static final JobSettings ONE_STEP = new JobSettings(Duration.ofHours(1), Duration.ofHours(2),
            Duration.ZERO, Duration.ZERO, 3, 64L * 1024 * 1024, 1);

    public final JobStore store;
    public final Jobs jobs;
    private final Clock clock;
    private final JobSettings settings;
    private final Deque<String> dispatched = new ArrayDeque<>();
    private final Map<JobKind, JobStep> steps = new EnumMap<>(JobKind.class);
    private final Duration perDelivery;
    private int deliveries;

    public TestJobs(String table, Clock clock, JobSettings settings) {
        this(table, clock, settings, Duration.ofHours(1));
    }

    /** @param perDelivery the time a worker has for one delivery (a Lambda invocation's) */
    public TestJobs(String table, Clock clock, JobSettings settings, Duration perDelivery) {
        this.clock = clock;
        this.settings = settings;
        this.perDelivery = perDelivery;
        this.store = new JobStore(new DynamoTable(TestDynamo.client(), table));
        this.jobs = new Jobs(store, this, settings, clock);
    }

    public TestJobs register(JobKind kind, JobStep step) {
        steps.put(kind, step);
        return this;
    }

    public JobRunner runner(String owner) {
        return new JobRunner(store, steps, settings, clock, owner);
    }

    @Override
    public synchronized void dispatch(String jobId, Duration delay) {
        dispatched.add(jobId);
    }


    public synchronized List<String> pending() {
        return List.copyOf(dispatched);
    }

    /** How many deliveries the last {@link #drain()} made (a job in many steps may need only one). */
    public int deliveries() {
        return deliveries;
    }

    /** Runs what is dispatched, and what that dispatches, until nothing is left; returns the jobs run, as they ended. */
    public List<Job> drain() {
        JobWorker worker = new JobWorker(runner("test-worker"), store, this, clock);
        List<String> ran = new ArrayList<>();
        deliveries = 0;
        for (String id; (id = next()) != null; ) {
            if (++deliveries > 10_000) {
                throw new AssertionError("jobs keep being dispatched: " + pending());
            }
            if (!ran.contains(id)) {
                ran.add(id);
            }
            JobRunner.Outcome outcome = worker.work(id, clock.instant().plus(perDelivery));
            boolean notDue = outcome == JobRunner.Outcome.BUSY || outcome == JobRunner.Outcome.RETRY_LATER
                    || outcome == JobRunner.Outcome.WAITING;
            if (notDue && !anotherCanRun(id)) { // it was dispatched again: meanwhile the others run, as workers would
                Job job = store.find(id).orElseThrow();
                waitUntil(job.nextChance());
            }
        }
        return ran.stream().map(id -> store.find(id).orElseThrow()).toList();
    }

    /** Whether a job other than {@code id} is waiting in the queue and may run now (or is finished: a no-op). */
    private boolean anotherCanRun(String id) {
        Instant now = clock.instant();
        return pending().stream().filter(other -> !other.equals(id)).map(store::find).flatMap(Optional::stream)
                .anyMatch(job -> job.state().finished() || job.nextChance() == null || !job.nextChance().isAfter(now));
    }

    private synchronized String next() {
        return dispatched.poll();
    }

    private void waitUntil(Instant at) {
        if (at == null) {
            return;
        }
        if (clock instanceof TestClock testClock) {
            Duration wait = Duration.between(clock.instant(), at).plusMillis(1);
            if (!wait.isNegative()) {
                testClock.advance(wait);
            }
            return;
        }
        // a real clock: the lease or pause this job waits on is a time, not a condition to poll (bounded by the lease)
        long millis = Duration.between(clock.instant(), at).toMillis() + 1;
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
