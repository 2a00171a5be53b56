package com.picpeak.catalog;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Removes items whose {@code ttl} (epoch seconds) has passed: access tokens, rate counters, access-log
 * entries, webhook logs, finished jobs. DynamoDB deletes them itself (the stack turns TTL on); DynamoDB
 * Local has no TTL, so local mode runs this on a timer. A scan reads the whole table, page by page: cheap
 * for the sizes local mode holds.
 */
public final class ExpiredItems {
    private final DynamoTable table;

    public ExpiredItems(DynamoTable table) {
        this.table = table;
    }

    /** Deletes every item expired at {@code now}; returns how many. */
    public int sweep(Instant now) {
        int deleted = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            ScanResponse page = table.call(c -> c.scan(b -> b.tableName(table.name())
                    .filterExpression("#ttl < :now").projectionExpression("pk, sk")
                    .expressionAttributeNames(Map.of("#ttl", "ttl"))
                    .expressionAttributeValues(Map.of(":now", DynamoTable.n(now.getEpochSecond())))
                    .exclusiveStartKey(exclusiveStart)));
            List<WriteRequest> deletes = new ArrayList<>();
            for (Map<String, AttributeValue> item : page.items()) {
                deletes.add(WriteRequest.builder().deleteRequest(d -> d.key(item)).build());
            }
            for (int i = 0; i < deletes.size(); i += 25) { // BatchWriteItem takes 25 at a time
                List<WriteRequest> batch = deletes.subList(i, Math.min(i + 25, deletes.size()));
                Map<String, List<WriteRequest>> pending = Map.of(table.name(), batch);
                for (int attempt = 0; !pending.isEmpty() && attempt < 10; attempt++) {
                    Map<String, List<WriteRequest>> request = pending;
                    pending = table.call(c -> c.batchWriteItem(b -> b.requestItems(request))).unprocessedItems();
                }
            }
            deleted += deletes.size();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return deleted;
    }
}
