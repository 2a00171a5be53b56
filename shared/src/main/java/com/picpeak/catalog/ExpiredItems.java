package com.picpeak.catalog;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Instant;
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
            table.deleteAll(page.items());
            deleted += page.items().size();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return deleted;
    }
}
