package com.picpeak.notify;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;

/**
 * Webhook endpoints and deliveries, in the catalog table:
 * <pre>
 *   pk = WEBHOOKS              sk = ENDPOINT#id        an endpoint (url, secret, event filter)
 *   pk = WEBHOOK_PENDING       sk = delivery id        a delivery still to be made (ids sort by time)
 *   pk = WEBHOOK_LOG#endpoint  sk = delivery id        a finished delivery (delivered or given up), kept 30 days (ttl)
 * </pre>
 * A delivery is taken by one dispatcher at a time with a lease (conditional write), so two processes on
 * one catalog never POST the same attempt twice.
 */
public final class WebhookStore {
    private static final Duration LOG_RETENTION = Duration.ofDays(30);

    private final DynamoTable table;

    public WebhookStore(DynamoTable table) {
        this.table = table;
    }

    // ---- endpoints ----

    public void addEndpoint(WebhookEndpoint endpoint) {
        Map<String, AttributeValue> item = key(CatalogKeys.WEBHOOKS_PK, CatalogKeys.endpointSk(endpoint.id()));
        item.put("url", s(endpoint.url().toString()));
        item.put("secret", s(endpoint.secret()));
        item.put("events", AttributeValue.fromSs(endpoint.events()));
        item.put("createdAt", s(endpoint.createdAt().toString()));
        table.call(c -> c.putItem(b -> b.tableName(table.name()).item(item)
                .conditionExpression("attribute_not_exists(pk)")));
    }

    public List<WebhookEndpoint> endpoints() {
        List<WebhookEndpoint> endpoints = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :e)")
                .expressionAttributeValues(Map.of(":p", s(CatalogKeys.WEBHOOKS_PK), ":e", s(CatalogKeys.ENDPOINT_PREFIX))),
                item -> endpoints.add(new WebhookEndpoint(CatalogKeys.endpointIdOf(item.get("sk").s()),
                        URI.create(item.get("url").s()), item.get("secret").s(),
                        item.get("events").ss().stream().sorted().toList(), Instant.parse(item.get("createdAt").s()))));
        return endpoints;
    }

    /** False when there was no such endpoint. Its pending deliveries are dropped when they come due. */
    public boolean deleteEndpoint(String id) {
        try {
            table.call(c -> c.deleteItem(b -> b.tableName(table.name()).key(key(CatalogKeys.WEBHOOKS_PK, CatalogKeys.endpointSk(id)))
                    .conditionExpression("attribute_exists(pk)")));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ---- deliveries ----

    public void addPending(WebhookDelivery delivery) {
        table.put(deliveryItem(CatalogKeys.WEBHOOK_PENDING_PK, delivery));
    }

    /** Pending deliveries whose next attempt is due and that nobody holds a lease on, oldest first. */
    public List<WebhookDelivery> due(Instant now, int limit) {
        List<WebhookDelivery> due = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p")
                .filterExpression("nextAttemptAt <= :now AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)")
                .expressionAttributeValues(Map.of(":p", s(CatalogKeys.WEBHOOK_PENDING_PK), ":now", n(now.toEpochMilli()))),
                item -> {
                    if (due.size() < limit) {
                        due.add(toDelivery(item));
                    }
                });
        return due;
    }

    /** Takes the delivery for one attempt; false when another dispatcher took it or it is gone. */
    public boolean lease(WebhookDelivery delivery, Instant now, Duration leaseFor) {
        try {
            table.call(c -> c.updateItem(b -> b.tableName(table.name()).key(key(CatalogKeys.WEBHOOK_PENDING_PK, delivery.id()))
                    .updateExpression("SET leaseUntil = :until")
                    .conditionExpression("attribute_exists(pk) AND attempts = :attempts "
                            + "AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)")
                    .expressionAttributeValues(Map.of(":until", n(now.plus(leaseFor).toEpochMilli()),
                            ":now", n(now.toEpochMilli()), ":attempts", n(delivery.attempts())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** After a failed attempt that will be retried: the new attempt count and time; the lease is released. */
    public void reschedule(WebhookDelivery delivery) {
        table.put(deliveryItem(CatalogKeys.WEBHOOK_PENDING_PK, delivery));
    }

    /** Moves a delivered or abandoned delivery from the queue to its endpoint's log, in one transaction. */
    public void finish(WebhookDelivery delivery) {
        Map<String, AttributeValue> logged = deliveryItem(CatalogKeys.webhookLogPk(delivery.endpointId()), delivery);
        logged.put("ttl", n(delivery.updatedAt().plus(LOG_RETENTION).getEpochSecond()));
        table.call(c -> c.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().delete(d -> d.tableName(table.name())
                        .key(key(CatalogKeys.WEBHOOK_PENDING_PK, delivery.id()))).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table.name()).item(logged)).build())));
    }

    /** The endpoint's deliveries, newest first: those still queued, then the finished ones. */
    public List<WebhookDelivery> deliveries(String endpointId, int limit) {
        List<WebhookDelivery> result = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p").filterExpression("endpointId = :e")
                .expressionAttributeValues(Map.of(":p", s(CatalogKeys.WEBHOOK_PENDING_PK), ":e", s(endpointId))).scanIndexForward(false),
                item -> result.add(toDelivery(item)));
        var finished = table.call(c -> c.query(b -> b.tableName(table.name()).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s(CatalogKeys.webhookLogPk(endpointId)))).scanIndexForward(false)
                .limit(limit)));
        finished.items().forEach(item -> result.add(toDelivery(item)));
        return result.size() > limit ? List.copyOf(result.subList(0, limit)) : result;
    }

    private static Map<String, AttributeValue> deliveryItem(String pk, WebhookDelivery d) {
        Map<String, AttributeValue> item = key(pk, d.id());
        item.put("endpointId", s(d.endpointId()));
        item.put("eventId", s(d.eventId()));
        item.put("eventType", s(d.eventType()));
        item.put("body", s(d.body()));
        item.put("state", s(d.state().name()));
        item.put("attempts", n(d.attempts()));
        item.put("nextAttemptAt", n(d.nextAttemptAt().toEpochMilli()));
        if (d.lastOutcome() != null) {
            item.put("lastOutcome", s(d.lastOutcome()));
        }
        item.put("createdAt", s(d.createdAt().toString()));
        item.put("updatedAt", s(d.updatedAt().toString()));
        return item;
    }

    private static WebhookDelivery toDelivery(Map<String, AttributeValue> i) {
        AttributeValue outcome = i.get("lastOutcome");
        return new WebhookDelivery(i.get("sk").s(), i.get("endpointId").s(), i.get("eventId").s(),
                i.get("eventType").s(), i.get("body").s(), WebhookDelivery.State.valueOf(i.get("state").s()),
                Integer.parseInt(i.get("attempts").n()), Instant.ofEpochMilli(Long.parseLong(i.get("nextAttemptAt").n())),
                outcome == null ? null : outcome.s(), Instant.parse(i.get("createdAt").s()),
                Instant.parse(i.get("updatedAt").s()));
    }
}
