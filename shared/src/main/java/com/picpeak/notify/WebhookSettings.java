package com.picpeak.notify;

import com.picpeak.storage.ConfigException;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How hard webhook deliveries are tried: {@code WEBHOOK_MAX_ATTEMPTS} POSTs at most, the n-th retry
 * {@code WEBHOOK_RETRY_BASE_MS x 2^(n-1)} after the failure before it (capped at an hour).
 */
public record WebhookSettings(int maxAttempts, Duration retryBase) {
    public static final String WEBHOOK_MAX_ATTEMPTS = "WEBHOOK_MAX_ATTEMPTS";
    public static final String WEBHOOK_RETRY_BASE_MS = "WEBHOOK_RETRY_BASE_MS";
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    public static final long DEFAULT_RETRY_BASE_MS = 30_000;
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);

    public static WebhookSettings defaults() {
        return new WebhookSettings(DEFAULT_MAX_ATTEMPTS, Duration.ofMillis(DEFAULT_RETRY_BASE_MS));
    }

    /** Reads the two variables; problems are added to {@code problems} (reported with all others). */
    public static WebhookSettings fromEnv(Map<String, String> env, List<ConfigException.Problem> problems) {
        long attempts = number(env, WEBHOOK_MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS, 1, 50, problems);
        long baseMs = number(env, WEBHOOK_RETRY_BASE_MS, DEFAULT_RETRY_BASE_MS, 10, 3_600_000, problems);
        return new WebhookSettings((int) attempts, Duration.ofMillis(baseMs));
    }

    /** The wait before the attempt after {@code attemptsMade} failed ones. */
    public Duration backoffAfter(int attemptsMade) {
        int doublings = Math.min(Math.max(attemptsMade - 1, 0), 20);
        Duration wait = retryBase.multipliedBy(1L << doublings);
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    private static long number(Map<String, String> env, String name, long fallback, long min, long max,
                               List<ConfigException.Problem> problems) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the accepted range
        }
        problems.add(new ConfigException.Problem(name, "'" + value + "' is not a whole number from " + min + " to "
                + max + " (default " + fallback + ")"));
        return fallback;
    }
}
