package com.picpeak.catalog;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The catalog table (pk/sk strings, index gsi1) for the stores that keep their own rows in it beside the
 * catalog (auto-import state, webhooks): reads are consistent, every SDK failure becomes the same
 * STORAGE_UNAVAILABLE error the catalog gives.
 */
public final class DynamoTable {
    private final DynamoDbClient dynamo;
    private final String name;

    public DynamoTable(DynamoDbClient dynamo, String name) {
        this.dynamo = dynamo;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * Runs one request on the client. A failed condition is the caller's answer and passes through as
     * {@link ConditionalCheckFailedException} (or, in a transaction, {@link TransactionCanceledException});
     * any other failure is the catalog being unavailable.
     */
    public <T> T call(Function<DynamoDbClient, T> request) {
        try {
            return request.apply(dynamo);
        } catch (ConditionalCheckFailedException | TransactionCanceledException answer) {
            throw answer;
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    /** Tries of {@link #transactWrite} while other writers' transactions on the same items keep cancelling it. */
    private static final int CONFLICT_ATTEMPTS = 12;
    /**
     * The back-off's randomness: environments SnapStart restores from one snapshot would share a seeded generator's
     * sequence (and keep colliding); Lambda's Java runtimes reseed {@link SecureRandom} after a restore.
     */
    private static final SecureRandom JITTER = new SecureRandom();

    /**
     * One transaction, tried again (after {@link #contentionPause}) while DynamoDB cancels it only because another
     * transaction wrote one of its items at the same moment: nothing of it was written, and writers spread out get
     * through. A failed condition, or conflicts past the last try, pass through as {@link TransactionCanceledException}.
     */
    public void transactWrite(List<TransactWriteItem> writes) {
        for (int attempt = 0; ; attempt++) {
            try {
                call(c -> c.transactWriteItems(b -> b.transactItems(writes)));
                return;
            } catch (TransactionCanceledException e) {
                if (!conflictOnly(e) || attempt + 1 >= CONFLICT_ATTEMPTS) {
                    throw e;
                }
                contentionPause(attempt);
            }
        }
    }

    /** Whether the condition of the transaction's item at {@code index} (in the order written) failed. */
    public static boolean failedCondition(List<CancellationReason> reasons, int index) {
        return reasons != null && reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    /** Whether a cancelled transaction met only other writers (no condition of its own failed). */
    public static boolean conflictOnly(TransactionCanceledException e) {
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        return reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code()))
                && reasons.stream().noneMatch(r -> "ConditionalCheckFailed".equals(r.code()));
    }

    /**
     * Waits a random 1 ms to 2^attempt x 4 ms (at most 250 ms) before the next optimistic attempt: writers that retry
     * at once keep colliding, spread out they get through. The thread sleeps: the wait is a few ms.
     */
    public static void contentionPause(int attempt) {
        long bound = Math.min(250, 4L << Math.min(attempt, 16));
        try {
            Thread.sleep(JITTER.nextLong(1, bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PicPeakException(ErrorCode.CONFLICT, "interrupted while retrying a catalog write", e);
        }
    }

    /** The error every failed catalog request becomes. */
    public static PicPeakException unavailable(SdkException e) {
        return new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "the catalog (DynamoDB) did not answer: "
                + e.getMessage(), e);
    }

    public Optional<Map<String, AttributeValue>> get(String pk, String sk) {
        var response = call(c -> c.getItem(b -> b.tableName(name).key(key(pk, sk)).consistentRead(true)));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
    }

    public void put(Map<String, AttributeValue> item) {
        call(c -> c.putItem(b -> b.tableName(name).item(item)));
    }

    public void delete(String pk, String sk) {
        call(c -> c.deleteItem(b -> b.tableName(name).key(key(pk, sk))));
    }

    /**
     * Deletes these items (their keys), 25 to a BatchWriteItem, retrying what the table left unprocessed.
     *
     * @throws PicPeakException STORAGE_UNAVAILABLE when the table keeps refusing some of them
     */
    public void deleteAll(List<Map<String, AttributeValue>> keys) {
        for (int i = 0; i < keys.size(); i += 25) {
            List<WriteRequest> batch = new ArrayList<>();
            for (Map<String, AttributeValue> itemKey : keys.subList(i, Math.min(i + 25, keys.size()))) {
                batch.add(WriteRequest.builder().deleteRequest(d -> d.key(itemKey)).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(name, batch);
            for (int attempt = 0; !pending.isEmpty() && attempt < 10; attempt++) {
                Map<String, List<WriteRequest>> request = pending;
                pending = call(c -> c.batchWriteItem(b -> b.requestItems(request))).unprocessedItems();
            }
            if (!pending.isEmpty()) {
                throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "the catalog is throttling deletes: try again");
            }
        }
    }

    /** Every item of a query, page after page (consistent unless the request reads an index). */
    public void queryAll(Consumer<QueryRequest.Builder> request, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = call(c -> c.query(b -> {
                b.consistentRead(true);
                request.accept(b);
                b.tableName(name).exclusiveStartKey(exclusiveStart);
            }));
            page.items().forEach(each);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /**
     * One page of a query, read as the request asks (eventually consistent unless it sets
     * {@code consistentRead}): for listings that page with a cursor, and deletes that go a page at a time.
     */
    public QueryResponse queryPage(Consumer<QueryRequest.Builder> request) {
        return call(c -> c.query(b -> {
            request.accept(b);
            b.tableName(name);
        }));
    }

    public static Map<String, AttributeValue> key(String pk, String sk) {
        Map<String, AttributeValue> key = new HashMap<>();
        key.put("pk", s(pk));
        key.put("sk", s(sk));
        return key;
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    public static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    /** A string attribute, or null when the item has none. */
    public static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    /** An ISO-8601 instant kept as a string, or null when the item has none. */
    public static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = str(item, name);
        return value == null ? null : Instant.parse(value);
    }

    /** Sets the string attribute when the value is not null. */
    public static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }
}
