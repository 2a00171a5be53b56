package com.picpeak.catalog;

import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;

/**
 * Timers that several processes run on one catalog (local-mode instances behind a load balancer each run the daily
 * sweep and the S3 walker's polls): each interval of a schedule is taken by the first process whose timer fires in
 * it, and the others skip it. Intervals are counted from the epoch ({@code now / interval}), so every process agrees
 * on them without talking to the others.
 * <pre>
 *   pk = SCHEDULE   sk = name   slot (the last interval taken)
 * </pre>
 */
public final class ScheduledRuns {
    private final DynamoTable table;

    public ScheduledRuns(DynamoTable table) {
        this.table = table;
    }

    /** True for the first caller in the interval {@code now} falls in, false for every later one. */
    public boolean claim(String schedule, Instant now, Duration interval) {
        long slot = now.toEpochMilli() / interval.toMillis();
        try {
            table.call(c -> c.updateItem(b -> b.tableName(table.name()).key(key(CatalogKeys.SCHEDULE_PK, schedule))
                    .updateExpression("SET slot = :slot")
                    .conditionExpression("attribute_not_exists(slot) OR slot < :slot")
                    .expressionAttributeValues(Map.of(":slot", n(slot)))));
            return true;
        } catch (ConditionalCheckFailedException takenByAnother) {
            return false;
        }
    }
}
