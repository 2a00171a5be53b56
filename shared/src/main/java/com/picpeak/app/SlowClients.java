package com.picpeak.app;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a client may hold of a server while its request body arrives (local mode's Tomcat; API Gateway takes whole
 * bodies before a function sees them). A request thread waits while a body trickles in, so:
 * <ul>
 *   <li>a body must keep a minimum rate: after a grace period of {@value #GRACE_SECONDS} s, at least
 *       {@value #MIN_BYTES_PER_SECOND} bytes a second on average since it began, else 408 {@code request_timeout}
 *       (the deadline of a body of n bytes is the grace period plus n at that rate);</li>
 *   <li>one client address has at most {@value #BODIES_PER_CLIENT} bodies arriving at once; more are refused at
 *       once with 429 (the connection is closed, nothing of the body read), so no one address can hold the
 *       server's request threads while everyone else waits.</li>
 * </ul>
 */
public final class SlowClients {
    public static final long MIN_BYTES_PER_SECOND = 1024;
    public static final long GRACE_SECONDS = 10;
    public static final int BODIES_PER_CLIENT = 16;
    /** How long a client refused for too many bodies at once is asked to wait. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private final ConcurrentHashMap<String, AtomicInteger> bodies = new ConcurrentHashMap<>();

    /** Takes one of the client's body slots; false when it has {@value #BODIES_PER_CLIENT} bodies arriving already. */
    public boolean startBody(String client) {
        AtomicInteger count = bodies.computeIfAbsent(client, c -> new AtomicInteger());
        if (count.incrementAndGet() > BODIES_PER_CLIENT) {
            endBody(client);
            return false;
        }
        return true;
    }

    /** Gives the slot back (the request has ended). */
    public void endBody(String client) {
        bodies.computeIfPresent(client, (c, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** The refusal of a client with too many bodies arriving at once. */
    public static PicPeakException tooManyBodies() {
        return new PicPeakException(ErrorCode.TOO_MANY_REQUESTS, "this address is sending " + BODIES_PER_CLIENT
                + " request bodies at once already: send the next when one has arrived");
    }

    /**
     * Refuses a body that has sent {@code bytes} in {@code elapsed} when that is below the minimum rate after the
     * grace period.
     *
     * @throws PicPeakException REQUEST_TIMEOUT (408)
     */
    public static void checkRate(long bytes, Duration elapsed) {
        long millis = elapsed.toMillis();
        if (millis > GRACE_SECONDS * 1000 && bytes * 1000 < MIN_BYTES_PER_SECOND * millis) {
            throw new PicPeakException(ErrorCode.REQUEST_TIMEOUT, "the request body arrived too slowly (" + bytes
                    + " bytes in " + millis / 1000 + " s; at least " + MIN_BYTES_PER_SECOND + " bytes a second after "
                    + "the first " + GRACE_SECONDS + " s)");
        }
    }
}
