package com.picpeak.migrate;

import com.picpeak.error.PicPeakException;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.HashingInputStream;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Copies every object of one store to another under the same keys (so catalog rows stay valid), local to
 * S3 or back. Idempotent: an object whose target already carries the same sha256 is skipped; every copy
 * carries its sha256 and is verified against it, so a file that changes during the run fails instead of
 * landing half-old. A failure never stops the run: it is reported and written to the failures CSV, and a
 * re-run retries only what is missing or different. Parallelism is bounded, and so is memory (objects
 * stream; a large one goes in multipart parts). Configuration is never changed.
 */
public final class Migrator {

    public record Options(boolean dryRun, boolean verifyOnly, boolean includeArchives, int parallelism) {
    }

    public enum Outcome { COPIED, OVERWRITTEN, SKIPPED, FAILED, WOULD_COPY, WOULD_OVERWRITE, VERIFIED, VERIFY_FAILED }

    /** Told about every object as it is done (from worker threads). */
    public interface Listener {
        void planned(long objects, long bytes);

        void done(String key, long bytes, Outcome outcome, String detail);
    }

    public record Summary(long objects, long bytes, Map<Outcome, Long> outcomes, long bytesCopied, Duration took) {
        public long count(Outcome outcome) {
            return outcomes.getOrDefault(outcome, 0L);
        }

        public boolean anyFailed() {
            return count(Outcome.FAILED) + count(Outcome.VERIFY_FAILED) > 0;
        }
    }

    private final BlobStore source;
    private final BlobStore target;

    public Migrator(BlobStore source, BlobStore target) {
        this.source = source;
        this.target = target;
    }

    /** Whether an object is part of the migration: data yes; the sentinel and staged uploads no; caches if asked. */
    static boolean migrates(String key, boolean includeArchives) {
        if (key.equals(Keys.SENTINEL) || key.startsWith("uploads/")) {
            return false;
        }
        return includeArchives || !key.contains("/.download-cache/");
    }

    public Summary run(Options options, Listener listener, FailureReport failures) {
        long start = System.nanoTime();
        long[] plan = {0, 0};
        try (Stream<BlobInfo> listing = source.list("")) {
            listing.filter(o -> migrates(o.key(), options.includeArchives())).forEach(o -> {
                plan[0]++;
                plan[1] += o.size();
            });
        }
        listener.planned(plan[0], plan[1]);
        Map<Outcome, AtomicLong> counts = new ConcurrentHashMap<>();
        AtomicLong bytesCopied = new AtomicLong();
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, options.parallelism()), runnable -> {
            Thread thread = new Thread(runnable, "migrate");
            thread.setDaemon(true);
            return thread;
        });
        Semaphore inFlight = new Semaphore(Math.max(1, options.parallelism()) * 2); // listing never runs far ahead
        try (Stream<BlobInfo> listing = source.list("")) {
            listing.filter(o -> migrates(o.key(), options.includeArchives())).forEach(object -> {
                inFlight.acquireUninterruptibly();
                workers.submit(() -> {
                    try {
                        Result result = options.verifyOnly() ? verify(object) : migrate(object, options.dryRun());
                        counts.computeIfAbsent(result.outcome, o -> new AtomicLong()).incrementAndGet();
                        if (result.outcome == Outcome.COPIED || result.outcome == Outcome.OVERWRITTEN) {
                            bytesCopied.addAndGet(object.size());
                        }
                        if (result.outcome == Outcome.FAILED || result.outcome == Outcome.VERIFY_FAILED) {
                            failures.record(object.key(), object.size(), result.errorClass, result.detail);
                        }
                        listener.done(object.key(), object.size(), result.outcome, result.detail);
                    } finally {
                        inFlight.release();
                    }
                });
            });
        } catch (RuntimeException listingFailed) { // e.g. the source stopped answering: the rest was never listed
            counts.computeIfAbsent(Outcome.FAILED, o -> new AtomicLong()).incrementAndGet();
            failures.record("(listing of " + source.describe() + ")", 0, listingFailed.getClass().getSimpleName(),
                    "listing stopped, objects after this point were not migrated: " + listingFailed.getMessage());
            listener.done("(listing)", 0, Outcome.FAILED, listingFailed.getMessage());
        } finally {
            workers.shutdown();
            try {
                workers.awaitTermination(7, TimeUnit.DAYS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<Outcome, Long> totals = new EnumMap<>(Outcome.class);
        counts.forEach((outcome, count) -> totals.put(outcome, count.get()));
        return new Summary(plan[0], plan[1], totals, bytesCopied.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    private record Result(Outcome outcome, String errorClass, String detail) {
        static Result of(Outcome outcome) {
            return new Result(outcome, null, null);
        }
    }

    private Result migrate(BlobInfo listed, boolean dryRun) {
        String key = listed.key();
        try {
            BlobInfo info = source.head(key).orElseThrow(() -> new IOException("vanished from the source during the run"));
            String sha256 = sha256Of(source, info);
            Optional<BlobInfo> existing = target.head(key);
            if (existing.isPresent() && existing.get().sha256().filter(sha256::equals).isPresent()) {
                return Result.of(Outcome.SKIPPED);
            }
            boolean overwrite = existing.isPresent();
            if (dryRun) {
                return Result.of(overwrite ? Outcome.WOULD_OVERWRITE : Outcome.WOULD_COPY);
            }
            Map<String, String> metadata = new HashMap<>(info.metadata());
            metadata.remove(BlobInfo.SHA256);
            try (BlobRead read = source.get(key)) {
                target.put(key, read.stream(), new PutOptions(info.contentType(), metadata, Optional.of(sha256)));
            }
            return new Result(overwrite ? Outcome.OVERWRITTEN : Outcome.COPIED, null,
                    overwrite ? "the target had other bytes (sha256 " + existing.get().sha256().orElse("unknown") + ")" : null);
        } catch (PicPeakException e) {
            return new Result(Outcome.FAILED, e.errorCode().code(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            return new Result(Outcome.FAILED, e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
        }
    }

    /** Re-reads the target's bytes and compares their sha256 with the source's. */
    private Result verify(BlobInfo listed) {
        String key = listed.key();
        try {
            String expected = sha256Of(source, source.head(key).orElseThrow(() -> new IOException("missing in the source")));
            if (target.head(key).isEmpty()) {
                return new Result(Outcome.VERIFY_FAILED, "missing", "not in the target");
            }
            String actual = hash(target, key);
            return actual.equals(expected) ? Result.of(Outcome.VERIFIED)
                    : new Result(Outcome.VERIFY_FAILED, "sha256_mismatch", "target sha256 " + actual + ", source " + expected);
        } catch (PicPeakException e) {
            return new Result(Outcome.VERIFY_FAILED, e.errorCode().code(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            return new Result(Outcome.VERIFY_FAILED, e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
        }
    }

    /** The recorded sha256 when the store keeps one that is still valid, else computed from the bytes. */
    private static String sha256Of(BlobStore store, BlobInfo info) throws IOException {
        Optional<String> recorded = info.sha256();
        return recorded.isPresent() ? recorded.get() : hash(store, info.key());
    }

    private static String hash(BlobStore store, String key) throws IOException {
        try (BlobRead read = store.get(key); HashingInputStream hashing = new HashingInputStream(read.stream())) {
            hashing.transferTo(OutputStream.nullOutputStream());
            return hashing.sha256Hex();
        }
    }
}
