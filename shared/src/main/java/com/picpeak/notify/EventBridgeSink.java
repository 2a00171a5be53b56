package com.picpeak.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.utils.Lazy;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The serverless sink: one {@code PutEvents} entry per domain event on the stack's bus (source
 * {@value #SOURCE}, detail type = the event type, detail = the envelope). Rules and API destinations on
 * the bus deliver webhooks; EventBridge retries them, so nothing is queued here. A failed put is logged
 * with the event's id and not retried: the import that caused it stays done.
 */
public final class EventBridgeSink implements DomainEventSink {
    public static final String SOURCE = "picpeak.storage";
    private static final Logger log = LoggerFactory.getLogger(EventBridgeSink.class);

    private final Lazy<EventBridgeClient> client;
    private final String busName;

    public EventBridgeSink(EventBridgeClient client, String busName) {
        this(() -> client, busName);
    }

    /** The client is built at the first event (a function that never publishes one never pays for it). */
    public EventBridgeSink(Supplier<EventBridgeClient> client, String busName) {
        this.client = new Lazy<>(client);
        this.busName = busName;
    }

    @Override
    public void publish(DomainEvent event) {
        try {
            PutEventsResponse response = client.getValue().putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName(busName).source(SOURCE)
                    .detailType(event.type()).time(event.createdAt())
                    .detail(new String(event.toJson(), StandardCharsets.UTF_8)).build()));
            if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
                PutEventsResultEntry entry = response.entries().get(0);
                log.error("EventBridge refused {} {}: {} {}", event.type(), event.id(), entry.errorCode(),
                        entry.errorMessage());
            }
        } catch (SdkException e) {
            log.error("EventBridge did not take {} {}: {}", event.type(), event.id(), e.getMessage());
        }
    }
}
