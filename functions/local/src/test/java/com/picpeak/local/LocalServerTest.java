package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Local mode as a user runs it: zero configuration but a data folder and a port; the README's curl walk
 * (create, upload three JPEGs, list, thumbnail, a range of a photo); and a restart that keeps everything.
 */
class LocalServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void readmeWalkthrough_worksAndSurvivesARestart(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", "0");
        byte[] photo = TestImages.jpeg(TestImages.noisyHalves(1200, 800, 1));
        String token;
        try (LocalServer server = LocalServer.start(env)) {
            token = Files.readString(dataDir.resolve(LocalServer.TOKEN_FILE)).trim();
            String base = "http://127.0.0.1:" + server.port();
            assertThat(send(base + "/api/admin/events", "POST", token, "application/json",
                    "{\"slug\":\"walk\",\"title\":\"Walk\"}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);

            String boundary = "b0undary";
            ByteArrayOutputStream form = new ByteArrayOutputStream();
            for (int i = 1; i <= 3; i++) {
                byte[] file = i == 1 ? photo : TestImages.jpeg(TestImages.noisyHalves(600, 400, i));
                form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"IMG_"
                        + i + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                form.writeBytes(file);
                form.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            form.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> upload = send(base + "/api/admin/events/walk/photos", "POST", token,
                    "multipart/form-data; boundary=" + boundary, form.toByteArray());
            assertThat(upload.statusCode()).as(new String(upload.body())).isEqualTo(201);

            JsonNode photos = JSON.readTree(send(base + "/api/gallery/walk/photos", "GET", null, null, null).body())
                    .get("photos");
            assertThat(photos.findValuesAsText("filename")).containsExactly("IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg");
            HttpResponse<byte[]> thumbnail = send(base + photos.get(0).get("thumbnailUrl").asText(), "GET", null, null, null);
            assertThat(TestImages.decode(thumbnail.body()).getWidth()).isEqualTo(300);
            HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(URI.create(base + photos.get(0).get("url").asText()))
                    .header("Range", "bytes=0-1023").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(range.body()).isEqualTo(Arrays.copyOf(photo, 1024));
            assertThat(dataDir.resolve("storage/events/active/walk/IMG_1.jpg")).hasBinaryContent(photo);
        }

        try (LocalServer restarted = LocalServer.start(env)) {
            String base = "http://127.0.0.1:" + restarted.port();
            assertThat(Files.readString(dataDir.resolve(LocalServer.TOKEN_FILE)).trim()).isEqualTo(token);
            JsonNode event = JSON.readTree(send(base + "/api/admin/events/walk", "GET", token, null, null).body());
            assertThat(event.get("photoCount").asInt()).isEqualTo(3);
            assertThat(event.get("revision").asInt()).isEqualTo(3);
        }
    }

    @Test
    void jpegsCopiedIntoTheEventFolder_showInTheGalleryListing_alsoThoseCopiedWhileStopped(@TempDir Path dataDir,
                                                                                         @TempDir Path card) throws Exception {
        Map<String, String> env = Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", "0");
        for (int i = 0; i < 22; i++) {
            Files.write(card.resolve(String.format("DSC_%02d.JPG", i)), TestImages.jpeg(TestImages.noisyHalves(320, 240, 50 + i)));
        }
        Path folder = dataDir.resolve("storage/events/active/dropped");
        try (LocalServer server = LocalServer.start(env)) {
            String token = Files.readString(dataDir.resolve(LocalServer.TOKEN_FILE)).trim();
            String base = "http://127.0.0.1:" + server.port();
            send(base + "/api/admin/events", "POST", token, "application/json",
                    "{\"slug\":\"dropped\",\"title\":\"Dropped\"}".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.isDirectory(folder)); // made for the photographer
            for (int i = 0; i < 20; i++) { // what `cp` does
                String name = String.format("DSC_%02d.JPG", i);
                Files.copy(card.resolve(name), folder.resolve(name));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> listedFilenames(base, "dropped").size() == 20);
            assertThat(listedFilenames(base, "dropped")).allMatch(name -> name.startsWith("DSC_"));
        }
        Files.copy(card.resolve("DSC_20.JPG"), folder.resolve("DSC_20.JPG"));
        Files.copy(card.resolve("DSC_21.JPG"), folder.resolve("DSC_21.JPG"));
        try (LocalServer restarted = LocalServer.start(env)) {
            String base = "http://127.0.0.1:" + restarted.port();
            await().atMost(Duration.ofSeconds(60)).until(() -> listedFilenames(base, "dropped").size() == 22);
        }
    }

    @Test
    void anUploadInProgress_isSpooledUnderTheDataFolder_andDroppedWhenTheClientGoes(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", "0");
        Path spool = dataDir.resolve("upload-spool");
        try (LocalServer server = LocalServer.start(env)) {
            String token = Files.readString(dataDir.resolve(LocalServer.TOKEN_FILE)).trim();
            assertThat(send("http://127.0.0.1:" + server.port() + "/api/admin/events", "POST", token, "application/json",
                    "{\"slug\":\"spooled\",\"title\":\"Spooled\"}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);

            try (Socket socket = new Socket("127.0.0.1", server.port())) { // 8 MB of a photo, and the rest never comes
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/admin/events/spooled/photos HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + token + "\r\nContent-Type: multipart/form-data; boundary=b0undary\r\nTransfer-Encoding: chunked"
                        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                chunk(out, ("--b0undary\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.jpg\"\r\n"
                        + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                byte[] data = new byte[64 * 1024];
                for (int i = 0; i < 128; i++) {
                    chunk(out, data);
                }
                out.flush();

                await().atMost(Duration.ofSeconds(30)).until(() -> bytesUnder(spool) >= 4 * 1024 * 1024);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> bytesUnder(spool) == 0);
        }
    }

    @Test
    void aStart_clearsTheUploadSpoolAKilledServerLeft(@TempDir Path dataDir) throws Exception {
        Path spool = Files.createDirectories(dataDir.resolve("upload-spool"));
        Path leftover = spool.resolve("upload_3f2a9c1e_0000.tmp"); // what a kill during an upload leaves
        Files.write(leftover, new byte[1024 * 1024]);

        LocalServer server = LocalServer.start(Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", "0"));
        try {
            assertThat(spool).isEmptyDirectory();
        } finally {
            server.close();
        }
    }

    private static void chunk(OutputStream out, byte[] bytes) throws IOException {
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static long bytesUnder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private List<String> listedFilenames(String base, String slug) throws Exception {
        return JSON.readTree(send(base + "/api/gallery/" + slug + "/photos?limit=200", "GET", null, null, null).body())
                .get("photos").findValuesAsText("filename");
    }

    @Test
    void aBadConfiguration_refusesToServe_namingTheVariable() {
        int code = new PicPeakCli(Map.of("STORAGE_BACKEND", "ftp")).execute(new String[] {"serve"},
                new PrintWriter(System.out, true), new PrintWriter(new StringWriter(), true));

        assertThat(code).isEqualTo(CheckCommand.CONFIG_REFUSED);
    }

    private HttpResponse<byte[]> send(String url, String method, String adminToken, String contentType, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (adminToken != null) {
            request.header("Authorization", "Bearer " + adminToken);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

}
