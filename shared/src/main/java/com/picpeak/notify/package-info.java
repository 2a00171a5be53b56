/**
 * Domain events ({@link com.picpeak.notify.DomainEvent}: photo.uploaded, photo.deleted, photo.updated; not to be
 * confused with a gallery event of the catalog) and where they go: the
 * {@link com.picpeak.notify.DomainEventSink} port, EventBridge in AWS, signed webhooks with retries and a
 * delivery log in local mode, with the webhook endpoints and the address checks that keep them off private
 * networks.
 *
 * <p>May import {@code catalog} (its table and records), {@code storage} (its configuration helpers) and
 * {@code error}. Must not import {@code ingest}, {@code gallery} or other services: they publish to it.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.notify;
