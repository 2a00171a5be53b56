package com.picpeak.jobs;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Page;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;
import static com.picpeak.catalog.DynamoTable.str;

/**
 * Jobs in the catalog table. Every change is a conditional write, so any number of workers on any number
 * of machines can share them:
 * <pre>
 *   pk = JOB#id                      sk = JOB    the job (also in gsi1: gsi1pk = JOBS, gsi1sk = createdAt#id)
 *   pk = JOBLOCK#group#target        sk = LOCK   held by the one unfinished job of that group and target
 * </pre>
 * A job and its lock are written in one transaction, and the lock goes in the same transaction that
 * finishes the job. Lease times are epoch milliseconds, so that conditions compare numbers. Finished jobs
 * carry {@code ttl} and expire after {@link #KEEP_FINISHED}.
 */
public final class JobStore {
    public static final Duration KEEP_FINISHED = Duration.ofDays(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DynamoTable table;

    public JobStore(DynamoTable table) {
        this.table = table;
    }

    /** A job was created, or the unfinished one of that group and target is returned instead. */
    public record Submission(Job job, boolean created) {
    }

    /** Creates a queued job unless one of its group and target is unfinished; then returns that one. */
    public Submission create(JobKind kind, String target, String params, int maxAttempts, Instant now) {
        String id = newId(now);
        Map<String, AttributeValue> job = new HashMap<>(key(CatalogKeys.jobPk(id), CatalogKeys.JOB_SK));
        job.put("gsi1pk", s(CatalogKeys.JOBS_GSI_PK));
        job.put("gsi1sk", s(CatalogKeys.jobsGsiSk(now, id)));
        job.put("id", s(id));
        job.put("kind", s(kind.wireName()));
        job.put("target", s(target));
        job.put("state", s(JobState.QUEUED.wireName()));
        job.put("attempts", n(0));
        job.put("maxAttempts", n(maxAttempts));
        job.put("progress", progressAttribute(Progress.NONE));
        job.put("params", s(params));
        job.put("createdAt", s(now.toString()));
        job.put("updatedAt", s(now.toString()));
        Map<String, AttributeValue> lock = new HashMap<>(key(lockPk(kind, target), CatalogKeys.LOCK_SK));
        lock.put("jobId", s(id));
        lock.put("kind", s(kind.wireName()));
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                table.call(c -> c.transactWriteItems(b -> b.transactItems(
                        TransactWriteItem.builder().put(p -> p.tableName(table.name()).item(job)
                                .conditionExpression("attribute_not_exists(pk)")).build(),
                        TransactWriteItem.builder().put(p -> p.tableName(table.name()).item(lock)
                                .conditionExpression("attribute_not_exists(pk)")).build())));
                return new Submission(find(id).orElseThrow(), true);
            } catch (TransactionCanceledException held) {
                Optional<Job> holder = lockHolder(kind, target);
                if (holder.isPresent()) {
                    return new Submission(holder.get(), false);
                }
                // the holder finished in between: try again
            }
        }
        throw new PicPeakException(ErrorCode.CONFLICT, "jobs of " + kind.exclusionGroup() + " '" + target
                + "' are starting and ending too fast right now: try again");
    }

    /** The unfinished job that holds the lock of this group and target, if any. */
    public Optional<Job> lockHolder(JobKind kind, String target) {
        return table.get(lockPk(kind, target), CatalogKeys.LOCK_SK).flatMap(lock -> find(lock.get("jobId").s()));
    }

    public Optional<Job> find(String id) {
        if (id == null || !id.matches("j[0-9a-z]{1,16}-[0-9a-f]{8}")) {
            return Optional.empty();
        }
        return table.get(CatalogKeys.jobPk(id), CatalogKeys.JOB_SK).map(JobStore::toJob);
    }

    /** Jobs newest first, optionally of one state and kind. */
    public Page<Job> list(JobState state, JobKind kind, int limit, String cursor) {
        List<Job> jobs = new ArrayList<>();
        Map<String, AttributeValue> start = cursor == null ? null : decodeCursor(cursor);
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", s(CatalogKeys.JOBS_GSI_PK)));
        List<String> filters = new ArrayList<>();
        if (state != null) {
            filters.add("#state = :state");
            values.put(":state", s(state.wireName()));
        }
        if (kind != null) {
            filters.add("kind = :kind");
            values.put(":kind", s(kind.wireName()));
        }
        Map<String, AttributeValue> next = start;
        do { // a filter may leave a page short: read on until the page is full or the index ends
            Map<String, AttributeValue> exclusiveStart = next;
            QueryResponse page = table.call(c -> c.query(b -> {
                b.tableName(table.name()).indexName(CatalogKeys.GSI1).scanIndexForward(false)
                        .keyConditionExpression("gsi1pk = :p").expressionAttributeValues(values)
                        .exclusiveStartKey(exclusiveStart).limit(Math.max(limit, 25));
                if (!filters.isEmpty()) {
                    b.filterExpression(String.join(" AND ", filters)).expressionAttributeNames(
                            state != null ? Map.of("#state", "state") : null);
                }
            }));
            for (Map<String, AttributeValue> item : page.items()) {
                if (jobs.size() == limit) {
                    return new Page<>(jobs, encodeCursor(jobs.get(limit - 1)));
                }
                jobs.add(toJob(item));
            }
            next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (next != null && jobs.size() < limit);
        return new Page<>(jobs, next == null ? null : encodeCursor(jobs.get(jobs.size() - 1)));
    }

    /** Every unfinished job (for resuming them: local mode at start, the sweep in the serverless shape). */
    public List<Job> unfinished() {
        return unfinished(Integer.MAX_VALUE);
    }

    /**
     * At most {@code limit} unfinished jobs, oldest first; reading stops as soon as that many are found (local mode's
     * poll for jobs other instances left, which runs every few seconds on every instance).
     */
    public List<Job> unfinished(int limit) {
        List<Job> jobs = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = table.queryPage(b -> b.indexName(CatalogKeys.GSI1).consistentRead(false)
                    .keyConditionExpression("gsi1pk = :p")
                    .filterExpression("#state IN (:queued, :running)")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":p", s(CatalogKeys.JOBS_GSI_PK), ":queued", s("queued"),
                            ":running", s("running")))
                    .exclusiveStartKey(exclusiveStart));
            for (Map<String, AttributeValue> item : page.items()) {
                if (jobs.size() == limit) {
                    return jobs;
                }
                jobs.add(toJob(item));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && jobs.size() < limit);
        return jobs;
    }

    /**
     * Takes the job's lease for {@code owner}: a queued job that is due, or a running one whose lease ran
     * out (its worker died: that counts as a failed attempt). Empty when the job is finished, held by a live
     * lease, not due yet, or missing.
     */
    public Optional<Job> acquire(String id, String owner, Instant now, Instant leaseUntil) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":running", s("running"), ":owner", s(owner),
                ":until", n(leaseUntil.toEpochMilli()), ":now", n(now.toEpochMilli()), ":at", s(now.toString())));
        Map<String, String> names = Map.of("#state", "state");
        try {
            values.put(":queued", s("queued"));
            return Optional.of(toJob(table.call(c -> c.updateItem(b -> b.tableName(table.name()).key(key(CatalogKeys.jobPk(id), CatalogKeys.JOB_SK))
                    .updateExpression("SET #state = :running, leaseOwner = :owner, leaseUntil = :until, updatedAt = :at "
                            + "REMOVE wokenAt")
                    .conditionExpression("#state = :queued AND (attribute_not_exists(notBefore) OR notBefore <= :now)")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW))).attributes()));
        } catch (ConditionalCheckFailedException notQueued) {
            values.remove(":queued");
        }
        try {
            values.put(":one", n(1));
            values.put(":error", s("its worker stopped before the step ended (a timeout, a crash or a deploy): "
                    + "resumed from the last checkpoint"));
            return Optional.of(toJob(table.call(c -> c.updateItem(b -> b.tableName(table.name()).key(key(CatalogKeys.jobPk(id), CatalogKeys.JOB_SK))
                    .updateExpression("SET #state = :running, leaseOwner = :owner, leaseUntil = :until, "
                            + "updatedAt = :at, lastError = :error REMOVE wokenAt ADD attempts :one")
                    .conditionExpression("#state = :running AND leaseUntil < :now")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW))).attributes()));
        } catch (ConditionalCheckFailedException heldOrDone) {
            return Optional.empty();
        }
    }

    /** Saves a step's progress and renews the lease; false when the lease was lost (another worker took over). */
    public boolean checkpoint(Job job, String owner, Progress progress, String checkpoint, Instant now,
                              Instant leaseUntil, boolean progressed) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":owner", s(owner), ":running", s("running"),
                ":progress", progressAttribute(progress), ":checkpoint", s(checkpoint), ":until",
                n(leaseUntil.toEpochMilli()), ":at", s(now.toString())));
        if (progressed) {
            values.put(":zero", n(0));
        }
        return conditional(job.id(), "SET progress = :progress, checkpoint = :checkpoint, leaseUntil = :until, "
                + "updatedAt = :at" + (progressed ? ", attempts = :zero" : ""), owner, values);
    }

    /** Gives the job back to the queue (the worker's time is up, the job is not): due at once. */
    public boolean release(Job job, String owner, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":owner", s(owner), ":running", s("running"),
                ":queued", s("queued"), ":at", s(now.toString())));
        return conditional(job.id(), "SET #state = :queued, updatedAt = :at REMOVE leaseOwner, leaseUntil, notBefore",
                owner, values);
    }

    /**
     * Gives a waiting job back to the queue, due at {@code dueAt}, or at once when it was woken while it ran (the
     * {@code wokenAt} mark {@link #wake} leaves on a running job: what it waits for may have happened after it
     * looked); no attempt is counted. The mark is read in the same conditional write that queues the job, so a wake
     * is never lost between the step's look and its going to wait.
     */
    public boolean release(Job job, String owner, Instant now, Instant dueAt) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":owner", s(owner), ":running", s("running"),
                ":queued", s("queued"), ":at", s(now.toString()), ":due", n(dueAt.toEpochMilli())));
        return conditional(job.id(), "SET #state = :queued, updatedAt = :at, notBefore = if_not_exists(wokenAt, :due) "
                + "REMOVE leaseOwner, leaseUntil", owner, values);
    }

    /**
     * What it waited for has happened: a queued job is made due now (true: dispatch it); a running one is marked
     * woken ({@code wokenAt}, cleared when a worker takes the job), so that if its step goes to wait it is due at
     * once, not at its next look (false: its worker goes on). False too when the job is finished or missing. One
     * conditional write: the state cannot change between the check and the mark.
     */
    public boolean wake(String id, Instant now) {
        try {
            Map<String, AttributeValue> old = table.call(c -> c.updateItem(b -> b.tableName(table.name())
                    .key(key(CatalogKeys.jobPk(id), CatalogKeys.JOB_SK))
                    .updateExpression("SET notBefore = :now, wokenAt = :now")
                    .conditionExpression("#state IN (:queued, :running)")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":queued", s("queued"), ":running", s("running"),
                            ":now", n(now.toEpochMilli())))
                    .returnValues(ReturnValue.ALL_OLD))).attributes();
            return "queued".equals(str(old, "state"));
        } catch (ConditionalCheckFailedException finishedOrMissing) {
            return false;
        }
    }

    /** A failed step: queued again, due at {@code retryAt}, with the reason; counts an attempt. */
    public boolean retryLater(Job job, String owner, String error, Instant now, Instant retryAt) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":owner", s(owner), ":running", s("running"),
                ":queued", s("queued"), ":at", s(now.toString()), ":error", s(error), ":one", n(1),
                ":due", n(retryAt.toEpochMilli())));
        return conditional(job.id(), "SET #state = :queued, updatedAt = :at, lastError = :error, notBefore = :due "
                + "ADD attempts :one REMOVE leaseOwner, leaseUntil", owner, values);
    }

    /** Ends the job (succeeded with its result, or failed with the reason) and frees its lock, in one transaction. */
    public boolean finish(Job job, String owner, JobState state, Progress progress, String result, String error,
                          Instant now) {
        return finish(job, owner, state, progress, result, error, now, null);
    }

    /** @param attempts the attempts the job made in all, counting the one that ends it (null: as recorded) */
    public boolean finish(Job job, String owner, JobState state, Progress progress, String result, String error,
                          Instant now, Integer attempts) {
        if (!state.finished()) {
            throw new IllegalArgumentException(state + " does not end a job");
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":owner", s(owner), ":running", s("running"),
                ":state", s(state.wireName()), ":at", s(now.toString()), ":progress", progressAttribute(progress),
                ":ttl", n(now.plus(KEEP_FINISHED).getEpochSecond())));
        StringBuilder update = new StringBuilder("SET #state = :state, updatedAt = :at, finishedAt = :at, "
                + "progress = :progress, #ttl = :ttl");
        if (result != null) {
            update.append(", #result = :result");
            values.put(":result", s(result));
        }
        if (error != null) {
            update.append(", lastError = :error");
            values.put(":error", s(error));
        }
        if (attempts != null) {
            update.append(", attempts = :attempts");
            values.put(":attempts", n(attempts));
        }
        update.append(" REMOVE leaseOwner, leaseUntil, notBefore, wokenAt, checkpoint");
        Map<String, String> names = Map.of("#state", "state", "#ttl", "ttl", "#result", "result");
        Map<String, String> usedNames = result != null ? names : Map.of("#state", "state", "#ttl", "ttl");
        for (int attempt = 0; ; attempt++) {
            try {
                finishOnce(job, update.toString(), usedNames, values);
                return true;
            } catch (TransactionCanceledException e) {
                boolean conflict = e.cancellationReasons() != null && e.cancellationReasons().stream()
                        .anyMatch(r -> "TransactionConflict".equals(r.code()));
                if (!conflict || attempt >= 4) { // a failed condition: the lease is another worker's
                    return false;
                }
            }
        }
    }

    /** The job's end and its lock's release, in one transaction (another on the lock row may conflict). */
    private void finishOnce(Job job, String update, Map<String, String> usedNames, Map<String, AttributeValue> values) {
        table.call(c -> c.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().update(u -> u.tableName(table.name()).key(key(CatalogKeys.jobPk(job.id()), CatalogKeys.JOB_SK))
                        .updateExpression(update)
                        .conditionExpression("#state = :running AND leaseOwner = :owner")
                        .expressionAttributeNames(usedNames).expressionAttributeValues(values)).build(),
                TransactWriteItem.builder().delete(d -> d.tableName(table.name())
                        .key(key(lockPk(job.kind(), job.target()), CatalogKeys.LOCK_SK))
                        .conditionExpression("attribute_not_exists(pk) OR jobId = :id")
                        .expressionAttributeValues(Map.of(":id", s(job.id())))).build())));
    }

    private boolean conditional(String id, String update, String owner, Map<String, AttributeValue> values) {
        try {
            table.call(c -> c.updateItem(b -> b.tableName(table.name()).key(key(CatalogKeys.jobPk(id), CatalogKeys.JOB_SK))
                    .updateExpression(update).conditionExpression("#state = :running AND leaseOwner = :owner")
                    .expressionAttributeNames(Map.of("#state", "state")).expressionAttributeValues(values)));
            return true;
        } catch (ConditionalCheckFailedException lostLease) {
            return false;
        }
    }

    /** Time-sortable and hard to guess: {@code j<epoch ms, base 36>-<8 hex>}. */
    private static String newId(Instant now) {
        return "j" + Long.toString(now.toEpochMilli(), 36) + "-" + String.format("%08x", RANDOM.nextInt());
    }

    private static String lockPk(JobKind kind, String target) {
        return CatalogKeys.jobLockPk(kind.exclusionGroup(), target);
    }

    private static AttributeValue progressAttribute(Progress p) {
        Map<String, AttributeValue> m = new HashMap<>(Map.of("phase", s(p.phase()), "done", n(p.done()),
                "unit", s(p.unit())));
        if (p.total() != null) {
            m.put("total", n(p.total()));
        }
        return AttributeValue.fromM(m);
    }

    private static Job toJob(Map<String, AttributeValue> i) {
        Map<String, AttributeValue> p = i.get("progress").m();
        Progress progress = new Progress(p.get("phase").s(), Long.parseLong(p.get("done").n()),
                p.containsKey("total") ? Long.valueOf(p.get("total").n()) : null, p.get("unit").s());
        return new Job(i.get("id").s(), JobKind.fromWireName(i.get("kind").s()), i.get("target").s(),
                JobState.fromWireName(i.get("state").s()), Integer.parseInt(i.get("attempts").n()),
                Integer.parseInt(i.get("maxAttempts").n()), str(i, "leaseOwner"), millis(i, "leaseUntil"),
                millis(i, "notBefore"), progress, str(i, "params"), str(i, "checkpoint"), str(i, "lastError"),
                str(i, "result"), Instant.parse(i.get("createdAt").s()), Instant.parse(i.get("updatedAt").s()),
                i.containsKey("finishedAt") ? Instant.parse(i.get("finishedAt").s()) : null);
    }

    private static Instant millis(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
    }

    private static String encodeCursor(Job last) {
        String value = CatalogKeys.jobsGsiSk(last.createdAt(), last.id());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, AttributeValue> decodeCursor(String cursor) {
        try {
            String value = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String id = value.substring(value.lastIndexOf('#') + 1);
            if (!id.matches("j[0-9a-z]{1,16}-[0-9a-f]{8}")) {
                throw new IllegalArgumentException();
            }
            return Map.of("pk", s(CatalogKeys.jobPk(id)), "sk", s(CatalogKeys.JOB_SK), "gsi1pk", s(CatalogKeys.JOBS_GSI_PK), "gsi1sk", s(value));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "cursor '" + cursor
                    + "' is not one this server issued: start again without a cursor");
        }
    }
}
