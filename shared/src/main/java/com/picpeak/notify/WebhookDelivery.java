package com.picpeak.notify;

import java.time.Instant;

/**
 * One domain event on its way to one endpoint. It is stored before the first attempt, so a restart
 * loses nothing; {@code attempts} counts the POSTs made, {@code lastOutcome} says what the last one got
 * (an HTTP status or the network error).
 */
public record WebhookDelivery(
        String id,
        String endpointId,
        String eventId,
        String eventType,
        String body,
        State state,
        int attempts,
        Instant nextAttemptAt,
        String lastOutcome,
        Instant createdAt,
        Instant updatedAt) {

    public enum State { PENDING, DELIVERED, FAILED }
}
