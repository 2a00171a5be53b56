package com.picpeak.zip;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.jobs.Deadline;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobJson;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobStep;
import com.picpeak.jobs.Jobs;
import com.picpeak.jobs.Progress;
import com.picpeak.jobs.StepResult;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;

/**
 * A planned archive built in parallel: one unfinished object ({@link BlobStore#startParts}) whose fixed-size
 * parts are rendered by independent part jobs, each a {@link ZipSlice} of the plan written as one part, so as
 * many workers as the queue allows write at once and a failed part is retried alone. Each part's MD5 and the
 * pieces of the photos cut by its edges are recorded in the catalog; the build that fanned out waits (its worker
 * freed) and is woken when the last part is in; it then joins the pieces (every photo cut by an edge checked
 * whole against its CRC-32), completes the object with the recorded digests and checks its length. Nothing is
 * read back. The catalog rows, one per part plus a head counting them:
 * <pre>
 *   pk = ZIPPARTS#key#uploadId   sk = HEAD          written (parts recorded), failures (parts failed for good)
 *   pk = ZIPPARTS#key#uploadId   sk = PART#00001    digest and pieces, or failure and passing
 * </pre>
 * Rows carry {@code ttl} (a week): an abandoned build's rows go by themselves, like its upload by the bucket's
 * lifecycle rule.
 */
public final class ZipParts {
    /**
     * The first look of a waiting build at its parts when no part wakes it: a backstop only (a part's worker that
     * died between recording its part and waking the build); a wake that comes while the build looks is kept for it
     * ({@link com.picpeak.jobs.JobStore#wake}). Later looks back off ({@link #recheckAfter}).
     */
    public static final Duration RECHECK = Duration.ofSeconds(5);
    /** The longest a waiting build goes without a look: a part whose wake was lost delays it at most this. */
    public static final Duration MAX_RECHECK = Duration.ofMinutes(1);

    /**
     * When a build that has looked {@code looks} times without finding its parts all written looks again: 5, 10,
     * 20, 40, then every 60 s. The wake of its last part is what normally resumes it; the looks are a backstop, so
     * a long build (hundreds of parts, minutes) costs a handful of invocations, not one every 5 seconds.
     */
    public static Duration recheckAfter(int looks) {
        Duration next = RECHECK.multipliedBy(1L << Math.min(Math.max(looks, 0), 10));
        return next.compareTo(MAX_RECHECK) > 0 ? MAX_RECHECK : next;
    }
    private static final Duration KEEP_ROWS = Duration.ofDays(7);
    private static final String HEAD = CatalogKeys.ZIP_PARTS_HEAD_SK;

    /** One part job: part {@code part} (1-based) of the object {@code key}/{@code uploadId} of {@code subject}. */
    public record Task(String subject, String parentJobId, String key, String uploadId, long partBytes, int parts,
                       long length, int part) {
        long from() {
            return (part - 1) * partBytes;
        }

        long to() {
            return Math.min(length, from() + partBytes);
        }
    }

    /** What the catalog holds of one part: its MD5 and edge pieces, or why its job failed for good. */
    public record Recorded(int part, String digest, List<ZipSlice.Piece> pieces, String failure, boolean passing) {
        boolean written() {
            return digest != null;
        }
    }

    /** How many parts are in, and how many failed for good (each then has a failure row). */
    public record Count(int written, int failures) {
    }

    private final BlobStore store;
    private final DynamoTable table;
    private final Jobs jobs;
    private final Clock clock;
    private final ZipBuild zipBuild;

    public ZipParts(BlobStore store, DynamoTable table, Jobs jobs, Clock clock) {
        this.store = store;
        this.table = table;
        this.jobs = jobs;
        this.clock = clock;
        this.zipBuild = new ZipBuild(store);
    }

    /** Starts the unfinished object, with parts of about {@code partBytes} (see {@link ZipBuild#start}). */
    public ZipBuild.State start(String key, ZipPlan plan, long partBytes) {
        return zipBuild.start(key, plan, partBytes);
    }

    /**
     * Submits part jobs of {@code partKind} from part {@code submitted + 1} on, until all are or the deadline has
     * passed (one at least); returns how many are submitted now.
     */
    public int fanOut(JobKind partKind, String subject, String parentJobId, ZipBuild.State state, long length,
                      int submitted, Deadline deadline) {
        int next = submitted;
        do {
            next++;
            Task task = new Task(subject, parentJobId, state.key(), state.uploadId(), state.partBytes(), state.parts(),
                    length, next);
            jobs.submit(partKind, partTarget(task), task);
        } while (next < state.parts() && !deadline.passed());
        return next;
    }

    /** Parts written and failed so far (one read of the head row). */
    public Count count(ZipBuild.State state) {
        return table.get(CatalogKeys.zipPartsPk(state.key(), state.uploadId()), HEAD)
                .map(head -> new Count(number(head, "written"), number(head, "failures"))).orElse(new Count(0, 0));
    }

