package com.picpeak.jobs;

import com.picpeak.storage.EnvReader;

import java.time.Duration;

/**
 * How jobs run. {@code stepDeadline}: a step stops taking on work after this long and checkpoints.
 * {@code lease}: how long a worker holds a job without checkpointing before others may take it over; it
 * must outlast a step plus its last unit of work. {@code retryDelay}: the pause after a failed step (times
 * the attempt number). {@code minimumStep}: a worker with less time left than this hands the job back
 * instead of starting another step. {@code maxAttempts}: failed or interrupted steps in a row before the
 * job fails for good. {@code partBytes}: the part size of archives built in steps. {@code retryWindow}: how long a
 * step that fails because storage or the catalog is unavailable (a 503, an outage) is retried, with pauses that
 * double, past {@code maxAttempts}: an ordinary outage lasts minutes, and the job waits it out (zero: no longer
 * than {@code maxAttempts}).
 */
public record JobSettings(Duration stepDeadline, Duration lease, Duration retryDelay, Duration minimumStep,
                          int maxAttempts, long partBytes, int workers, Duration retryWindow) {

    public static final String STEP_MS = "PICPEAK_JOB_STEP_MS";
    public static final String LEASE_MS = "PICPEAK_JOB_LEASE_MS";
    public static final String RETRY_MS = "PICPEAK_JOB_RETRY_MS";
    public static final String MAX_ATTEMPTS = "PICPEAK_JOB_MAX_ATTEMPTS";
    public static final String PART_BYTES = "PICPEAK_JOB_PART_BYTES";
    public static final String WORKERS = "PICPEAK_JOB_WORKERS";
    public static final String RETRY_WINDOW_MS = "PICPEAK_JOB_RETRY_WINDOW_MS";

    /** The first pause of an outage's retries when {@code retryDelay} is shorter (zero would spin). */
    static final Duration FIRST_OUTAGE_PAUSE = Duration.ofMillis(100);
    /** The longest pause between an outage's retries (unless {@code retryDelay} is longer). */
    static final Duration LONGEST_OUTAGE_PAUSE = Duration.ofSeconds(60);

    public static final JobSettings DEFAULTS = new JobSettings(Duration.ofSeconds(60), Duration.ofMinutes(3),
            Duration.ofSeconds(10), Duration.ofSeconds(5), 3, 64L * 1024 * 1024, 2, Duration.ofMinutes(10));

    /** The settings from the environment (each variable optional); problems join the others'. */
    public static JobSettings fromEnv(EnvReader env) {
        long step = env.wholeNumber(STEP_MS, DEFAULTS.stepDeadline.toMillis(), 0, 840_000);
        long lease = env.wholeNumber(LEASE_MS, Math.max(DEFAULTS.lease.toMillis(), step * 3), 100,
                3_600_000);
        if (lease <= step) {
            env.problem(LEASE_MS, "'" + lease + "' is not longer than " + STEP_MS + " (" + step + " ms): a worker's lease "
                    + "must outlast its step");
            lease = step * 3;
        }
        long retry = env.wholeNumber(RETRY_MS, DEFAULTS.retryDelay.toMillis(), 0, 3_600_000);
        long attempts = env.wholeNumber(MAX_ATTEMPTS, DEFAULTS.maxAttempts, 1, 20);
        long part = env.wholeNumber(PART_BYTES, DEFAULTS.partBytes, 1, 5L * 1024 * 1024 * 1024);
        long workers = env.wholeNumber(WORKERS, DEFAULTS.workers, 1, 64);
        long window = env.wholeNumber(RETRY_WINDOW_MS, DEFAULTS.retryWindow.toMillis(), 0, 86_400_000);
        return new JobSettings(Duration.ofMillis(step), Duration.ofMillis(lease), Duration.ofMillis(retry),
                Duration.ofMillis(Math.min(step, DEFAULTS.minimumStep.toMillis())), (int) attempts, part, (int) workers,
                Duration.ofMillis(window));
    }

    /** Settings without an outage window: a failed step is tried {@code maxAttempts} times, whatever the reason. */
    public JobSettings(Duration stepDeadline, Duration lease, Duration retryDelay, Duration minimumStep,
                       int maxAttempts, long partBytes, int workers) {
        this(stepDeadline, lease, retryDelay, minimumStep, maxAttempts, partBytes, workers, Duration.ZERO);
    }

    /**
     * The pause before retry {@code retry} (1, 2, ...) of a step that failed for an outage: {@code retryDelay} (at
     * least {@link #FIRST_OUTAGE_PAUSE}), doubled each time, at most {@link #LONGEST_OUTAGE_PAUSE} (or
     * {@code retryDelay} when that is longer).
     */
    public Duration outagePause(int retry) {
        Duration first = retryDelay.compareTo(FIRST_OUTAGE_PAUSE) < 0 ? FIRST_OUTAGE_PAUSE : retryDelay;
        Duration longest = retryDelay.compareTo(LONGEST_OUTAGE_PAUSE) > 0 ? retryDelay : LONGEST_OUTAGE_PAUSE;
        Duration pause = first;
        for (int i = 1; i < retry && pause.compareTo(longest) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(longest) > 0 ? longest : pause;
    }

    /** How many retries an outage gets: as many as their pauses, added up, fit in {@code retryWindow}. */
    public int outageRetries() {
        long left = retryWindow.toMillis();
        int retries = 0;
        while (retries < 10_000 && (left -= outagePause(retries + 1).toMillis()) >= 0) {
            retries++;
        }
        return retries;
    }

    public JobSettings {
        if (lease.compareTo(stepDeadline) <= 0) {
            throw new IllegalArgumentException("a job's lease (" + lease + ") must outlast its step deadline ("
                    + stepDeadline + ")");
        }
        if (maxAttempts < 1 || workers < 1 || partBytes < 1 || retryWindow.isNegative()) {
            throw new IllegalArgumentException("attempts, workers and part size are at least 1, the retry window at least 0");
        }
    }

}
