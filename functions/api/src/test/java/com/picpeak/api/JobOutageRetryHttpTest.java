package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A restore that meets an S3 outage waits it out (issue 32, item 9). Local mode on the S3 backend, the in-process
 * S3 server killed while the restore job runs: the job is retried with pauses that double past its attempts (3),
 * for the retry window, and says in its JSON that it waits for storage; once the server is back, it finishes and the
 * photos are served again. The window and the pauses are scaled down by their settings; the outage is measured in
 * retries (more than the attempts that failed the job before), not in seconds.
 */
class JobOutageRetryHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dataDir;
    @TempDir
    static Path s3Data;
    static TestS3Server s3;
    static PicPeakRuntime runtime;
    static ConfigurableApplicationContext app;
    static int port;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        s3 = TestS3Server.start(Optional.of(s3Data));
        Map<String, String> env = new HashMap<>(s3.env(s3.createBucket(), "studio"));
        env.put("PICPEAK_JOB_MAX_ATTEMPTS", "3");
        env.put("PICPEAK_JOB_RETRY_MS", "100");
        env.put("PICPEAK_JOB_RETRY_WINDOW_MS", "600000");
        runtime = TestRuntimes.local(dataDir, env);
        RuntimeHolder.install(runtime);
        app = SpringApplication.run(PicPeakApiApp.class, "--server.port=0");
        port = ((ServletWebServerApplicationContext) app).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        app.close();
        runtime.close();
        s3.stop();
    }

    @Test
    void aRestore_duringAnS3OutageLongerThanItsAttempts_waitsForStorage_thenFinishes() throws Exception {
        assertThat(admin("POST", "/api/admin/events", "{\"slug\":\"outage\",\"title\":\"Outage\"}").statusCode())
                .isEqualTo(201);
        runtime.imports().importStream("outage", "p0.jpg", new ByteArrayInputStream(
                TestImages.jpeg(TestImages.noisyHalves(300, 200, 9))), PhotoSource.UPLOAD);
        String archive = admin("POST", "/api/admin/events/outage/archive", null).headers().firstValue("Location")
                .orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> state(archive).equals("succeeded"));

        s3.stop();
        String restore;
        try {
            HttpResponse<String> accepted = admin("POST", "/api/admin/events/outage/restore", null);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            restore = accepted.headers().firstValue("Location").orElseThrow();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                JsonNode job = job(restore);
                assertThat(job.get("state").asText()).as(job.toString()).isNotEqualTo("failed");
                return job.get("attempts").asInt() > 4; // today's job failed for good at 3
            });
            JsonNode waiting = job(restore);
            assertThat(waiting.get("lastError").asText()).as(waiting.toString()).startsWith("waiting for storage: retry ");
            assertThat(waiting.get("maxAttempts").asInt()).isEqualTo(3);
        } finally {
            s3 = s3.restart();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String state = state(restore);
            assertThat(state).isNotEqualTo("failed");
            return state.equals("succeeded");
        });
        HttpResponse<String> photos = admin("GET", "/api/admin/events/outage/photos", null);
        JsonNode restored = JSON.readTree(photos.body()).get("photos");
        assertThat(restored.findValuesAsText("filename")).as(photos.body()).containsExactly("p0.jpg");
        String restoredId = restored.get(0).get("id").asText();
        assertThat(admin("GET", "/api/admin/events/outage/photos/" + restoredId + "/thumbnail", null).statusCode())
                .isEqualTo(200);
    }

    static String state(String jobUrl) throws Exception {
        return job(jobUrl).get("state").asText();
    }

    static JsonNode job(String jobUrl) throws Exception {
        return JSON.readTree(admin("GET", jobUrl, null).body());
    }

    static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
