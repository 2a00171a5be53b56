package com.picpeak.storage;

import java.time.Duration;

/**
 * Waits between tries that double from a first wait up to a ceiling, within a deadline: for one-time reads that a
 * passing refusal may delay (a SnapStart publish right after its role was created). The thread sleeps: these run
 * once, before anything is served.
 */
public final class Backoff {
    private static final Duration MAX_WAIT = Duration.ofSeconds(16);

    private final long deadlineNanos;
    private Duration next;

    private Backoff(Duration patience, Duration firstWait) {
        this.deadlineNanos = System.nanoTime() + patience.toNanos();
        this.next = firstWait;
    }

    /** Tries within {@code patience}, the first wait {@code firstWait}, then twice as long each time, at most 16 s. */
    public static Backoff within(Duration patience, Duration firstWait) {
        return new Backoff(patience, firstWait);
    }

    /** The wait {@link #pause} would make next. */
    public Duration nextWait() {
        return next;
    }

    /** Whether the next wait ends before the deadline. */
    public boolean hasTime() {
        return System.nanoTime() + next.toNanos() <= deadlineNanos;
    }

    /** Waits before the next try; false (no wait) when it would end past the deadline, or on an interrupt. */
    public boolean pause() {
        if (!hasTime()) {
            return false;
        }
        try {
            Thread.sleep(next.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        next = next.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : next.multipliedBy(2);
        return true;
    }
}
