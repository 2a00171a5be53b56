package com.picpeak.gallery;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;

/**
 * Wrong gallery passwords, in the catalog table (never in process memory, so every Lambda instance and local
 * server sharing the catalog count together):
 * <pre>
 *   pk = GUESS#slug   sk = CLIENT#client   one client's wrong passwords at one gallery: failures, lastFailureAt,
 *                                          heldUntil (epoch ms; absent while it has free ones left)
 *   pk = GUESS#slug   sk = HOUR#hour       every client's wrong passwords at the gallery in one clock hour
 *                                          (epoch seconds / 3600): failures
 *   pk = GUESS#slug   sk = CHECKS              the gallery's budget of checked passwords, as the time (epoch ms) its
 *                                          bucket is empty until (a generic cell rate algorithm): tat
 * </pre>
 * {@code client} is a keyed hash of the client's address, never the address. Rows carry {@code ttl} (epoch
 * seconds) so DynamoDB removes them when they are of no more use. A client's row is only replaced by a write
 * conditional on the count it was read with, so two instances never both take the same try.
 */
public final class GuessStore {
    private final DynamoTable table;

    public GuessStore(DynamoTable table) {
        this.table = table;
    }

    /** One client's row: its wrong passwords so far, the last one's time, and until when it is held back (or null). */
    public record ClientRow(int failures, Instant lastFailureAt, Instant heldUntil) {
    }

    public Optional<ClientRow> client(String slug, String client) {
        return table.get(CatalogKeys.guessPk(slug), CatalogKeys.guessClientSk(client)).map(item -> new ClientRow(
                Integer.parseInt(item.get("failures").n()),
                Instant.ofEpochMilli(Long.parseLong(item.get("lastFailureAt").n())),
                item.containsKey("heldUntil") ? Instant.ofEpochMilli(Long.parseLong(item.get("heldUntil").n())) : null));
    }

    /**
     * Writes the client's row as {@code row} if it still has {@code expectedFailures} (null: if there is none);
     * false when another request changed it first.
     */
    public boolean replaceClient(String slug, String client, Integer expectedFailures, ClientRow row, Instant expires) {
        Map<String, AttributeValue> item = key(CatalogKeys.guessPk(slug), CatalogKeys.guessClientSk(client));
        item.put("failures", n(row.failures()));
        item.put("lastFailureAt", n(row.lastFailureAt().toEpochMilli()));
        if (row.heldUntil() != null) {
            item.put("heldUntil", n(row.heldUntil().toEpochMilli()));
        }
        item.put("ttl", n(expires.getEpochSecond()));
        try {
            if (expectedFailures == null) {
                table.call(c -> c.putItem(b -> b.tableName(table.name()).item(item)
                        .conditionExpression("attribute_not_exists(pk)")));
            } else {
                table.call(c -> c.putItem(b -> b.tableName(table.name()).item(item)
                        .conditionExpression("failures = :expected")
                        .expressionAttributeValues(Map.of(":expected", n(expectedFailures)))));
            }
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    /** Forgets the client's wrong passwords at the gallery. */
    public void forgetClient(String slug, String client) {
        table.delete(CatalogKeys.guessPk(slug), CatalogKeys.guessClientSk(client));
    }

    /**
     * Takes one check from the gallery's budget ({@code burst} checks, one back every {@code interval}): zero when
     * taken, else how long until the next one is free. Conditional on the value read, so instances share one
     * budget; a write lost to another request reads again.
     */
    public Duration takeCheck(String slug, Instant now, Duration interval, int burst) {
        for (int i = 0; i < 8; i++) {
            Optional<Long> read = table.get(CatalogKeys.guessPk(slug), CatalogKeys.guessChecksSk())
                    .map(item -> Long.parseLong(item.get("tat").n()));
            long from = Math.max(read.orElse(0L), now.toEpochMilli());
            long tat = from + interval.toMillis();
            long wait = tat - now.toEpochMilli() - burst * interval.toMillis();
            if (wait > 0) {
                return Duration.ofMillis(wait);
            }
            Map<String, AttributeValue> item = key(CatalogKeys.guessPk(slug), CatalogKeys.guessChecksSk());
            item.put("tat", n(tat));
            item.put("ttl", n(tat / 1000 + 3600));
            try {
                table.call(c -> c.putItem(b -> {
                    b.tableName(table.name()).item(item);
                    if (read.isEmpty()) {
                        b.conditionExpression("attribute_not_exists(pk)");
                    } else {
                        b.conditionExpression("tat = :read").expressionAttributeValues(Map.of(":read", n(read.get())));
                    }
                }));
                return Duration.ZERO;
            } catch (ConditionalCheckFailedException taken) {
                // another request took one first: read again
            }
        }
        return interval; // a crowd of others took them just now
    }

    /**
     * How long until the gallery's budget has a check free (zero: now), read only: a refused try costs this one read.
     */
    public Duration checkWait(String slug, Instant now, Duration interval, int burst) {
        long tat = table.get(CatalogKeys.guessPk(slug), CatalogKeys.guessChecksSk())
                .map(item -> Long.parseLong(item.get("tat").n())).orElse(0L);
        long wait = Math.max(tat, now.toEpochMilli()) + interval.toMillis() - now.toEpochMilli()
                - burst * interval.toMillis();
        return wait > 0 ? Duration.ofMillis(wait) : Duration.ZERO;
    }

    /** Gives one check back (the password checked was right): the budget counts wrong passwords. */
    public void returnCheck(String slug, Duration interval) {
        try {
            table.call(c -> c.updateItem(b -> b.tableName(table.name())
                    .key(key(CatalogKeys.guessPk(slug), CatalogKeys.guessChecksSk()))
                    .updateExpression("ADD tat :back")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":back", n(-interval.toMillis())))));
        } catch (ConditionalCheckFailedException expired) {
            // the row expired: the budget is full anyway
        }
    }

    /** The gallery's wrong passwords in the clock hour (from every client). */
    public long eventFailures(String slug, long hour) {
        return table.get(CatalogKeys.guessPk(slug), CatalogKeys.guessHourSk(hour)).map(item -> Long.parseLong(item.get("failures").n())).orElse(0L);
    }

    /** Counts one wrong password at the gallery in the clock hour; returns the hour's count so far. */
    public long addEventFailure(String slug, long hour) {
        var response = table.call(c -> c.updateItem(b -> b.tableName(table.name()).key(key(CatalogKeys.guessPk(slug), CatalogKeys.guessHourSk(hour)))
                .updateExpression("ADD failures :one SET #ttl = :ttl")
                .expressionAttributeNames(Map.of("#ttl", "ttl"))
                .expressionAttributeValues(Map.of(":one", n(1), ":ttl", n((hour + 2) * 3600)))
                .returnValues(ReturnValue.UPDATED_NEW)));
        return Long.parseLong(response.attributes().get("failures").n());
    }

}
