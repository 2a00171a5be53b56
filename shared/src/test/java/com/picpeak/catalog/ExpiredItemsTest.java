package com.picpeak.catalog;

import com.picpeak.testing.TestDynamo;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Local mode's stand-in for DynamoDB's TTL, on DynamoDB Local (which has none). */
class ExpiredItemsTest {

    @Test
    void itemsPastTheirTtl_areRemoved_othersStay() {
        DynamoTable table = new DynamoTable(TestDynamo.client(), TestDynamo.createTable());
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        for (int i = 0; i < 60; i++) { // more than one batch of 25
            table.put(item("TOKEN#" + i, now.minusSeconds(10 + i)));
        }
        table.put(item("TOKEN#live", now.plusSeconds(60)));
        table.put(item("EVENT#kept", null)); // no ttl: kept for good

        int removed = new ExpiredItems(table).sweep(now);

        assertThat(removed).isEqualTo(60);
        assertThat(table.get("TOKEN#0", "X")).isEmpty();
        assertThat(table.get("TOKEN#59", "X")).isEmpty();
        assertThat(table.get("TOKEN#live", "X")).isPresent();
        assertThat(table.get("EVENT#kept", "X")).isPresent();
        assertThat(new ExpiredItems(table).sweep(now)).isZero();
    }

    private static Map<String, AttributeValue> item(String pk, Instant expires) {
        Map<String, AttributeValue> item = new HashMap<>(DynamoTable.key(pk, "X"));
        if (expires != null) {
            item.put("ttl", DynamoTable.n(expires.getEpochSecond()));
        }
        return item;
    }
}
