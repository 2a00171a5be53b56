package com.picpeak.error;

import java.time.Duration;

/** {@link ErrorCode#TOO_MANY_REQUESTS}, with how long the client should wait (the API's {@code Retry-After}). */
public class TooManyRequestsException extends PicPeakException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public TooManyRequestsException(String message, Duration retryAfter) {
        super(ErrorCode.TOO_MANY_REQUESTS, message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** The wait in whole seconds, rounded up and at least 1 (what {@code Retry-After} carries). */
    public long retryAfterSeconds() {
        return wholeSeconds(retryAfter);
    }

    /** A wait in whole seconds, rounded up and at least 1. */
    public static long wholeSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
