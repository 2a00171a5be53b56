package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Local mode killed in the middle of a job: the server runs as a child process ({@code picpeak serve}), is
 * killed with SIGKILL while an archive job is part-way, and started again on the same data folder. The job
 * goes on from its last checkpoint once the dead process's lease has run out, and ends with the archive the
 * uninterrupted job would have made: restoring it gives back every photo, byte for byte.
 */
class LocalJobsRestartTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "restart-test-admin-token-0123456789";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void anArchiveJob_killedWithTheProcess_resumesAtTheNextStart_andCompletes(@TempDir Path dataDir) throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        Process first = serve(dataDir, port);
        List<byte[]> photos = new ArrayList<>();
        String job;
        try {
            awaitHealthy(base);
            assertThat(send(base + "/api/admin/events", "POST", "application/json",
                    "{\"slug\":\"killed\",\"title\":\"Killed\"}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
            String boundary = "b0undary";
            ByteArrayOutputStream form = new ByteArrayOutputStream();
            for (int i = 0; i < 12; i++) {
                byte[] photo = TestImages.jpeg(TestImages.noisyHalves(900, 600, 40 + i));
                photos.add(photo);
                form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"IMG_"
                        + i + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                form.writeBytes(photo);
                form.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            form.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            assertThat(send(base + "/api/admin/events/killed/photos", "POST", "multipart/form-data; boundary=" + boundary,
                    form.toByteArray()).statusCode()).isEqualTo(201);

            HttpResponse<byte[]> accepted = send(base + "/api/admin/events/killed/archive", "POST", null, null);
            assertThat(accepted.statusCode()).isEqualTo(202);
            job = accepted.headers().firstValue("Location").orElseThrow();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
                JsonNode state = json(base + job);
                return state.get("state").asText().equals("running") && state.get("progress").get("done").asLong() > 0;
            });
        } finally {
            first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no cleanup, the lease stays
        }
        Path zip = dataDir.resolve("storage/events/archived/killed.zip");
        assertThat(zip).doesNotExist();

        Process second = serve(dataDir, port);
        try {
            awaitHealthy(base);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> json(base + job).get("state").asText().matches("succeeded|failed"));
            JsonNode archived = json(base + job);
            assertThat(archived.get("state").asText()).as(archived.toString()).isEqualTo("succeeded");
            assertThat(archived.get("lastError").asText()).as("taken over from the killed process")
                    .contains("worker stopped before the step ended");
            assertThat(archived.get("result").get("photos").asInt()).isEqualTo(12);
            assertThat(Files.size(zip)).isEqualTo(archived.get("result").get("length").asLong());
            assertThat(dataDir.resolve("storage/events/active/killed/IMG_0.jpg")).doesNotExist();

            HttpResponse<byte[]> restore = send(base + "/api/admin/events/killed/restore", "POST", null, null);
            assertThat(restore.statusCode()).isEqualTo(202);
            String restoreJob = restore.headers().firstValue("Location").orElseThrow();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> json(base + restoreJob).get("state").asText().matches("succeeded|failed"));
            assertThat(json(base + restoreJob).get("state").asText()).isEqualTo("succeeded");
            for (int i = 0; i < photos.size(); i++) {
                assertThat(TestData.sha256(Files.readAllBytes(dataDir.resolve("storage/events/active/killed/IMG_" + i
                        + ".jpg")))).isEqualTo(TestData.sha256(photos.get(i)));
            }
            assertThat(json(base + "/api/admin/events/killed").get("photoCount").asInt()).isEqualTo(12);
        } finally {
            second.destroy();
            second.waitFor();
        }
    }

    /** {@code picpeak serve} in a JVM of its own, with steps of one part (16 KiB) and a short lease. */
    private Process serve(Path dataDir, int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                PicPeakCli.class.getName(), "serve");
        Map<String, String> env = builder.environment();
        env.put("PICPEAK_DATA", dataDir.toString());
        env.put("PORT", String.valueOf(port));
        env.put("ADMIN_TOKEN", TOKEN);
        env.put("PICPEAK_JOB_STEP_MS", "50");
        env.put("PICPEAK_JOB_LEASE_MS", "2000");
        env.put("PICPEAK_JOB_PART_BYTES", "16384");
        builder.redirectErrorStream(true).redirectOutput(dataDir.resolve("server-" + System.nanoTime() + ".log").toFile());
        return builder.start();
    }

    private void awaitHealthy(String base) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> send(base + "/health", "GET", null, null).statusCode() == 200);
    }

    private JsonNode json(String url) throws Exception {
        HttpResponse<byte[]> response = send(url, "GET", null, null);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<byte[]> send(String url, String method, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
