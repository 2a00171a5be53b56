package com.picpeak.gallery;

import com.picpeak.storage.EnvReader;

import java.time.Duration;

/**
 * How wrong gallery passwords are held back (see {@link PasswordGuesses}). A client (an IPv4 address, an IPv6 /64)
 * has {@code freeFailures} wrong passwords per gallery; each further one holds it back for {@code backoff x 2^(n-1)}
 * (the n-th beyond the free ones), at most {@code maxBackoff}. When a gallery has had {@code eventFailuresPerHour}
 * wrong passwords from all clients together in one clock hour, no client has free ones there for the rest of the
 * hour. A client's count starts over {@code resetAfter} after its last wrong password. Whatever the number of
 * clients, a gallery checks at most {@code galleryChecksPerMinute} wrong passwords a minute (a token bucket holding
 * a third of a minute's; a right password gives its check back), so the CPU its guessers cost is bounded.
 */
public record GuessPolicy(int freeFailures, Duration backoff, Duration maxBackoff, long eventFailuresPerHour,
                          Duration resetAfter, int galleryChecksPerMinute) {
    public static final String FREE_FAILURES = "PICPEAK_PASSWORD_FREE_FAILURES";
    public static final String BACKOFF_MS = "PICPEAK_PASSWORD_BACKOFF_MS";
    public static final String MAX_BACKOFF_MS = "PICPEAK_PASSWORD_MAX_BACKOFF_MS";
    public static final String EVENT_FAILURES = "PICPEAK_PASSWORD_EVENT_FAILURES";
    public static final String RESET_MS = "PICPEAK_PASSWORD_RESET_MS";
    public static final String GALLERY_CHECKS = "PICPEAK_PASSWORD_GALLERY_CHECKS_PER_MINUTE";
    /** 30 checks of about 0.1 s each: at most 5 % of one core a minute per gallery under attack. */
    static final int DEFAULT_GALLERY_CHECKS = 30;

    public static final GuessPolicy DEFAULTS = new GuessPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(15), 100,
            Duration.ofHours(24), DEFAULT_GALLERY_CHECKS);

    /** A policy with the default gallery-wide budget. */
    public GuessPolicy(int freeFailures, Duration backoff, Duration maxBackoff, long eventFailuresPerHour,
                       Duration resetAfter) {
        this(freeFailures, backoff, maxBackoff, eventFailuresPerHour, resetAfter, DEFAULT_GALLERY_CHECKS);
    }

    public GuessPolicy {
        if (galleryChecksPerMinute < 1 || freeFailures < 0 || backoff.isNegative() || backoff.isZero() || maxBackoff.compareTo(backoff) < 0
                || eventFailuresPerHour < 1 || resetAfter.isNegative() || resetAfter.isZero()) {
            throw new IllegalArgumentException("not a password guessing policy: " + freeFailures + ", " + backoff + ", "
                    + maxBackoff + ", " + eventFailuresPerHour + ", " + resetAfter + ", " + galleryChecksPerMinute);
        }
    }

    /** The variables (each optional); problems join the others'. */
    public static GuessPolicy fromEnv(EnvReader env) {
        long free = env.wholeNumber(FREE_FAILURES, DEFAULTS.freeFailures, 0, 1000);
        long backoff = env.wholeNumber(BACKOFF_MS, DEFAULTS.backoff.toMillis(), 1, 3_600_000);
        long max = env.wholeNumber(MAX_BACKOFF_MS, Math.max(DEFAULTS.maxBackoff.toMillis(), backoff), 1,
                86_400_000);
        if (max < backoff) {
            env.problem(MAX_BACKOFF_MS, "'" + max + "' is shorter than " + BACKOFF_MS + " (" + backoff + " ms): the longest "
                    + "wait cannot be shorter than the first");
            max = backoff;
        }
        long event = env.wholeNumber(EVENT_FAILURES, DEFAULTS.eventFailuresPerHour, 1, 1_000_000);
        long reset = env.wholeNumber(RESET_MS, DEFAULTS.resetAfter.toMillis(), 60_000, 30L * 86_400_000);
        long checks = env.wholeNumber(GALLERY_CHECKS, DEFAULTS.galleryChecksPerMinute, 1, 6000);
        return new GuessPolicy((int) free, Duration.ofMillis(backoff), Duration.ofMillis(max), event,
                Duration.ofMillis(reset), (int) checks);
    }

    /** The time one check of the gallery's budget takes to come back. */
    public Duration checkInterval() {
        return Duration.ofMillis(60_000L / galleryChecksPerMinute);
    }

    /** How many checks the gallery's budget holds when full: a third of a minute's, at least one. */
    public int checkBurst() {
        return Math.max(1, galleryChecksPerMinute / 3);
    }

    /** The wait after the client's {@code failures}-th wrong password, with {@code free} of them free (zero within them). */
    public Duration holdAfter(int failures, int free) {
        if (failures <= free) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - free - 1, 30); // 2^30 x 1 ms is past any maxBackoff
        Duration wait = backoff.multipliedBy(1L << doublings);
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
