package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.picpeak.api.ApiHttpTest.assertError;
import static com.picpeak.api.ApiHttpTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing over real HTTP: gallery passwords are throttled per event and client (429 with a growing
 * {@code Retry-After}), the image rate limit follows the guest's session, and {@code X-Forwarded-For} counts
 * only from a trusted proxy. Two local servers: one behind a trusted proxy (this test's own address,
 * 127.0.0.1, is the proxy), one reached directly. Tight policy: 2 free wrong passwords, then 1 s, 2 s, 4 s, ...
 * Both runtimes run on one {@link TestClock} the test moves: a {@code Retry-After} is waited out, and a fresh
 * minute of the image rate limit begun, by moving it, not by sleeping.
 */
class GuessingHttpTest {
    static final Map<String, String> POLICY = Map.of(
            "PICPEAK_PASSWORD_FREE_FAILURES", "2",
            "PICPEAK_PASSWORD_BACKOFF_MS", "1000",
            "PICPEAK_IMAGE_RATE_LIMIT", "4",
            "PICPEAK_IMAGE_NETWORK_RATE_LIMIT", "8",
            "PICPEAK_SESSIONS_PER_MINUTE", "6");
    @TempDir
    static Path dataDir;
    static Server proxied;
    static Server direct;
    /** Five seconds into a minute: the image rate limit counts per clock minute. */
    static final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:05Z"));
    static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One local server (its own runtime and catalog table) on a free port. */
    record Server(PicPeakRuntime runtime, ConfigurableApplicationContext app, String base) {
        static Server start(Path data, Map<String, String> env) {
            return start(data, env, clock);
        }

        static Server start(Path data, Map<String, String> env, TestClock clock) {
            PicPeakRuntime runtime = TestRuntimes.local(data, env, clock);
            RuntimeHolder.install(runtime);
            ConfigurableApplicationContext app = SpringApplication.run(PicPeakApiApp.class, "--server.port=0");
            return new Server(runtime, app, "http://127.0.0.1:"
                    + ((ServletWebServerApplicationContext) app).getWebServer().getPort());
        }

        void stop() {
            app.close();
            runtime.close();
        }
    }

    @BeforeAll
    static void start() {
        Map<String, String> behindProxy = new HashMap<>(POLICY);
        behindProxy.put("PICPEAK_TRUSTED_PROXIES", "127.0.0.1");
        proxied = Server.start(dataDir.resolve("proxied"), behindProxy);
        direct = Server.start(dataDir.resolve("direct"), POLICY);
    }

    @AfterAll
    static void stop() {
        proxied.stop();
        direct.stop();
    }

