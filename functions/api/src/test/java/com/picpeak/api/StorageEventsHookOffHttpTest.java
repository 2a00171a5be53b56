package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.testing.StorageEventBodies;
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
import java.nio.file.Path;
import java.util.Map;

import static com.picpeak.api.ApiHttpTest.assertError;

/** Without {@code PICPEAK_STORAGE_EVENTS_TOKEN} there is no hook: 404, whatever the token sent. */
class StorageEventsHookOffHttpTest {
    @TempDir
    static Path dataDir;
    static ConfigurableApplicationContext app;
    static PicPeakRuntime runtime;
    static String base;

    @BeforeAll
    static void start() {
        runtime = TestRuntimes.local(dataDir, Map.of());
        RuntimeHolder.install(runtime);
        app = SpringApplication.run(PicPeakApiApp.class, "--server.port=0");
        base = "http://127.0.0.1:" + ((ServletWebServerApplicationContext) app).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        app.close();
        runtime.close();
    }

    @Test
    void withoutItsToken_theHookAnswers404() throws Exception {
        HttpResponse<byte[]> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "/api/hooks/storage-events"))
                .header("Authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(StorageEventBodies.s3TestEvent("photos"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertError(answer, 404, "not_found", "PICPEAK_STORAGE_EVENTS_TOKEN");
    }
}
