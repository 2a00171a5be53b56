package com.picpeak.notify;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/** A receiver of signed webhooks: where to POST, the secret it verifies signatures with, which types it wants. */
public record WebhookEndpoint(String id, URI url, String secret, List<String> events, Instant createdAt) {

    public boolean wants(String type) {
        return events.contains(type);
    }
}
