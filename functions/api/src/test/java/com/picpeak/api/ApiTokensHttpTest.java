package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
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
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static com.picpeak.api.ApiHttpTest.assertError;
import static com.picpeak.api.ApiHttpTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scoped API tokens over real HTTP (local backend, a test clock): shown once, kept as a hash, listed without
 * secrets; a token opens the guest API of the events in its scope with no password, 404 elsewhere, 403 without the
 * scope, 401 at once when revoked or expired; every use recorded.
 */
class ApiTokensHttpTest {
    @TempDir
    static Path dataDir;
    static ConfigurableApplicationContext app;
    static PicPeakRuntime runtime;
    static TestClock clock;
    static String base;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        runtime = TestRuntimes.local(dataDir, Map.of(), clock);
        RuntimeHolder.install(runtime);
        app = SpringApplication.run(PicPeakApiApp.class, "--server.port=0");
        base = "http://127.0.0.1:" + ((ServletWebServerApplicationContext) app).getWebServer().getPort();
        for (String slug : new String[]{"token-a", "token-b"}) {
            assertThat(admin("POST", "/api/admin/events", "{\"slug\":\"" + slug + "\",\"title\":\"" + slug
                    + "\",\"password\":\"secret-words\"}").statusCode()).isEqualTo(201);
            Multipart form = new Multipart().file("a.jpg", TestImages.jpeg(TestImages.noisyHalves(64, 48, slug.hashCode())));
            assertThat(send("POST", "/api/admin/events/" + slug + "/photos", form.body(), form.contentType(),
                    "Bearer " + TestRuntimes.ADMIN_TOKEN).statusCode()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        app.close();
        runtime.close();
    }

    @Test
    void aTokenOfEventA_opensAsGuestApi_withoutPassword_andNothingOfEventB() throws Exception {
        HttpResponse<byte[]> created = admin("POST", "/api/admin/tokens", "{\"name\":\"delivery bot\",\"events\":"
                + "[\"token-a\"],\"scopes\":[\"list\",\"download\"],\"expiresAt\":null}");
        assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
        String id = json(created).get("id").asText();
        String secret = json(created).get("token").asText();
        assertThat(secret).startsWith("ppk_" + id + ".");

        JsonNode listed = json(admin("GET", "/api/admin/tokens", null)).get("tokens");
        assertThat(listed.findValuesAsText("id")).contains(id);
        assertThat(text(admin("GET", "/api/admin/tokens", null))).doesNotContain(secret.substring(secret.indexOf('.') + 1));

        HttpResponse<byte[]> listing = guest("/api/gallery/token-a/photos", secret);
        assertThat(listing.statusCode()).as(text(listing)).isEqualTo(200);
        String photoId = json(listing).get("photos").get(0).get("id").asText();
        assertThat(guest("/api/gallery/token-a", secret).statusCode()).isEqualTo(200);
        assertThat(guest("/api/gallery/token-a/photos/" + photoId, secret).statusCode()).isEqualTo(200);
        assertThat(guest("/api/gallery/token-a/photos/" + photoId + "/download", secret).statusCode()).isEqualTo(200);
        assertThat(guest("/gallery/token-a/download-all", secret).statusCode()).isEqualTo(200);

        assertError(guest("/api/gallery/token-b/photos", secret), 404, "event_not_found", "token-b");
        assertError(guest("/gallery/token-b/download-all", secret), 404, "event_not_found", "token-b");
        assertThat(guest("/api/gallery/token-a/photos", null).statusCode()).as("no token: the password").isEqualTo(401);

        JsonNode uses = json(admin("GET", "/api/admin/tokens/" + id + "/uses", null)).get("uses");
        assertThat(uses.findValuesAsText("route")).contains("GET /api/gallery/token-a/photos",
                "GET /api/gallery/token-a/photos/" + photoId + "/download", "GET /gallery/token-a/download-all");
        assertThat(json(admin("GET", "/api/admin/tokens", null)).get("tokens").get(0).get("uses").asLong())
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void aRevokedOrExpiredToken_is401AtOnce_andATokenWithoutTheScope_is403() throws Exception {
        String revoked = secretOf(admin("POST", "/api/admin/tokens", "{\"name\":\"to revoke\",\"events\":[\"*\"],"
                + "\"scopes\":[\"list\"]}"));
        assertThat(guest("/api/gallery/token-b/photos", revoked).statusCode()).isEqualTo(200);
        assertError(guest("/api/gallery/token-b/photos/x/download", revoked), 403, "forbidden", "lacks the scope 'download'");
        String revokedId = revoked.substring(4, revoked.indexOf('.'));
        assertThat(admin("DELETE", "/api/admin/tokens/" + revokedId, null).statusCode()).isEqualTo(204);
        assertError(guest("/api/gallery/token-b/photos", revoked), 401, "unauthorized", "unknown, revoked or expired");
        assertError(admin("DELETE", "/api/admin/tokens/" + revokedId, null), 404, "not_found", revokedId);

        String expiring = secretOf(admin("POST", "/api/admin/tokens", "{\"name\":\"an hour\",\"events\":[\"token-b\"],"
                + "\"scopes\":[\"list\"],\"expiresAt\":\"" + clock.instant().plus(Duration.ofHours(1)) + "\"}"));
        assertThat(guest("/api/gallery/token-b/photos", expiring).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofHours(1));
        assertError(guest("/api/gallery/token-b/photos", expiring), 401, "unauthorized", "unknown, revoked or expired");

        String forged = expiring.substring(0, expiring.length() - 2) + "xx";
        assertError(guest("/api/gallery/token-b/photos", forged), 401, "unauthorized", "unknown, revoked or expired");
        assertError(admin("POST", "/api/admin/tokens", "{\"name\":\"x\",\"events\":[\"token-b\"],\"scopes\":[\"delete\"]}"),
                400, "invalid_request", "unknown scope 'delete'");
    }

    private static String secretOf(HttpResponse<byte[]> created) throws Exception {
        assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
        return json(created).get("token").asText();
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    static HttpResponse<byte[]> guest(String path, String token) throws Exception {
        return send("GET", path, null, null, token == null ? null : "Bearer " + token);
    }

    static HttpResponse<byte[]> admin(String method, String path, String body) throws Exception {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "application/json",
                "Bearer " + TestRuntimes.ADMIN_TOKEN);
    }

    static HttpResponse<byte[]> send(String method, String path, byte[] body, String contentType, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
