package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Tag;
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
@Tag("processes")
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

    @Test
    void anUploadKilledBetweenItsFileAndItsRow_isImportedOnceAtTheNextStart_andItsRetryStoresNothingTwice(
            @TempDir Path dataDir) throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        // large enough that its thumbnail takes a while: the window between the stored file and the row
        byte[] photo = TestImages.jpeg(TestImages.noisyHalves(7000, 5000, 77));
        Path stored = dataDir.resolve("storage/events/active/upload/BIG.jpg");
        Process first = serve(dataDir, port);
        try {
            awaitHealthy(base);
            assertThat(send(base + "/api/admin/events", "POST", "application/json",
                    "{\"slug\":\"upload\",\"title\":\"Upload\"}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
            byte[] form = multipart("BIG.jpg", photo);
            Thread uploader = new Thread(() -> {
                try {
                    send(base + "/api/admin/events/upload/photos", "POST", "multipart/form-data; boundary=b0undary", form);
                } catch (Exception killed) {
                    // the server dies under it
                }
            });
            uploader.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2)).until(() -> Files.exists(stored));
        } finally {
            first.destroyForcibly().waitFor(); // SIGKILL while the import renders the thumbnail
        }

        Process second = serve(dataDir, port);
        try {
            awaitHealthy(base);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> json(base + "/api/admin/events/upload").get("photoCount").asInt() == 1);
            JsonNode photos = json(base + "/api/admin/events/upload/photos").get("photos");
            assertThat(photos).hasSize(1);
            assertThat(photos.get(0).get("filename").asText()).isEqualTo("BIG.jpg");
            assertThat(photos.get(0).get("source").asText()).as("imported at the start, from the file the killed "
                    + "upload left").isEqualTo("watch");
            assertThat(photos.get(0).get("sha256").asText()).isEqualTo(TestData.sha256(photo));

            HttpResponse<byte[]> retry = send(base + "/api/admin/events/upload/photos", "POST",
                    "multipart/form-data; boundary=b0undary", multipart("BIG.jpg", photo));
            assertThat(retry.statusCode()).as(new String(retry.body(), StandardCharsets.UTF_8)).isEqualTo(409);
            assertThat(JSON.readTree(retry.body()).get("results").get(0).get("error").get("error").asText())
                    .isEqualTo("duplicate_photo");
            try (var files = Files.list(stored.getParent())) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                        .as("the bytes exist once").containsExactly("BIG.jpg");
            }
        } finally {
            second.destroy();
            second.waitFor();
        }
    }

    private static byte[] multipart(String filename, byte[] bytes) {
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.writeBytes(("--b0undary\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + filename
                + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        form.writeBytes(bytes);
        form.writeBytes("\r\n--b0undary--\r\n".getBytes(StandardCharsets.UTF_8));
        return form.toByteArray();
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