    /**
     * Deals with the parts whose jobs failed for good. A refusal (a photo that changed) fails the build at once,
     * with the reason naming the photo. A passing failure (storage did not answer) is submitted again, alone,
     * while {@code resubmit}; else the build fails with it as a passing failure.
     */
    public void retryFailed(JobKind partKind, String subject, String parentJobId, ZipBuild.State state, long length,
                            boolean resubmit) {
        List<Recorded> failed = recorded(state).stream().filter(r -> !r.written()).toList();
        for (Recorded part : failed) {
            if (!part.passing()) {
                throw new PicPeakException(ErrorCode.INTEGRITY_MISMATCH, part.failure());
            }
        }
        for (Recorded part : failed) {
            if (!resubmit) {
                throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, part.failure() + " (its part job was "
                        + "submitted again and failed again)");
            }
            Task task = new Task(subject, parentJobId, state.key(), state.uploadId(), state.partBytes(), state.parts(),
                    length, part.part());
            forgetFailure(task);
            jobs.submit(partKind, partTarget(task), task);
        }
    }

    /**
     * Joins the pieces of every photo cut by a part's edge and checks it whole, completes the object with the
     * recorded digests and checks its length. Safe to repeat: an object completed before a crash, with the
     * planned length, counts as done.
     */
    public void complete(ZipPlan plan, ZipBuild.State state) {
        List<Recorded> records = recorded(state);
        String[] digests = new String[state.parts()];
        List<ZipSlice.Piece> pieces = new ArrayList<>();
        for (Recorded record : records) {
            if (record.written()) {
                digests[record.part() - 1] = record.digest();
                pieces.addAll(record.pieces());
            }
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < digests.length; i++) {
            if (digests[i] == null) {
                missing.add(Integer.toString(i + 1));
            }
        }
        if (!missing.isEmpty() && store.head(state.key()).map(BlobInfo::size).orElse(-1L) != plan.length()) {
            throw new IllegalStateException("parts " + missing + " of " + state.key() + " are not recorded");
        }
        if (missing.isEmpty()) { // else: completed before a crash, and its rows deleted since
            List<ZipSlice.Piece> open = ZipSlice.joinPieces(plan, pieces);
            if (!open.isEmpty()) {
                throw ZipSlice.changed(plan.entries().get(open.get(0).entry()).item(), "was not read whole by the parts");
            }
        }
        ZipBuild.State whole = new ZipBuild.State(state.key(), state.uploadId(), state.partBytes(), state.parts(),
                state.parts(), List.of());
        zipBuild.complete(plan, whole, missing.isEmpty() ? Arrays.asList(digests) : List.of());
        forget(state);
    }

    /** Discards an unfinished build: its upload and its rows; never throws. */
    public void abort(ZipBuild.State state) {
        if (state == null) {
            return;
        }
        zipBuild.abort(state);
        try {
            forget(state);
        } catch (RuntimeException e) {
            // the rows' ttl is the backstop
        }
    }

    /**
     * The step of a part job: renders its slice of the plan ({@code planner}: the plan of the task's subject, the
     * same for every part), writes it, records its digest and edge pieces, and wakes the build when it was the
     * last. A part recorded already (a step repeated after a crash) is not written again. Its failure for good
     * is recorded, and the build woken to decide.
     */
    public JobStep partStep(Function<Task, ZipPlan> planner) {
        return JobStep.of((job, deadline) -> writePart(job, planner), (job, reason, passing) -> {
            Task task = JobJson.read(job.params(), Task.class);
            recordFailure(task, reason, passing);
            jobs.wake(task.parentJobId());
        });
    }

    private StepResult writePart(Job job, Function<Task, ZipPlan> planner) {
        Task task = JobJson.read(job.params(), Task.class);
        Optional<Recorded> done = table.get(pk(task), partSk(task.part())).map(ZipParts::toRecorded)
                .filter(Recorded::written);
        String digest;
        if (done.isPresent()) {
            digest = done.get().digest();
        } else {
            ZipPlan plan = planner.apply(task);
            if (plan.length() != task.length()) {
                throw new PicPeakException(ErrorCode.CONFLICT, "the plan of " + task.subject() + " is " + plan.length()
                        + " bytes, the build started with " + task.length() + ": it is built anew");
            }
            ZipSlice slice = ZipSlice.of(plan, store, task.from(), task.to());
            try (slice) {
                digest = store.writePart(task.key(), task.uploadId(), task.part(), task.from(), slice,
                        task.to() - task.from());
            } catch (IOException | RuntimeException e) {
                throw ZipBuild.causeOf(slice, e, task.part(), task.key());
            }
            if (slice.failure() != null) {
                throw slice.failure();
            }
            if (recordWritten(task, digest, slice.pieces()).written() == task.parts()) {
                jobs.wake(task.parentJobId()); // the last part in: the build completes now, not at its next look
            }
        }
        long bytes = task.to() - task.from();
        return StepResult.done(Progress.of("written", bytes, bytes, "bytes"),
                JobJson.write(Map.of("part", task.part(), "of", task.parts(), "md5", digest)));
    }

    /** Records a written part and counts it, once: a part recorded before is not counted again. */
    private Count recordWritten(Task task, String digest, List<ZipSlice.Piece> pieces) {
        Map<String, AttributeValue> row = row(task);
        row.put("digest", s(digest));
        row.put("pieces", s(JobJson.write(pieces)));
        try {
            table.call(c -> c.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table.name()).item(row)
                            .conditionExpression("attribute_not_exists(digest)")).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table.name()).key(key(pk(task), HEAD))
                            .updateExpression("ADD written :one SET #ttl = :ttl")
                            .expressionAttributeNames(Map.of("#ttl", "ttl"))
                            .expressionAttributeValues(Map.of(":one", n(1), ":ttl", ttl()))).build())));
        } catch (TransactionCanceledException recordedAlready) {
            // another worker recorded the same bytes (a zombie step): counted once, by it
        }
        return count(new ZipBuild.State(task.key(), task.uploadId(), task.partBytes(), task.parts(), 0, List.of()));
    }

    private void recordFailure(Task task, String reason, boolean passing) {
        Map<String, AttributeValue> row = row(task);
        row.put("failure", s("part " + task.part() + " of " + task.parts() + " of " + task.subject() + ": " + reason));
        row.put("passing", AttributeValue.fromBool(passing));
        try {
            table.call(c -> c.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table.name()).item(row)
                            .conditionExpression("attribute_not_exists(digest) AND attribute_not_exists(failure)")).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table.name()).key(key(pk(task), HEAD))
                            .updateExpression("ADD failures :one SET #ttl = :ttl")
                            .expressionAttributeNames(Map.of("#ttl", "ttl"))
                            .expressionAttributeValues(Map.of(":one", n(1), ":ttl", ttl()))).build())));
        } catch (TransactionCanceledException writtenOrRecorded) {
            // written after all, or its failure is recorded already
        }
    }

    private void forgetFailure(Task task) {
        table.call(c -> c.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().delete(d -> d.tableName(table.name()).key(key(pk(task), partSk(task.part())))
                        .conditionExpression("attribute_exists(failure)")).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table.name()).key(key(pk(task), HEAD))
                        .updateExpression("ADD failures :minus")
                        .expressionAttributeValues(Map.of(":minus", n(-1)))).build())));
    }

    private List<Recorded> recorded(ZipBuild.State state) {
        List<Recorded> records = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :pk AND begins_with(sk, :part)")
                        .expressionAttributeValues(Map.of(":pk", s(CatalogKeys.zipPartsPk(state.key(), state.uploadId())),
                                ":part", s(CatalogKeys.ZIP_PART_PREFIX))),
                item -> records.add(toRecorded(item)));
        return records;
    }

    private void forget(ZipBuild.State state) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :pk").projectionExpression("pk, sk")
                        .expressionAttributeValues(Map.of(":pk", s(CatalogKeys.zipPartsPk(state.key(), state.uploadId())))),
                keys::add);
        table.deleteAll(keys);
    }

    private Map<String, AttributeValue> row(Task task) {
        Map<String, AttributeValue> row = new HashMap<>(key(pk(task), partSk(task.part())));
        row.put("part", n(task.part()));
        row.put("ttl", ttl());
        return row;
    }

    private AttributeValue ttl() {
        return n(clock.instant().plus(KEEP_ROWS).getEpochSecond());
    }

    /** A part job's lock target: one job per part of one upload. */
    private static String partTarget(Task task) {
        return task.key() + "@" + Integer.toHexString(task.uploadId().hashCode()) + "/" + task.part();
    }

    private static String pk(Task task) {
        return CatalogKeys.zipPartsPk(task.key(), task.uploadId());
    }

    private static String partSk(int part) {
        return CatalogKeys.zipPartSk(part);
    }

    private static int number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? 0 : Integer.parseInt(value.n());
    }

    private static Recorded toRecorded(Map<String, AttributeValue> item) {
        AttributeValue digest = item.get("digest");
        AttributeValue pieces = item.get("pieces");
        AttributeValue failure = item.get("failure");
        AttributeValue passing = item.get("passing");
        return new Recorded(number(item, "part"), digest == null ? null : digest.s(),
                pieces == null ? List.of() : Arrays.asList(JobJson.read(pieces.s(), ZipSlice.Piece[].class)),
                failure == null ? null : failure.s(), passing != null && passing.bool());
    }
}
