package com.picpeak.notify;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.ConfigException;
import com.picpeak.storage.EnvReader;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestDynamo;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signed webhooks delivered to a real HTTP server in this JVM; deliveries kept in DynamoDB Local. */
class WebhooksTest {
    record Received(Map<String, String> headers, byte[] body) {
    }

    HttpServer receiver;
    List<Received> received = new CopyOnWriteArrayList<>();
    ConcurrentLinkedQueue<Integer> answers = new ConcurrentLinkedQueue<>();
    TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    DynamoTable table;
    /** The receiver runs on 127.0.0.1: private addresses are allowed here, refused by default (see the tests below). */
    WebhookSettings settings = new WebhookSettings(3, Duration.ofSeconds(30), true);
    Webhooks webhooks;

    @BeforeEach
    void setUp() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            received.add(new Received(headers, body));
            Integer status = answers.poll();
            int code = status == null ? 200 : status;
            if (code == 302) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
            }
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        receiver.start();
        table = new DynamoTable(TestDynamo.client(), TestDynamo.createTable());
        webhooks = new Webhooks(new WebhookStore(table), settings, clock);
    }

    @AfterEach
    void tearDown() {
        webhooks.close();
        receiver.stop(0);
    }

    String url() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    static DomainEvent uploaded(String id) {
        Photo photo = new Photo(id, "wedding", "events/active/wedding/a.jpg", "thumbnails/wedding/" + id + ".jpg", "a.jpg",
                "image/jpeg", 1234, 1, "ab", 10, 10, null, Instant.parse("2026-11-25T10:00:00Z"), PhotoSource.WATCH);
        return DomainEvent.photoUploaded(photo, Instant.parse("2026-11-25T10:00:00Z"));
    }

    @Test
    void aDelivery_isSignedOverTheRawBody_withTheProductsHeaders() {
        WebhookEndpoint endpoint = webhooks.register(url(), List.of("photo.uploaded"), null);
        DomainEvent event = uploaded("p1");

        webhooks.publish(event);
        assertThat(webhooks.deliverDue()).isEqualTo(1);

        Received got = received.get(0);
        assertThat(got.headers()).containsEntry("x-picpeak-event", "photo.uploaded")
                .containsEntry("x-picpeak-signature", WebhookSigner.sign(endpoint.secret(), clock.instant().getEpochSecond(),
                        got.body()))
                .containsEntry("x-picpeak-timestamp", Long.toString(clock.instant().getEpochSecond()))
                .containsEntry("content-type", "application/json");
        assertThat(got.headers().get("x-picpeak-delivery")).startsWith("dlv_");
        DomainEvent parsed = DomainEvent.fromJson(got.body());
        assertThat(parsed.id()).isEqualTo(got.headers().get("x-picpeak-delivery")); // the envelope's id is the delivery's
        assertThat(parsed.data()).containsEntry("event_slug", "wedding").containsEntry("photo_id", "p1")
                .containsEntry("filename", "a.jpg").containsEntry("source", "watch").containsKey("timestamp");
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).startsWith("{\"id\":\"" + parsed.id()
                + "\",\"type\":\"photo.uploaded\",\"created_at\":\"2026-11-25T10:00:00Z\",\"data\":{");
        assertThat(webhooks.deliveries(endpoint.id(), 10)).singleElement()
                .satisfies(d -> assertThat(d.state()).isEqualTo(WebhookDelivery.State.DELIVERED));
    }

    @Test
    void aReceiverAnswering500_getsTheDeliveryAgainAfterTheBackoff_thenItIsDelivered() {
        WebhookEndpoint endpoint = webhooks.register(url(), null, "a-secret-of-the-receiver");
        answers.add(500);
        webhooks.publish(uploaded("p2"));

        webhooks.deliverDue();
        assertThat(received).hasSize(1);
        WebhookDelivery pending = webhooks.deliveries(endpoint.id(), 10).get(0);
        assertThat(pending.state()).isEqualTo(WebhookDelivery.State.PENDING);
        assertThat(pending.lastOutcome()).isEqualTo("HTTP 500");
        assertThat(pending.nextAttemptAt()).isEqualTo(clock.instant().plus(Duration.ofSeconds(30)));

        assertThat(webhooks.deliverDue()).isZero(); // not due yet
        clock.advance(Duration.ofSeconds(30));
        assertThat(webhooks.deliverDue()).isEqualTo(1);

        assertThat(received).hasSize(2);
        assertThat(received.get(1).headers().get("x-picpeak-delivery"))
                .isEqualTo(received.get(0).headers().get("x-picpeak-delivery"));
        assertThat(webhooks.deliveries(endpoint.id(), 10)).singleElement().satisfies(d -> {
            assertThat(d.state()).isEqualTo(WebhookDelivery.State.DELIVERED);
            assertThat(d.attempts()).isEqualTo(2);
        });
    }

    @Test
    void redirectsAreNotFollowed_andAfterTheLastAttemptTheDeliveryFails() {
        WebhookEndpoint endpoint = webhooks.register(url(), null, null);
        answers.addAll(List.of(302, 302, 302));
        webhooks.publish(uploaded("p3"));

        for (int attempt = 0; attempt < 3; attempt++) {
            webhooks.deliverDue();
            clock.advance(Duration.ofHours(1));
        }
        assertThat(webhooks.deliverDue()).isZero();

        assertThat(received).hasSize(3); // each 302 counted as a failure, never followed
        assertThat(webhooks.deliveries(endpoint.id(), 10)).singleElement().satisfies(d -> {
            assertThat(d.state()).isEqualTo(WebhookDelivery.State.FAILED);
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.lastOutcome()).isEqualTo("HTTP 302");
        });
    }

    @Test
    void pendingDeliveries_surviveARestart() {
        webhooks.register(url(), null, null);
        webhooks.publish(uploaded("p4"));
        webhooks.close(); // the process stops before delivering

        try (Webhooks restarted = new Webhooks(new WebhookStore(table), settings, clock)) {
            assertThat(restarted.deliverDue()).isEqualTo(1);
        }
        assertThat(received).hasSize(1);
    }

    @Test
    void anEndpointGetsOnlyTheTypesItAskedFor() {
        webhooks.register(url(), List.of("photo.deleted"), null);
        webhooks.publish(uploaded("p5"));

        assertThat(webhooks.deliverDue()).isZero();
        assertThat(received).isEmpty();
    }

    @Test
    void theSignature_coversTheTimestampAndTheBody_soAReplayWithAFreshTimestampFailsVerification() throws Exception {
        WebhookEndpoint endpoint = webhooks.register(url(), null, null);
        webhooks.publish(uploaded("p6"));

        webhooks.deliverDue();

        Received got = received.get(0);
        String timestamp = got.headers().get("x-picpeak-timestamp");
        assertThat(timestamp).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        // the recipe of docs/events-and-webhooks.md: hex HMAC-SHA256 of "<timestamp>.<raw body>" with the endpoint's secret
        assertThat(got.headers().get("x-picpeak-signature"))
                .isEqualTo(hmacHex(endpoint.secret(), timestamp + "." + new String(got.body(), StandardCharsets.UTF_8)))
                .isNotEqualTo(hmacHex(endpoint.secret(), (Long.parseLong(timestamp) + 600) + "."
                        + new String(got.body(), StandardCharsets.UTF_8)));
    }

    static String hmacHex(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void endpointsOnLoopbackLinkLocalAndPrivateNetworks_areRefusedByDefault_andNothingIsStored() {
        Webhooks strict = new Webhooks(new WebhookStore(table), WebhookSettings.defaults(), clock);

        for (String address : List.of(url(), "http://localhost/hook", "http://169.254.169.254/latest/meta-data/",
                "http://10.1.2.3/hook", "https://172.16.0.1/hook", "http://192.168.1.20:8080/hook", "http://[::1]/hook",
                "http://[fd00:ec2::254]/latest", "http://0.0.0.0:8080/hook", "http://100.100.100.200/meta")) {
            assertThatThrownBy(() -> strict.register(address, null, null)).as(address)
                    .isInstanceOfSatisfying(PicPeakException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST))
                    .hasMessageContaining("PICPEAK_WEBHOOK_ALLOW_PRIVATE=true");
        }
        assertThat(strict.endpoints()).isEmpty();
    }

    @Test
    void anEndpointStoredWhilePrivateAddressesWereAllowed_isNotPostedTo_onceTheyAreNot() {
        webhooks.register(url(), null, null); // allowed here
        try (Webhooks strict = new Webhooks(new WebhookStore(table), new WebhookSettings(3, Duration.ofSeconds(30), false),
                clock)) {
            strict.publish(uploaded("p7"));

            strict.deliverDue();

            assertThat(received).isEmpty();
            assertThat(strict.deliveries(strict.endpoints().get(0).id(), 10)).singleElement()
                    .satisfies(d -> assertThat(d.lastOutcome()).contains("private address"));
        }
    }

    @Test
    void failedDeliveries_areLoggedWithoutTheEndpointsQueryString() {
        Logger logger = (Logger) LoggerFactory.getLogger(Webhooks.class);
        ListAppender<ILoggingEvent> logged =
                new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        Level level = logger.getLevel();
        WebhookEndpoint[] endpoint = new WebhookEndpoint[1];
        logger.setLevel(Level.TRACE);
        try {
            endpoint[0] = webhooks.register(url() + "?token=s3cr3t-in-query#frag", null, null);
            answers.addAll(List.of(500, 500, 500));
            webhooks.publish(uploaded("p8"));
            for (int attempt = 0; attempt < 3; attempt++) {
                webhooks.deliverDue();
                clock.advance(Duration.ofHours(1));
            }
        } finally {
            logger.detachAppender(logged);
            logger.setLevel(level);
        }

        assertThat(received).hasSize(3);
        List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3).allSatisfy(line -> assertThat(line)
                .doesNotContain("s3cr3t").doesNotContain("token=").doesNotContain("frag").doesNotContain("/hook"));
        // named by its id (the admin API shows the whole URL) and its origin
        assertThat(lines).allSatisfy(line -> assertThat(line).contains("endpoint " + endpoint[0].id() + " (http://127.0.0.1:"
                + receiver.getAddress().getPort() + ")"));
    }

    @Test
    void allowingPrivateAddresses_isAYesNoSetting_reportedWithTheOtherProblems() {
        EnvReader unset = new EnvReader(Map.of());
        assertThat(WebhookSettings.fromEnv(unset).allowPrivateAddresses()).isFalse();
        EnvReader yes = new EnvReader(Map.of("PICPEAK_WEBHOOK_ALLOW_PRIVATE", "Yes"));
        assertThat(WebhookSettings.fromEnv(yes).allowPrivateAddresses()).isTrue();
        assertThat(unset.problems()).isEmpty();
        assertThat(yes.problems()).isEmpty();
        EnvReader bad = new EnvReader(Map.of("PICPEAK_WEBHOOK_ALLOW_PRIVATE", "sometimes", "WEBHOOK_MAX_ATTEMPTS", "0"));
        WebhookSettings.fromEnv(bad);
        assertThat(bad.problems()).extracting(ConfigException.Problem::variable)
                .containsExactlyInAnyOrder("PICPEAK_WEBHOOK_ALLOW_PRIVATE", "WEBHOOK_MAX_ATTEMPTS");
        assertThat(bad.problems().toString()).contains("'sometimes' is not a yes/no value")
                .contains("'0' is not a whole number from 1 to 50 (default 8)");
    }

    @Test
    void publicAddresses_areAllowed_andOnlyThose() throws Exception {
        for (String address : List.of("93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "100.63.255.255", "100.128.0.1")) {
            assertThat(WebhookAddresses.isPublic(InetAddress.getByName(address))).as(address).isTrue();
        }
        for (String address : List.of("127.0.0.2", "0.0.0.0", "10.255.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254",
                "100.64.0.1", "::1", "::", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1", "::169.254.169.254",
                "64:ff9b::a9fe:a9fe", "224.0.0.1", "255.255.255.255")) {
            assertThat(WebhookAddresses.isPublic(InetAddress.getByName(address))).as(address).isFalse();
        }
    }

    @Test
    void nat64LocalUse_6to4_ipv4Mapped_andTeredoForms_ofPrivateAddresses_areNotPublic() throws Exception {
        for (String address : List.of("64:ff9b:1::7f00:1", "64:ff9b:1::5db8:d822", "64:ff9b:1:ffff::1", // local-use NAT64
                "2002:7f00:1::1", "2002:a00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:1::", // 6to4 of 127/8, 10/8, 169.254, 192.168
                "2001:0:5db8:d822:0:0:80ff:fffe", // Teredo whose client is 127.0.0.1 (stored inverted)
                "64:ff9b::7f00:1", "64:ff9b::a00:1")) {
            assertThat(WebhookAddresses.isPublic(InetAddress.getByName(address))).as(address).isFalse();
        }
        // ::ffff:a.b.c.d as an IPv6 address: InetAddress.getByName turns it into IPv4, a socket API may not
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 169, (byte) 254, (byte) 169, (byte) 254};
        assertThat(WebhookAddresses.isPublic(Inet6Address.getByAddress(null, mapped, -1))).isFalse();
        byte[] mappedLoopback = mapped.clone();
        mappedLoopback[12] = 127;
        mappedLoopback[13] = 0;
        mappedLoopback[14] = 0;
        mappedLoopback[15] = 1;
        assertThat(WebhookAddresses.isPublic(Inet6Address.getByAddress(null, mappedLoopback, -1))).isFalse();
        for (String address : List.of("2002:5db8:d80e::1", "64:ff9b::808:808", "2606:4700:4700::1111")) { // public inside
            assertThat(WebhookAddresses.isPublic(InetAddress.getByName(address))).as(address).isTrue();
        }
    }

    @Test
    void ipv4Spelled_inOctal_hex_oneNumber_orFewerParts_isRefused_whateverItMeans() {
        Webhooks strict = new Webhooks(new WebhookStore(table), WebhookSettings.defaults(), clock);

        for (String address : List.of("http://0177.0.0.1/hook", "http://0x7f.0.0.1/hook", "http://0x7f000001/hook",
                "http://2130706433/hook", "http://017700000001/hook", "http://127.1/hook", "http://10.1/hook",
                "http://0251.0376.0251.0376/latest/meta-data/", "http://8.8.8.010/hook", "http://127.0.0.1./hook")) {
            assertThatThrownBy(() -> strict.register(address, null, null)).as(address)
                    .isInstanceOfSatisfying(PicPeakException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST))
                    // java.net.URI finds no host at all in some (0x7f.0.0.1): refused as no http(s) address then
                    .hasMessageMatching("(?s).*(four decimal numbers|must be an absolute http\\(s\\) address).*");
        }
        assertThat(strict.endpoints()).isEmpty();
        // allowed private addresses do not make them acceptable: what they mean is the question
        assertThatThrownBy(() -> webhooks.register("http://0177.0.0.1:" + receiver.getAddress().getPort() + "/hook", null, null))
                .hasMessageContaining("four decimal numbers");
    }

    @Test
    void theConnection_goesToTheAddressThatWasResolvedAndChecked_theNameIsNotResolvedAgain() throws Exception {
        // A name that resolves once to one address and then to another (DNS rebinding): the check and the connection
        // must use one resolution. "localhost" resolves to 127.0.0.1 for the system; this resolver says 127.0.0.2,
        // where a second receiver listens on the same port. A delivery that resolved the name again would reach the
        // receiver on 127.0.0.1. (Both are loopback, so private addresses are allowed here: the pin holds either way.)
        List<String> rebound = new CopyOnWriteArrayList<>();
        HttpServer checked = HttpServer.create(new InetSocketAddress("127.0.0.2", receiver.getAddress().getPort()), 0);
        checked.createContext("/hook", exchange -> {
            rebound.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        checked.start();
        List<String> lookups = new CopyOnWriteArrayList<>();
        WebhookAddresses.Resolver resolver = host -> {
            lookups.add(host);
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 2})};
        };
        try (Webhooks pinned = new Webhooks(new WebhookStore(table), settings, clock, resolver)) {
            WebhookEndpoint endpoint = pinned.register("http://localhost:" + receiver.getAddress().getPort() + "/hook",
                    null, null);
            lookups.clear();
            pinned.publish(uploaded("p9"));

            assertThat(pinned.deliverDue()).isEqualTo(1);

            assertThat(received).as("the receiver of a second resolution").isEmpty();
            assertThat(rebound).containsExactly("localhost:" + receiver.getAddress().getPort());
            assertThat(lookups).containsExactly("localhost");
            assertThat(pinned.deliveries(endpoint.id(), 10)).singleElement().satisfies(d -> {
                assertThat(d.state()).isEqualTo(WebhookDelivery.State.DELIVERED);
                assertThat(d.lastOutcome()).isEqualTo("HTTP 204");
            });
        } finally {
            checked.stop(0);
        }
    }

    @Test
    void aNameResolvingToAPrivateAddress_isNotConnectedTo_andIsResolvedOnce() throws Exception {
        List<String> lookups = new CopyOnWriteArrayList<>();
        WebhookAddresses.Resolver resolver = host -> {
            lookups.add(host);
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
        };
        webhooks.register(url(), null, null); // stored while allowed: the strict instance below refuses at delivery
        try (Webhooks strict = new Webhooks(new WebhookStore(table), new WebhookSettings(3, Duration.ofSeconds(30), false),
                clock, resolver)) {
            strict.publish(uploaded("p10"));

            strict.deliverDue();

            assertThat(received).isEmpty();
            assertThat(lookups).containsExactly("127.0.0.1");
        }
    }

    @Test
    void badEndpoints_areRefused_andNothingIsStored() {
        assertThatThrownBy(() -> webhooks.register("ftp://example.com/x", null, null))
                .isInstanceOfSatisfying(PicPeakException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST))
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> webhooks.register("https://user:pw@example.com/x", null, null))
                .hasMessageContaining("credentials");
        assertThatThrownBy(() -> webhooks.register(url(), List.of("photo.exploded"), null))
                .hasMessageContaining("'photo.exploded' is not an event type");
        assertThatThrownBy(() -> webhooks.register(url(), null, "short"))
                .hasMessageContaining("secret");
        assertThat(webhooks.endpoints()).isEmpty();
    }
}
