package com.picpeak.notify;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.catalog.PhotoIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Signed webhooks (the local-mode sink). {@link #publish} only writes one pending delivery per
 * interested endpoint to the catalog and returns; {@link #deliverDue} POSTs what is due, with the
 * envelope as body and the {@code X-PicPeak-*} headers to the addresses its host resolved to and was checked at
 * ({@link WebhookPost}), follows no redirects, and retries failures
 * with growing waits until {@link WebhookSettings#maxAttempts()} is reached. Deliveries live in the
 * catalog, so a restart picks up where the last process stopped.
 */
public final class Webhooks implements DomainEventSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Longer than one attempt can take, so a lease only runs out when its dispatcher died. */
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final int BATCH = 100;
    private static final int MIN_SECRET_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookStore store;
    private final WebhookSettings settings;
    private final Clock clock;
    /** Built at the first delivery: where domain events go to EventBridge, never (its start costs a cold start). */
    private final WebhookAddresses.Resolver resolver;
    private ScheduledExecutorService dispatcher;

    public Webhooks(WebhookStore store, WebhookSettings settings, Clock clock) {
        this(store, settings, clock, WebhookAddresses.SYSTEM);
    }

    /** @param resolver how endpoint names become addresses (the system's; a test's, to answer what DNS would) */
    Webhooks(WebhookStore store, WebhookSettings settings, Clock clock, WebhookAddresses.Resolver resolver) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.resolver = resolver;
    }

    // ---- endpoints (admin API) ----

    /**
     * Adds an endpoint. {@code events} empty or null means every type; {@code secret} null means one is
     * generated (returned once, here).
     */
    public WebhookEndpoint register(String url, List<String> events, String secret) {
        URI target = parseUrl(url);
        requireUnambiguous(target);
        if (!settings.allowPrivateAddresses()) {
            requirePublic(target);
        }
        List<String> types = events == null || events.isEmpty() ? DomainEvent.TYPES : events.stream().distinct().sorted().toList();
        for (String type : types) {
            if (!DomainEvent.TYPES.contains(type)) {
                throw new PicPeakException(ErrorCode.INVALID_REQUEST, "'" + type + "' is not an event type: use "
                        + String.join(", ", DomainEvent.TYPES));
            }
        }
        String key = secret == null ? randomSecret() : secret;
        if (key.length() < MIN_SECRET_LENGTH || key.length() > 200) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "the secret must have " + MIN_SECRET_LENGTH
                    + " to 200 characters (leave it out to get a generated one)");
        }
        WebhookEndpoint endpoint = new WebhookEndpoint("wh_" + PhotoIds.next(clock.instant()), target, key, types,
                clock.instant());
        store.addEndpoint(endpoint);
        return endpoint;
    }

    public List<WebhookEndpoint> endpoints() {
        return store.endpoints();
    }

    public void remove(String endpointId) {
        if (!store.deleteEndpoint(endpointId)) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "there is no webhook endpoint '" + endpointId + "'");
        }
    }

    public List<WebhookDelivery> deliveries(String endpointId, int limit) {
        if (store.endpoints().stream().noneMatch(e -> e.id().equals(endpointId))) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "there is no webhook endpoint '" + endpointId + "'");
        }
        return store.deliveries(endpointId, limit);
    }

    private static URI parseUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "'url' is required: the address to POST events to");
        }
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException ignored) {
            // answered below
        }
        throw new PicPeakException(ErrorCode.INVALID_REQUEST, "'url' must be an absolute http(s) address without "
                + "credentials, like https://example.com/hooks/picpeak (got '" + url + "')");
    }

    /** Refuses an IPv4 address spelled otherwise than as four decimal numbers, whatever the settings. */
    private static void requireUnambiguous(URI target) {
        if (WebhookAddresses.isAmbiguousIpv4(target.getHost())) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "'url' host '" + target.getHost() + "' is an IPv4 "
                    + "address in octal, hex, one number or fewer parts: write it as four decimal numbers (a.b.c.d), "
                    + "or use a name");
        }
    }

    /** Refuses an endpoint whose host is (or resolves to) an address of this machine or its private network. */
    private void requirePublic(URI target) {
        Optional<InetAddress> local;
        try {
            local = WebhookAddresses.resolve(target.getHost(), resolver).firstNonPublic();
        } catch (UnknownHostException e) {
            return; // not resolvable now: every delivery attempt resolves it again and checks then
        }
        local.ifPresent(address -> {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "'url' points at " + target.getHost() + " ("
                    + address.getHostAddress() + "), an address of this machine or of a private network: webhooks go "
                    + "only to public addresses unless " + WebhookSettings.ALLOW_PRIVATE + "=true (set it for a "
                    + "receiver on your own network)");
        });
    }

    /** Where one attempt may connect: the host resolved once, or why no attempt is made now. */
    private record Target(List<InetAddress> addresses, String refused) {
    }

    private Target target(URI url) {
        String host = url.getHost();
        if (WebhookAddresses.isAmbiguousIpv4(host)) {
            return new Target(List.of(), "refused: " + host + " is an IPv4 address not written as four decimal numbers");
        }
        WebhookAddresses.Resolution resolution;
        try {
            resolution = WebhookAddresses.resolve(host, resolver);
        } catch (UnknownHostException e) {
            return new Target(List.of(), "UnknownHostException: " + host);
        }
        if (!settings.allowPrivateAddresses() && resolution.firstNonPublic().isPresent()) {
            return new Target(List.of(), "refused: " + host + " resolves to the private address "
                    + resolution.firstNonPublic().get().getHostAddress() + " (" + WebhookSettings.ALLOW_PRIVATE + " is off)");
        }
        return new Target(resolution.addresses(), null);
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return "whsec_" + HexFormat.of().formatHex(bytes);
    }

    // ---- publishing and delivery ----

    @Override
    public void publish(DomainEvent event) {
        try {
            Instant now = clock.instant();
            for (WebhookEndpoint endpoint : store.endpoints()) {
                if (endpoint.wants(event.type())) {
                    // as PicPeak's webhook receivers expect: the envelope's id is the delivery's, the one
                    // X-PicPeak-Delivery carries, so a receiver can drop a retried delivery it already has
                    String deliveryId = "dlv_" + PhotoIds.next(now);
                    String body = new String(new DomainEvent(deliveryId, event.type(), event.createdAt(), event.data())
                            .toJson(), StandardCharsets.UTF_8);
                    store.addPending(new WebhookDelivery(deliveryId, endpoint.id(), event.id(),
                            event.type(), body, WebhookDelivery.State.PENDING, 0, now, null, now, now));
                }
            }
        } catch (RuntimeException e) {
            log.error("could not queue webhooks for {} {}: {}", event.type(), event.id(), e.getMessage());
            return;
        }
        ScheduledExecutorService running = dispatcher;
        if (running != null) {
            running.execute(this::deliverDueQuietly);
        }
    }

    /** Makes every due attempt once; returns how many POSTs were made. */
    public int deliverDue() {
        int attempts = 0;
        List<WebhookEndpoint> endpoints = store.endpoints();
        for (WebhookDelivery delivery : store.due(clock.instant(), BATCH)) {
            if (!store.lease(delivery, clock.instant(), LEASE)) {
                continue; // another dispatcher has it
            }
            WebhookEndpoint endpoint = endpoints.stream().filter(e -> e.id().equals(delivery.endpointId()))
                    .findFirst().orElse(null);
            if (endpoint == null) {
                store.finish(finished(delivery, WebhookDelivery.State.FAILED, delivery.attempts(),
                        "endpoint removed"));
                continue;
            }
            attempts++;
            attempt(endpoint, delivery);
        }
        return attempts;
    }

    private void attempt(WebhookEndpoint endpoint, WebhookDelivery delivery) {
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "PicPeak-Webhooks/1");
        headers.put(WebhookSigner.EVENT_HEADER, delivery.eventType());
        headers.put(WebhookSigner.DELIVERY_HEADER, delivery.id());
        headers.put(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp));
        headers.put(WebhookSigner.SIGNATURE_HEADER, WebhookSigner.sign(endpoint.secret(), timestamp, body));
        Target target = target(endpoint.url()); // resolved once: the POST goes to these addresses, checked
        String outcome = target.refused();
        boolean delivered = false;
        if (outcome == null) {
            try {
                int status = WebhookPost.send(endpoint.url(), target.addresses(), headers, body, CONNECT_TIMEOUT,
                        REQUEST_TIMEOUT);
                outcome = "HTTP " + status;
                delivered = status >= 200 && status < 300;
            } catch (IOException e) {
                outcome = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
        }
        int made = delivery.attempts() + 1;
        if (delivered) {
            store.finish(finished(delivery, WebhookDelivery.State.DELIVERED, made, outcome));
        } else if (made >= settings.maxAttempts()) {
            log.warn("webhook {} to endpoint {} ({}) failed {} times, giving up: {}", delivery.id(), endpoint.id(),
                    WebhookAddresses.origin(endpoint.url()), made, outcome);
            store.finish(finished(delivery, WebhookDelivery.State.FAILED, made, outcome));
        } else {
            Instant now = clock.instant();
            log.info("webhook {} to endpoint {} ({}) failed (attempt {} of {}): {}", delivery.id(), endpoint.id(),
                    WebhookAddresses.origin(endpoint.url()), made, settings.maxAttempts(), outcome);
            store.reschedule(new WebhookDelivery(delivery.id(), delivery.endpointId(), delivery.eventId(),
                    delivery.eventType(), delivery.body(), WebhookDelivery.State.PENDING, made,
                    now.plus(settings.backoffAfter(made)), outcome, delivery.createdAt(), now));
        }
    }

    private WebhookDelivery finished(WebhookDelivery d, WebhookDelivery.State state, int attempts, String outcome) {
        return new WebhookDelivery(d.id(), d.endpointId(), d.eventId(), d.eventType(), d.body(), state, attempts,
                d.nextAttemptAt(), outcome, d.createdAt(), clock.instant());
    }

    private void deliverDueQuietly() {
        try {
            deliverDue();
        } catch (RuntimeException e) {
            log.warn("webhook dispatch failed, next tick retries: {}", e.getMessage());
        }
    }

    /** Local mode: a daemon thread makes due attempts every {@code tick} and right after each publish. */
    public synchronized void startDispatcher(Duration tick) {
        if (dispatcher != null) {
            return;
        }
        dispatcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "webhook-dispatcher");
            thread.setDaemon(true);
            return thread;
        });
        dispatcher.scheduleWithFixedDelay(this::deliverDueQuietly, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (dispatcher != null) {
            dispatcher.shutdownNow();
            dispatcher = null;
        }
    }
}
