package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When storage fails, what the failure says (absolute paths, bucket names, endpoints) is for the admin: guests
 * get the error code with a message that names nothing of the server, on /health and on every route.
 */
class ErrorDetailsHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dataDir;
    static ConfigurableApplicationContext app;
    static PicPeakRuntime runtime;
    static String base;
    static Photo photo;
    static String storageRoot;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startThenBreakTheStorage() throws Exception {
        runtime = TestRuntimes.local(dataDir, Map.of());
        RuntimeHolder.install(runtime);
        app = SpringApplication.run(PicPeakApiApp.class, "--server.port=0");
        base = "http://127.0.0.1:" + ((ServletWebServerApplicationContext) app).getWebServer().getPort();
        runtime.events().create("broken", new EventPatch("Broken", null, null, false, null, null, null, null));
        photo = runtime.imports().importStream("broken", "IMG_1.jpg", new ByteArrayInputStream(
                TestImages.jpeg(TestImages.noisyHalves(640, 480, 1))), PhotoSource.UPLOAD);
        // the storage folder is replaced by a file: every read fails with an error naming the absolute path
        Path root = dataDir.resolve("storage").toRealPath();
        storageRoot = root.toString();
        Files.move(root, dataDir.resolve("storage-moved"));
        Files.writeString(root, "not a folder");
    }

    @AfterAll
    static void stop() {
        app.close();
        runtime.close();
    }

    @Test
    void health_tellsGuestsWhichPartFails_andOnlyTheAdminWhy() throws Exception {
        HttpResponse<String> guest = get("/health", null);
        HttpResponse<String> admin = get("/health", "Bearer " + TestRuntimes.ADMIN_TOKEN);
        HttpResponse<String> wrongToken = get("/health", "Bearer not-the-admin-token");

        assertThat(guest.statusCode()).isEqualTo(503);
        JsonNode guestBody = JSON.readTree(guest.body());
        assertThat(guestBody.get("status").asText()).isEqualTo("failing");
        assertThat(guestBody.get("storage").asText()).isEqualTo("failing");
        assertThat(guestBody.get("catalog").asText()).isEqualTo("ok");
        assertThat(guest.body()).doesNotContain(storageRoot).doesNotContain(dataDir.toString());
        assertThat(wrongToken.body()).isEqualTo(guest.body());
        assertThat(admin.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(admin.body()).get("storage").asText()).contains(storageRoot);
    }

    @Test
    void aStorageFailure_onAGuestRoute_isAGenericMessage_andTheAdminRouteNamesThePath() throws Exception {
        HttpResponse<String> guest = get("/api/gallery/broken/photos/" + photo.id() + "/thumbnail", null);
        HttpResponse<String> admin = get("/api/admin/events/broken/photos/" + photo.id() + "/thumbnail",
                "Bearer " + TestRuntimes.ADMIN_TOKEN);

        assertThat(guest.statusCode()).isEqualTo(502);
        JsonNode guestBody = JSON.readTree(guest.body());
        assertThat(guestBody.get("error").asText()).isEqualTo("storage_failure");
        assertThat(guestBody.get("message").asText()).isNotBlank();
        assertThat(guest.body()).doesNotContain(storageRoot).doesNotContain(dataDir.toString());
        assertThat(admin.statusCode()).isEqualTo(502);
        JsonNode adminBody = JSON.readTree(admin.body());
        assertThat(adminBody.get("error").asText()).isEqualTo("storage_failure");
        assertThat(adminBody.get("message").asText()).contains(storageRoot);
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
