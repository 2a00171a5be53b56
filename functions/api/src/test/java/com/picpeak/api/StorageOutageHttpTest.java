package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.jobs.JobKind;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "S3 unreachable" is never "photo missing". Local mode on the S3 backend over real HTTP, with the in-process S3
 * server killed (not a mock): every route family that needs storage answers 503 with {@code Retry-After} and
 * {@code {"error":"storage_unavailable"}}, none of the object's headers, never 404 and never another rendition or
 * the original instead; once the server is back, the same request succeeds. A Download All that had started
 * streaming when storage went away is cut off, never finished with an error's JSON.
 */
class StorageOutageHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dataDir;
    @TempDir
    static Path s3Data;
    static TestS3Server s3;
    static boolean s3Down;
    static PicPeakRuntime runtime;
    static ConfigurableApplicationContext app;
    static int port;
    static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static Map<String, List<String>> photoIds = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        s3 = TestS3Server.start(Optional.of(s3Data));
        runtime = TestRuntimes.local(dataDir, s3.env(s3.createBucket(), "studio"));
        RuntimeHolder.install(runtime);
        app = SpringApplication.run(PicPeakApiApp.class, "--server.port=0");
        port = ((ServletWebServerApplicationContext) app).getWebServer().getPort();

        for (String slug : List.of("guest", "streamed", "tiled", "admin", "archived", "marked")) {
            assertThat(admin("POST", "/api/admin/events", "{\"slug\":\"" + slug + "\",\"title\":\"" + slug + "\"}")
                    .statusCode()).isEqualTo(201);
            for (int i = 0; i < (slug.equals("tiled") || slug.equals("archived") ? 1 : 2); i++) {
                photoIds.computeIfAbsent(slug, s -> new ArrayList<>()).add(runtime.imports().importStream(slug,
                        slug + "-" + i + ".jpg", new ByteArrayInputStream(TestImages.jpeg(TestImages.noisyHalves(400,
                                300, slug.hashCode() + i))), PhotoSource.UPLOAD).id());
            }
        }
        assertThat(admin("PUT", "/api/admin/events/guest/hero", "{\"photoId\":\"" + photoIds.get("guest").get(0) + "\"}")
                .statusCode()).isEqualTo(200);
        assertThat(get("/gallery/guest/download-all").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                runtime.downloadAll().current(runtime.catalog().findEvent("guest").orElseThrow()).ready());
        assertThat(send("PUT", "/api/admin/events/marked/watermark", TestImages.png(TestImages.quadrants(64, 32,
                TestImages.RED, TestImages.RED, TestImages.RED, TestImages.RED)), "image/png",
                "Bearer " + TestRuntimes.ADMIN_TOKEN).statusCode()).isEqualTo(200);
        assertThat(admin("PATCH", "/api/admin/events/marked", "{\"watermarkDownloads\":true}").statusCode()).isEqualTo(200);
        assertThat(admin("PATCH", "/api/admin/events/tiled", "{\"protectionLevel\":\"maximum\",\"fragmentationLevel\":2}")
                .statusCode()).isEqualTo(200);
        String archiveJob = admin("POST", "/api/admin/events/archived/archive", null).headers().firstValue("Location")
                .orElseThrow();
        await().atMost(Duration.ofSeconds(60)).until(() -> json(admin("GET", archiveJob, null)).get("state").asText()
                .equals("succeeded"));
        runtime.events().create("big", new EventPatch("Big", null, null, false, null, null, null, null));
        for (int i = 0; i < 6; i++) { // about 3 MB each: more than every buffer between the server and a slow client
            runtime.imports().importStream("big", "noise-" + i + ".png", new ByteArrayInputStream(TestImages.noisePng(1000, 1000, i)),
                    PhotoSource.UPLOAD);
        }
    }

    @AfterEach
    void storageIsBack() {
        if (s3Down) {
            storageBack();
        }
    }

    @AfterAll
    static void stop() {
        app.close();
        runtime.close();
        s3.stop();
    }

    @Test
    void guestPhotoThumbnailDownloadAndHero_are503WhileS3IsDown_thenTheSameBytes() throws Exception {
        String photo = "/api/gallery/guest/photos/" + photoIds.get("guest").get(1);
        List<String> routes = List.of(photo, photo + "/thumbnail", photo + "/download", "/api/gallery/guest/hero");
        Map<String, byte[]> before = new LinkedHashMap<>();
        for (String route : routes) {
            HttpResponse<byte[]> served = get(route);
            assertThat(served.statusCode()).as(route).isEqualTo(200);
            before.put(route, served.body());
        }

        storageDown();
        for (String route : routes) {
            assertUnavailable(route, get(route));
        }
        storageBack();

        for (String route : routes) {
            HttpResponse<byte[]> served = get(route);
            assertThat(served.statusCode()).as(route).isEqualTo(200);
            assertThat(served.body()).as(route).isEqualTo(before.get(route));
        }
    }

    @Test
    void tilesAndTheAccessGrant_are503WhileS3IsDown_thenServed() throws Exception {
        String session = json(send("POST", "/api/gallery/tiled/auth", "{}", null)).get("token").asText();
        String grant = "/api/gallery/tiled/photos/" + photoIds.get("tiled").get(0) + "/access";
        JsonNode granted = json(send("POST", grant, "{\"purpose\":\"view\"}", "Bearer " + session));
        String tile = granted.get("tiles").get("items").get(0).get("url").asText();

        storageDown();
        assertUnavailable(grant, send("POST", grant, "{\"purpose\":\"view\"}", "Bearer " + session));
        assertUnavailable(tile, send("GET", tile, null, "Bearer " + session));
        storageBack();

        assertThat(send("POST", grant, "{\"purpose\":\"view\"}", "Bearer " + session).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> served = send("GET", tile, null, "Bearer " + session);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(TestImages.decode(served.body()).getWidth()).isEqualTo(
                granted.get("tiles").get("items").get(0).get("width").asInt());
    }

    @Test
    void theGuestListing_comesFromTheCatalog_andTheEventInfo_is503WhileS3IsDown() throws Exception {
        JsonNode infoBefore = json(get("/api/gallery/guest"));
        assertThat(infoBefore.get("downloadAllSize").asLong()).isPositive();

        storageDown();
        HttpResponse<byte[]> listing = get("/api/gallery/guest/photos");
        assertThat(listing.statusCode()).as("the listing needs no storage: every photo stays listed").isEqualTo(200);
        assertThat(json(listing).get("photos").findValuesAsText("id")).isEqualTo(photoIds.get("guest"));
        assertUnavailable("/api/gallery/guest", get("/api/gallery/guest"));
        assertUnavailable("/api/gallery/marked (watermark not readable, not \"none set\")", get("/api/gallery/marked"));
        storageBack();

        assertThat(json(get("/api/gallery/guest"))).isEqualTo(infoBefore);
        assertThat(get("/api/gallery/marked").statusCode()).isEqualTo(200);
    }

    @Test
    void downloadAll_fromTheCacheAndFromTheOriginals_is503WhileS3IsDown_thenTheWholeArchive() throws Exception {
        HttpResponse<byte[]> cachedBefore = get("/gallery/guest/download-all");
        assertThat(cachedBefore.statusCode()).isEqualTo(200);

        storageDown();
        assertUnavailable("cached", get("/gallery/guest/download-all"));
        assertUnavailable("streamed", get("/gallery/streamed/download-all"));
        storageBack();

        HttpResponse<byte[]> cached = get("/gallery/guest/download-all");
        assertThat(cached.statusCode()).isEqualTo(200);
        assertThat(cached.body()).isEqualTo(cachedBefore.body());
        HttpResponse<byte[]> streamed = get("/gallery/streamed/download-all");
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(entries(streamed.body())).containsExactly("streamed-0.jpg", "streamed-1.jpg");
    }

    @Test
    void aDownloadAllCutByTheOutage_breaksTheConnection_neverAppendsAnError_andAResumeMakesTheWholeArchive()
            throws Exception {
        byte[] received;
        String etag;
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(32 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /gallery/big/download-all HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String head = head(in);
            assertThat(head).startsWith("HTTP/1.1 200");
            long length = Long.parseLong(head.replaceAll("(?is).*\r\ncontent-length: *([0-9]+).*", "$1"));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            Thread outage = new Thread(StorageOutageHttpTest::storageDown);
            byte[] buffer = new byte[16 * 1024];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    body.write(buffer, 0, n);
                    if (body.size() >= 512 * 1024 && !outage.isAlive() && !s3Down) {
                        outage.start(); // while the archive is being written
                    }
                    // a slow client, slower still while the server is being stopped: the server cannot run ahead
                    TimeUnit.MILLISECONDS.sleep(outage.isAlive() ? 50 : 2);
                }
            } catch (IOException brokenConnection) {
                // what a cut download looks like to some clients; the others see the end before Content-Length
            }
            outage.join();

            assertThat((long) body.size()).as("bytes received of " + length).isLessThan(length);
            byte[] bytes = body.toByteArray();
            String tail = new String(bytes, Math.max(0, bytes.length - 8192), Math.min(bytes.length, 8192),
                    StandardCharsets.ISO_8859_1);
            assertThat(tail).doesNotContain("storage_unavailable").doesNotContain("\"error\"")
                    .doesNotContain("internal_error");
            received = bytes;
            etag = head.replaceAll("(?is).*\r\netag: *(\"[^\"]*\").*", "$1");
        }
        storageBack();

        // the guest resumes from the last good byte: the joined file is the whole archive
        HttpResponse<byte[]> resumed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/gallery/big/download-all")).header("Range", "bytes=" + received.length + "-")
                .header("If-Range", etag).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(resumed.statusCode()).isEqualTo(206);
        Path joined = dataDir.resolve("resumed.zip");
        Files.write(joined, received);
        Files.write(joined, resumed.body(), StandardOpenOption.APPEND);
        assertThat(entries(Files.readAllBytes(joined))).hasSize(6);
        Process unzip = new ProcessBuilder("unzip", "-t", joined.toString()).redirectErrorStream(true).start();
        String tested = new String(unzip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(unzip.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tested).contains("No errors detected");

        // the build the cut download asked for ends (built, or given up and aborted) and leaves no unfinished upload
        long revision = runtime.catalog().findEvent("big").orElseThrow().revision();
        await().atMost(Duration.ofSeconds(150)).until(() ->
                runtime.jobs().holder(JobKind.DOWNLOAD_ALL_BUILD, "big/originals/" + revision).isEmpty());
        S3BlobStore store = (S3BlobStore) runtime.store();
        try (S3Client raw = s3.client(TestS3Server.SECRET_KEY)) {
            assertThat(raw.listMultipartUploads(b -> b.bucket(store.settings().bucket())).uploads())
                    .as("unfinished multipart uploads").isEmpty();
        }

        HttpResponse<byte[]> whole = get("/gallery/big/download-all");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(entries(whole.body())).hasSize(6);
    }

    @Test
    void adminThumbnailArchiveHeroAndDelete_are503AndChangeNothingWhileS3IsDown_thenWork() throws Exception {
        String kept = photoIds.get("admin").get(0);
        String deleted = photoIds.get("admin").get(1);
        String thumbnail = "/api/admin/events/admin/photos/" + kept + "/thumbnail";
        byte[] archiveBefore = admin("GET", "/api/admin/events/archived/archive", null).body();

        storageDown();
        HttpResponse<byte[]> listing = admin("GET", "/api/admin/events/admin/photos", null);
        assertThat(listing.statusCode()).as("the listing needs no storage").isEqualTo(200);
        assertThat(json(listing).get("photos").findValuesAsText("id")).containsExactly(kept, deleted);
        assertUnavailable(thumbnail, admin("GET", thumbnail, null));
        assertUnavailable("archive", admin("GET", "/api/admin/events/archived/archive", null));
        assertUnavailable("hero", admin("PUT", "/api/admin/events/admin/hero", "{\"photoId\":\"" + kept + "\"}"));
        assertUnavailable("delete", admin("DELETE", "/api/admin/events/admin/photos/" + deleted, null));
        assertThat(json(admin("GET", "/api/admin/events/admin", null)).get("heroPhotoId").isNull()).isTrue();
        storageBack();

        assertThat(json(admin("GET", "/api/admin/events/admin/photos", null)).get("photos").findValuesAsText("id"))
                .as("nothing was deleted").containsExactly(kept, deleted);
        assertThat(admin("GET", thumbnail, null).statusCode()).isEqualTo(200);
        assertThat(admin("GET", "/api/admin/events/archived/archive", null).body()).isEqualTo(archiveBefore);
        assertThat(admin("PUT", "/api/admin/events/admin/hero", "{\"photoId\":\"" + kept + "\"}").statusCode())
                .isEqualTo(200);
        assertThat(admin("DELETE", "/api/admin/events/admin/photos/" + deleted, null).statusCode()).isEqualTo(204);
    }

    @Test
    void health_is503WithRetryAfter_whileS3IsDown() throws Exception {
        assertThat(get("/health").statusCode()).isEqualTo(200);

        storageDown();
        assertUnavailable("/health", get("/health"));
        storageBack();

        assertThat(json(get("/health")).get("status").asText()).isEqualTo("ok");
    }

    // ---- helpers ----

    static synchronized void storageDown() {
        s3.stop();
        s3Down = true;
    }

    static synchronized void storageBack() {
        s3 = s3.restart();
        s3Down = false;
    }

    /** 503, Retry-After, the JSON error, and none of the headers of the object that could not be read. */
    static void assertUnavailable(String route, HttpResponse<byte[]> response) throws IOException {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(route + ": " + text).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).as(route).hasValueSatisfying(
                v -> assertThat(v).matches("[1-9][0-9]*"));
        assertThat(response.headers().firstValue("Content-Type")).as(route).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("error").asText()).as(route + ": " + text).isEqualTo("storage_unavailable");
        assertThat(json.get("message").asText()).as(route).isNotBlank();
        for (String header : List.of("ETag", "Content-Disposition", "Content-Range", "Accept-Ranges", "Location")) {
            assertThat(response.headers().firstValue(header)).as(route + " " + header).isEmpty();
        }
        response.headers().firstValueAsLong("Content-Length").ifPresent(length ->
                assertThat(length).as(route + " Content-Length").isEqualTo(response.body().length));
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return send("GET", path, null, null);
    }

    static HttpResponse<byte[]> admin(String method, String path, String jsonBody) throws Exception {
        return send(method, path, jsonBody, "Bearer " + TestRuntimes.ADMIN_TOKEN);
    }

    /** A request answered in full within 20 s (a body shorter than its Content-Length would never end). */
    static HttpResponse<byte[]> send(String method, String path, String jsonBody, String authorization) throws Exception {
        return send(method, path, jsonBody == null ? null : jsonBody.getBytes(StandardCharsets.UTF_8), "application/json",
                authorization);
    }

    static HttpResponse<byte[]> send(String method, String path, byte[] body, String contentType, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray()).get(20, TimeUnit.SECONDS);
    }

    static JsonNode json(HttpResponse<byte[]> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended in the headers: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static List<String> entries(byte[] zip) throws IOException {
        Path file = Files.createTempFile(dataDir, "archive", ".zip");
        Files.write(file, zip);
        try (ZipFile archive = new ZipFile(file.toFile())) {
            return archive.stream().map(ZipEntry::getName).toList();
        }
    }
}
