package com.picpeak.notify;

import com.picpeak.storage.EnvReader;

import java.time.Duration;

/**
 * How hard webhook deliveries are tried: {@code WEBHOOK_MAX_ATTEMPTS} POSTs at most, the n-th retry
 * {@code WEBHOOK_RETRY_BASE_MS x 2^(n-1)} after the failure before it (capped at an hour); and where they may go:
 * endpoints on loopback, link-local (the cloud metadata address among them) and private networks only with
 * {@code PICPEAK_WEBHOOK_ALLOW_PRIVATE=true}.
 */
public record WebhookSettings(int maxAttempts, Duration retryBase, boolean allowPrivateAddresses) {
    public static final String WEBHOOK_MAX_ATTEMPTS = "WEBHOOK_MAX_ATTEMPTS";
    public static final String WEBHOOK_RETRY_BASE_MS = "WEBHOOK_RETRY_BASE_MS";
    /** Whether webhooks may be sent to loopback, link-local and private addresses (a receiver on the same network). */
    public static final String ALLOW_PRIVATE = "PICPEAK_WEBHOOK_ALLOW_PRIVATE";
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    public static final long DEFAULT_RETRY_BASE_MS = 30_000;
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);

    public static WebhookSettings defaults() {
        return new WebhookSettings(DEFAULT_MAX_ATTEMPTS, Duration.ofMillis(DEFAULT_RETRY_BASE_MS), false);
    }

    /** Reads the three variables; problems join the reader's (reported with all others). */
    public static WebhookSettings fromEnv(EnvReader env) {
        long attempts = env.wholeNumber(WEBHOOK_MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS, 1, 50);
        long baseMs = env.wholeNumber(WEBHOOK_RETRY_BASE_MS, DEFAULT_RETRY_BASE_MS, 10, 3_600_000);
        boolean allowPrivate = env.yesNo(ALLOW_PRIVATE, false);
        return new WebhookSettings((int) attempts, Duration.ofMillis(baseMs), allowPrivate);
    }

    /** The wait before the attempt after {@code attemptsMade} failed ones. */
    public Duration backoffAfter(int attemptsMade) {
        int doublings = Math.min(Math.max(attemptsMade - 1, 0), 20);
        Duration wait = retryBase.multipliedBy(1L << doublings);
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }
}