    @Test
    void wrongPasswords_fromOneClient_get429WithAGrowingRetryAfter_whileAnotherClientGetsIn() throws Exception {
        createEvent(proxied, "guarded", "correct horse");
        String attacker = "198.51.100.1";
        String guest = "203.0.113.5";

        assertError(auth(proxied, "guarded", "guess-1", attacker), 401, "wrong_password", "wrong password");
        assertError(auth(proxied, "guarded", "guess-2", attacker), 401, "wrong_password", "wrong password");
        assertError(auth(proxied, "guarded", "guess-3", attacker), 401, "wrong_password", "next try in 1 s");
        List<Long> retryAfter = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            HttpResponse<byte[]> held = auth(proxied, "guarded", "guess-x" + round, attacker);
            assertError(held, 429, "too_many_requests", "too many wrong passwords");
            assertThat(held.headers().firstValue("Cache-Control")).hasValue("no-store");
            long seconds = held.headers().firstValueAsLong("Retry-After").orElseThrow();
            retryAfter.add(seconds);
            // the right password from the held-back client is not even checked (no PBKDF2 while held back)
            assertError(auth(proxied, "guarded", "correct horse", attacker), 429, "too_many_requests", "try again in");
            // another client with the right password gets in during the attack
            HttpResponse<byte[]> in = auth(proxied, "guarded", "correct horse", guest);
            assertThat(in.statusCode()).as(new String(in.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            assertThat(json(in).get("token").asText()).isNotBlank();

            // waiting out Retry-After is the point of the test (polling would send guesses that count): on the
            // runtimes' clock, moved just short of it first to show the wait is the one announced
            clock.advance(Duration.ofSeconds(seconds).minusMillis(150));
            assertError(auth(proxied, "guarded", "guess-early" + round, attacker), 429, "too_many_requests", "try again in");
            clock.advance(Duration.ofMillis(300));
            assertError(auth(proxied, "guarded", "guess-y" + round, attacker), 401, "wrong_password", "next try in");
        }
        assertThat(retryAfter).containsExactly(1L, 2L, 4L);
    }

    @Test
    void xForwardedFor_isIgnored_unlessTheProxyIsTrusted() throws Exception {
        createEvent(direct, "no-proxy", "correct horse");
        createEvent(proxied, "with-proxy", "correct horse");

        // direct: every request is the one peer 127.0.0.1 whatever it claims, so a fourth "client" is held back
        for (int i = 0; i < 3; i++) {
            assertError(auth(direct, "no-proxy", "wrong-" + i, "198.51.100." + (10 + i)), 401, "wrong_password", "");
        }
        assertError(auth(direct, "no-proxy", "wrong-3", "198.51.100.13"), 429, "too_many_requests", "");

        // behind the trusted proxy the forwarded address is the client: only .20 is held back
        for (int i = 0; i < 3; i++) {
            assertError(auth(proxied, "with-proxy", "wrong-" + i, "198.51.100.20"), 401, "wrong_password", "");
        }
        assertError(auth(proxied, "with-proxy", "wrong-3", "198.51.100.20"), 429, "too_many_requests", "");
        // a client cannot put an address of its choice in front: the proxy appends the real one, which counts
        assertError(auth(proxied, "with-proxy", "wrong-4", "203.0.113.99, 198.51.100.20"), 429, "too_many_requests", "");
        assertError(auth(proxied, "with-proxy", "wrong-5", "198.51.100.21"), 401, "wrong_password", "");
    }

    @Test
    void newPasswords_needSixCharacters_whileAFourCharacterOneSetBefore_stillWorks() throws Exception {
        assertError(admin(proxied, "POST", "/api/admin/events", "{\"slug\":\"short\",\"title\":\"Short\",\"password\":\"abcde\"}"),
                400, "invalid_request", "at least 6 characters");
        createEvent(proxied, "legacy", "six-ok");
        assertError(admin(proxied, "PATCH", "/api/admin/events/legacy", "{\"password\":\"1234\"}"), 400,
                "invalid_request", "at least 6 characters");
        assertThat(auth(proxied, "legacy", "six-ok", "203.0.113.6").statusCode()).isEqualTo(200);

        // a gallery whose 4-character password was set before the minimum rose (the row as it is stored)
        String oldHash = new PasswordHasher().hash("1234");
        proxied.runtime().catalog().updateEvent("legacy", e -> new Event(e.slug(), e.title(), oldHash, e.expiresAt(),
                e.active(), e.allowDownloads(), e.watermarkDownloads(), e.allowDirectS3Download(), e.revision(),
                e.heroPhotoId(), e.heroKey(), e.photoCount(), e.createdAt(), Instant.now(), e.archivedAt(), e.protection()));

        HttpResponse<byte[]> in = auth(proxied, "legacy", "1234", "203.0.113.6");
        assertThat(in.statusCode()).as(new String(in.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(json(admin(proxied, "GET", "/api/admin/events/legacy", null)).get("hasPassword").asBoolean()).isTrue();
    }

    @Test
    void theImageRateLimit_followsTheSession_notTheUserAgent() throws Exception {
        createEvent(direct, "traced-rate", null);
        String id = uploadOne(direct, "traced-rate", TestImages.jpeg(TestImages.noisyHalves(200, 150, 7)));
        admin(direct, "PATCH", "/api/admin/events/traced-rate", "{\"protectionLevel\":\"enhanced\"}");
        String anna = session(direct, "traced-rate");
        String ben = session(direct, "traced-rate");
        String thumbnail = "/api/gallery/traced-rate/photos/" + id + "/thumbnail";
        startAFreshMinute(); // the limit counts per clock minute

        for (int i = 0; i < 4; i++) {
            assertThat(send(direct, "GET", thumbnail, null, "Bearer " + anna, "User-Agent", "Firefox/" + i).statusCode())
                    .isEqualTo(200);
        }
        HttpResponse<byte[]> limited = send(direct, "GET", thumbnail, null, "Bearer " + anna, "User-Agent", "Brand-new/1.0");
        assertError(limited, 429, "too_many_requests", "too many image requests");
        assertThat(limited.headers().firstValueAsLong("Retry-After").orElseThrow()).isBetween(1L, 60L);
        // another guest behind the same address (a shared proxy or NAT) has a limit of its own
        assertThat(send(direct, "GET", thumbnail, null, "Bearer " + ben, "User-Agent", "Firefox/0").statusCode())
                .isEqualTo(200);
    }

    @Test
    void aNewSession_isNoNewImageLimit_andANetworkIsIssuedSoManySessionsAMinute() throws Exception {
        createEvent(proxied, "fresh-sessions", null);
        String id = uploadOne(proxied, "fresh-sessions", TestImages.jpeg(TestImages.noisyHalves(200, 150, 8)));
        admin(proxied, "PATCH", "/api/admin/events/fresh-sessions", "{\"protectionLevel\":\"enhanced\"}");
        String thumbnail = "/api/gallery/fresh-sessions/photos/" + id + "/thumbnail";
        startAFreshMinute(); // both limits count per clock minute

        // one IPv6 /64 (behind the trusted proxy): two sessions use up the network's 8 requests of the minute
        for (int s = 1; s <= 2; s++) {
            String address = "2001:db8:7:7::" + s;
            String session = sessionFrom("fresh-sessions", address);
            for (int i = 0; i < 4; i++) {
                assertThat(send(proxied, "GET", thumbnail, null, "Bearer " + session, "X-Forwarded-For", address)
                        .statusCode()).isEqualTo(200);
            }
        }
        // a third session from another address of the same /64 is no new limit
        String third = sessionFrom("fresh-sessions", "2001:db8:7:7:aaaa::3");
        HttpResponse<byte[]> limited = send(proxied, "GET", thumbnail, null, "Bearer " + third,
                "X-Forwarded-For", "2001:db8:7:7:aaaa::3");
        assertError(limited, 429, "too_many_requests", "from your network");
        assertThat(limited.headers().firstValueAsLong("Retry-After").orElseThrow()).isBetween(1L, 60L);
        // another network has its own
        String elsewhere = sessionFrom("fresh-sessions", "2001:db8:7:8::1");
        assertThat(send(proxied, "GET", thumbnail, null, "Bearer " + elsewhere, "X-Forwarded-For", "2001:db8:7:8::1")
                .statusCode()).isEqualTo(200);

        // sessions: 3 issued to the /64 so far this minute, 6 allowed, the 7th refused until the minute ends
        for (int s = 4; s <= 6; s++) {
            sessionFrom("fresh-sessions", "2001:db8:7:7::" + s);
        }
        HttpResponse<byte[]> refused = auth(proxied, "fresh-sessions", "", "2001:db8:7:7::7");
        assertError(refused, 429, "too_many_requests", "too many new sessions");
        long wait = refused.headers().firstValueAsLong("Retry-After").orElseThrow();
        assertThat(wait).isBetween(1L, 60L);
        clock.advance(Duration.ofSeconds(wait));
        sessionFrom("fresh-sessions", "2001:db8:7:7::7");
        assertThat(send(proxied, "GET", thumbnail, null, "Bearer " + third, "X-Forwarded-For", "2001:db8:7:7:aaaa::3")
                .statusCode()).isEqualTo(200);
    }

    private static String sessionFrom(String slug, String forwardedFor) throws Exception {
        HttpResponse<byte[]> response = auth(proxied, slug, "", forwardedFor);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return json(response).get("token").asText();
    }

    // ---- helpers ----

    /** The limit counts per clock minute: a count split across two minutes proves nothing. */
    private static void startAFreshMinute() {
        long second = clock.instant().getEpochSecond() % 60;
        clock.advance(Duration.ofSeconds(61 - second));
    }

    private static String session(Server server, String slug) throws Exception {
        HttpResponse<byte[]> response = send(server, "POST", "/api/gallery/" + slug + "/auth",
                "{}".getBytes(StandardCharsets.UTF_8), null, "Content-Type", "application/json");
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response).get("token").asText();
    }

    static void createEvent(Server server, String slug, String password) throws Exception {
        String body = "{\"slug\":\"" + slug + "\",\"title\":\"" + slug + "\""
                + (password == null ? "" : ",\"password\":\"" + password + "\"") + "}";
        HttpResponse<byte[]> created = admin(server, "POST", "/api/admin/events", body);
        assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    }

    private static String uploadOne(Server server, String slug, byte[] jpeg) throws Exception {
        Multipart form = new Multipart().file("p.jpg", jpeg);
        HttpResponse<byte[]> response = send(server, "POST", "/api/admin/events/" + slug + "/photos", form.body(),
                "Bearer " + TestRuntimes.ADMIN_TOKEN, "Content-Type", form.contentType());
        assertThat(response.statusCode()).isEqualTo(201);
        return json(response).get("results").get(0).get("photo").get("id").asText();
    }

    /** A sign-in from {@code forwardedFor} (sent as {@code X-Forwarded-For}, as a proxy in front would). */
    static HttpResponse<byte[]> auth(Server server, String slug, String password, String forwardedFor)
            throws Exception {
        return send(server, "POST", "/api/gallery/" + slug + "/auth",
                ("{\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8), null,
                "Content-Type", "application/json", "X-Forwarded-For", forwardedFor);
    }

    private static HttpResponse<byte[]> admin(Server server, String method, String path, String jsonBody) throws Exception {
        return send(server, method, path, jsonBody == null ? null : jsonBody.getBytes(StandardCharsets.UTF_8),
                "Bearer " + TestRuntimes.ADMIN_TOKEN, "Content-Type", "application/json");
    }

    private static HttpResponse<byte[]> send(Server server, String method, String path, byte[] body,
                                             String authorization, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.base() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
