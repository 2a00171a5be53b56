package com.picpeak.storage;

import java.time.Duration;

/**
 * Limits of every S3 call. A store that stops answering must fail a request, never hang the process
 * (an R2 upload that hung the whole server is a known failure of PicPeak itself).
 *
 * @param connect      opening a connection
 * @param socket       silence on an open connection (also bounds reading a streamed body)
 * @param attempt      one HTTP attempt, up to the response headers
 * @param call         one API call with its retries
 * @param maxAttempts  attempts per call (1 = no retry)
 */
public record S3Timeouts(Duration connect, Duration socket, Duration attempt, Duration call, int maxAttempts) {

    /** For serving and importing: a stalled 8 MiB part must still be able to finish on a slow uplink. */
    public static S3Timeouts standard() {
        return new S3Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(120),
                Duration.ofSeconds(300), 3);
    }

    /** For the start-up check: a verdict within a few seconds, one attempt, so the cause is not blurred. */
    public static S3Timeouts startupCheck() {
        return new S3Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(5),
                Duration.ofSeconds(5), 1);
    }
}
