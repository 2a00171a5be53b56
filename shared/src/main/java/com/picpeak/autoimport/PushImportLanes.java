package com.picpeak.autoimport;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Local mode's push import: notifications accepted by {@code POST /api/hooks/storage-events} are applied in the
 * background by at most {@code lanes} imports at once. A key always goes to the same lane (one thread), so the
 * notifications of one file are applied in the order they arrived. Each lane queues a bounded number; a request
 * that finds its lane full is refused (429: the store's webhook sends it again) and nothing more of it is queued.
 * A notification whose import fails (storage down) is logged and left to the walker, the reconciler.
 */
public final class PushImportLanes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushImportLanes.class);

    private final Function<StorageNotification, PushImporter.Outcome> importer;
    private final ExecutorService[] lanes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<PushImporter.Outcome, AtomicLong> outcomes = new EnumMap<>(PushImporter.Outcome.class);

    /**
     * @param lanes        imports at once ({@code PICPEAK_STORAGE_EVENTS_CONCURRENCY})
     * @param queuePerLane notifications waiting per lane before requests are refused
     */
    public PushImportLanes(Function<StorageNotification, PushImporter.Outcome> importer, int lanes, int queuePerLane) {
        this.importer = importer;
        this.lanes = new ExecutorService[lanes];
        for (int i = 0; i < lanes; i++) {
            int lane = i;
            this.lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(queuePerLane), r -> {
                        Thread t = new Thread(r, "push-import-" + lane);
                        t.setDaemon(true);
                        return t;
                    });
        }
        for (PushImporter.Outcome outcome : PushImporter.Outcome.values()) {
            outcomes.put(outcome, new AtomicLong());
        }
    }

    /**
     * Queues every notification, each on its key's lane.
     *
     * @throws PicPeakException TOO_MANY_REQUESTS when a lane is full (those before it stay queued: a resent
     *                          request's duplicates are dropped by {@link PushImporter})
     */
    public void submit(List<StorageNotification> notifications) {
        for (StorageNotification notification : notifications) {
            ExecutorService lane = lanes[Math.floorMod(notification.key().hashCode(), lanes.length)];
            pending.incrementAndGet();
            try {
                lane.execute(() -> run(notification));
            } catch (RejectedExecutionException full) {
                pending.decrementAndGet();
                throw new PicPeakException(ErrorCode.TOO_MANY_REQUESTS, "push import is " + pending.get()
                        + " notifications behind: send them again shortly");
            }
        }
    }

    private void run(StorageNotification notification) {
        int now = inFlight.incrementAndGet();
        mostInFlight.accumulateAndGet(now, Math::max);
        try {
            outcomes.get(importer.apply(notification)).incrementAndGet();
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            log.warn("push import of {} failed (the walker imports it at its next poll): {}", notification.key(),
                    e.getMessage());
        } finally {
            inFlight.decrementAndGet();
            pending.decrementAndGet();
        }
    }

    /** Notifications accepted and not yet applied. */
    public long pending() {
        return pending.get();
    }

    /** The most notifications ever applied at the same time (never more than the lanes). */
    public int mostInFlight() {
        return mostInFlight.get();
    }

    public long count(PushImporter.Outcome outcome) {
        return outcomes.get(outcome).get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        for (ExecutorService lane : lanes) {
            lane.shutdownNow();
        }
    }
}
