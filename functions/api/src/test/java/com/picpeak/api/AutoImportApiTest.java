package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.notify.DomainEvent;
import com.picpeak.notify.WebhookSigner;
import com.picpeak.testing.TestImages;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.picpeak.api.ApiHttpTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The auto-import admin routes over HTTP: webhooks end to end, referenced folders, the storage panel's data. */
class AutoImportApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dataDir;
    @TempDir
    static Path externalRoot;
    static ConfigurableApplicationContext app;
    static PicPeakRuntime runtime;
    static String base;
    static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static HttpServer receiver;
    static List<byte[]> received = new CopyOnWriteArrayList<>();
    static List<String> signatures = new CopyOnWriteArrayList<>();
    static List<String> timestamps = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        // the test's receiver listens on 127.0.0.1, which webhooks refuse unless private addresses are allowed
        runtime = TestRuntimes.local(dataDir, Map.of("EXTERNAL_MEDIA_ROOT", externalRoot.toString(),
                "PICPEAK_WEBHOOK_ALLOW_PRIVATE", "true"));
        runtime.webhooks().startDispatcher(Duration.ofMillis(200));
        RuntimeHolder.install(runtime);
        app = SpringApplication.run(PicPeakApiApp.class, "--server.port=0");
        base = "http://127.0.0.1:" + ((ServletWebServerApplicationContext) app).getWebServer().getPort();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            received.add(exchange.getRequestBody().readAllBytes());
            signatures.add(exchange.getRequestHeaders().getFirst(WebhookSigner.SIGNATURE_HEADER));
            timestamps.add(exchange.getRequestHeaders().getFirst(WebhookSigner.TIMESTAMP_HEADER));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
        app.close();
        runtime.close();
    }

    @Test
    void aRegisteredWebhook_receivesSignedUploadAndDeleteEvents() throws Exception {
        admin("POST", "/api/admin/events", "{\"slug\":\"hooked\",\"title\":\"Hooked\"}");
        HttpResponse<byte[]> created = admin("POST", "/api/admin/webhooks",
                "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks\"}");
        assertThat(created.statusCode()).as(new String(created.body())).isEqualTo(201);
        String secret = json(created).get("secret").asText();
        String id = json(created).get("id").asText();
        JsonNode listed = json(admin("GET", "/api/admin/webhooks", null));
        assertThat(listed.get("sink").asText()).isEqualTo("webhooks");
        assertThat(listed.get("webhooks").get(0).has("secret")).isFalse(); // shown once, at creation

        Multipart form = new Multipart().file("hook.jpg", TestImages.jpeg(TestImages.noisyHalves(200, 100, 5)));
        HttpResponse<byte[]> upload = send("POST", "/api/admin/events/hooked/photos", form.body(), form.contentType());
        assertThat(upload.statusCode()).isEqualTo(201);
        String photoId = json(upload).get("results").get(0).get("photo").get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 1);
        assertThat(admin("DELETE", "/api/admin/events/hooked/photos/" + photoId, null).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 2);

        DomainEvent uploaded = DomainEvent.fromJson(received.get(0));
        DomainEvent deleted = DomainEvent.fromJson(received.get(1));
        assertThat(uploaded.type()).isEqualTo("photo.uploaded");
        assertThat(uploaded.data()).containsEntry("photo_id", photoId).containsEntry("source", "upload")
                .containsEntry("event_slug", "hooked");
        assertThat(deleted.type()).isEqualTo("photo.deleted");
        assertThat(signatures.get(0)).isEqualTo(WebhookSigner.sign(secret, Long.parseLong(timestamps.get(0)), received.get(0)));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                json(admin("GET", "/api/admin/webhooks/" + id + "/deliveries", null)).get("deliveries").findValuesAsText("state")
                        .equals(List.of("delivered", "delivered")));
    }

    @Test
    void badWebhookRequests_are400WithTheReason() throws Exception {
        assertError(admin("POST", "/api/admin/webhooks", "{\"url\":\"not a url\"}"), 400, "invalid_request", "http(s)");
        assertError(admin("POST", "/api/admin/webhooks", "{\"url\":\"https://example.com/h\",\"events\":\"photo.uploaded\"}"),
                400, "invalid_request", "list");
        assertError(admin("DELETE", "/api/admin/webhooks/wh_missing", null), 404, "not_found", "wh_missing");
    }

    @Test
    void aReferencedFolder_isLinked_andOneOutsideTheRootIsRefused() throws Exception {
        admin("POST", "/api/admin/events", "{\"slug\":\"ref\",\"title\":\"Referenced\"}");
        Files.createDirectories(externalRoot.resolve("studio/ref"));

        assertError(admin("PUT", "/api/admin/events/ref/external-folder", "{\"folder\":\"../../etc\"}"), 400,
                "invalid_request", "EXTERNAL_MEDIA_ROOT");
        HttpResponse<byte[]> linked = admin("PUT", "/api/admin/events/ref/external-folder", "{\"folder\":\"studio/ref\"}");
        assertThat(linked.statusCode()).isEqualTo(200);
        assertThat(json(admin("GET", "/api/admin/events/ref/external-folder", null)).get("externalFolder").asText())
                .isEqualTo("studio/ref");
    }

    @Test
    void theStorageStatus_describesAutoImport_andAPollOnDemandIsForS3() throws Exception {
        JsonNode autoImport = json(admin("GET", "/api/admin/storage", null)).get("autoImport");
        assertThat(autoImport.get("mode").asText()).isEqualTo("folder-watcher");
        assertThat(autoImport.get("externalMediaRoot").asText()).isEqualTo(externalRoot.toString());
        assertThat(autoImport.get("lastPoll").isNull()).isTrue();

        assertError(admin("POST", "/api/admin/auto-import/poll", null), 409, "conflict", "folder watcher");
    }

    static JsonNode json(HttpResponse<byte[]> response) throws IOException {
        return JSON.readTree(response.body());
    }

    HttpResponse<byte[]> admin(String method, String path, String body) throws Exception {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    HttpResponse<byte[]> send(String method, String path, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
