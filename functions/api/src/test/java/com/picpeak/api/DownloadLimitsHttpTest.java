package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static com.picpeak.api.ApiHttpTest.assertError;
import static com.picpeak.api.ApiHttpTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event's download limit over real HTTP on the embedded server (local backend): counted in distinct photos,
 * granted before the first byte by a conditional write, so concurrent requests cannot beat it; Download All all or
 * nothing; the guest's count in the event info; the admin's counts and reset.
 */
class DownloadLimitsHttpTest {
    @TempDir
    static Path dataDir;
    static ConfigurableApplicationContext app;
    static PicPeakRuntime runtime;
    static String base;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
    void fiftyConcurrentDownloads_withThreePhotosLeft_grantExactlyThree() throws Exception {
        List<String> ids = eventWithPhotos("fifty", 52, 5);
        assertThat(get("/api/gallery/fifty/photos/" + ids.get(0) + "/download").statusCode()).isEqualTo(200);
        assertThat(get("/api/gallery/fifty/photos/" + ids.get(1) + "/download").statusCode()).isEqualTo(200);

        // WHEN 50 requests for 50 other photos start together
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
        for (String id : ids.subList(2, 52)) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return get("/api/gallery/fifty/photos/" + id + "/download");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        go.countDown();
        List<HttpResponse<byte[]>> done = answers.stream().map(CompletableFuture::join).toList();
        pool.shutdown();

        // THEN exactly 3 got their photo; every other one a 403 saying nothing remains
        assertThat(done.stream().filter(r -> r.statusCode() == 200).count()).isEqualTo(3);
        for (HttpResponse<byte[]> refused : done.stream().filter(r -> r.statusCode() != 200).toList()) {
            assertError(refused, 403, "download_limit", "allows 5 photo downloads");
            assertThat(json(refused).get("remaining").asInt()).isZero();
        }
        JsonNode info = json(get("/api/gallery/fifty"));
        assertThat(info.get("downloads").get("used").asInt()).isEqualTo(5);
        assertThat(info.get("downloads").get("limit").asInt()).isEqualTo(5);
        JsonNode counts = json(admin("GET", "/api/admin/events/fifty/downloads", null));
        assertThat(counts.get("limit").asInt()).isEqualTo(5);
        assertThat(counts.get("downloaders").get(0).get("downloader").asText()).isEqualTo("gallery");
        assertThat(counts.get("downloaders").get(0).get("used").asInt()).isEqualTo(5);
        assertThat(counts.get("downloaders").get(0).get("remaining").asInt()).isZero();
    }

    @Test
    void theSamePhotoAgain_isFree_andTheAdminsResetStartsOver() throws Exception {
        List<String> ids = eventWithPhotos("again", 3, 1);
        HttpResponse<byte[]> first = get("/api/gallery/again/photos/" + ids.get(0) + "/download");
        assertThat(first.statusCode()).isEqualTo(200);

        assertThat(get("/api/gallery/again/photos/" + ids.get(0) + "/download").body()).isEqualTo(first.body());
        HttpResponse<byte[]> other = get("/api/gallery/again/photos/" + ids.get(1) + "/download");
        assertError(other, 403, "download_limit", "all of them are used");
        assertThat(json(other).get("remaining").asInt()).isZero();
        // "view original" is an uncounted download where a limit holds: the viewer gets the largest preview
        HttpResponse<byte[]> viewed = get("/api/gallery/again/photos/" + ids.get(1));
        assertThat(viewed.statusCode()).isEqualTo(200);
        assertThat(viewed.headers().firstValue("ETag")).as("a preview's tag names the photo; the original's is its sha256")
                .hasValueSatisfying(tag -> assertThat(tag).contains(ids.get(1)));

        assertThat(admin("DELETE", "/api/admin/events/again/downloads", null).statusCode()).isEqualTo(204);
        assertThat(json(get("/api/gallery/again")).get("downloads").get("used").asInt()).isZero();
        assertThat(get("/api/gallery/again/photos/" + ids.get(1) + "/download").statusCode()).isEqualTo(200);

        // no limit: nothing counted, nothing refused
        assertThat(json(admin("PATCH", "/api/admin/events/again", "{\"downloadLimit\":null}")).get("downloadLimit")
                .isNull()).isTrue();
        assertThat(get("/api/gallery/again/photos/" + ids.get(2) + "/download").statusCode()).isEqualTo(200);
        JsonNode downloads = json(get("/api/gallery/again")).get("downloads");
        assertThat(downloads.get("used").isNull()).isTrue();
        assertThat(downloads.get("limit").isNull()).isTrue();
    }

    @Test
    void downloadAll_grantsTheWholeSetAtOnce_orAnswers403WithWhatRemains() throws Exception {
        List<String> ids = eventWithPhotos("whole", 4, 5);
        assertThat(get("/api/gallery/whole/photos/" + ids.get(0) + "/download").statusCode()).isEqualTo(200);
        assertThat(get("/api/gallery/whole/photos/" + ids.get(1) + "/download").statusCode()).isEqualTo(200);

        HttpResponse<byte[]> zip = get("/gallery/whole/download-all");
        assertThat(zip.statusCode()).as(new String(zip.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(json(get("/api/gallery/whole")).get("downloads").get("used").asInt())
                .as("two new photos counted, the two had before free").isEqualTo(4);
        assertThat(get("/gallery/whole/download-all").statusCode()).as("the same set again is free").isEqualTo(200);

        // two more photos make the set larger than what remains (1 of 5): nothing is granted
        upload("whole", 4, 2);
        HttpResponse<byte[]> refused = get("/gallery/whole/download-all");
        assertError(refused, 403, "download_limit", "1 remain, 2 asked for");
        assertThat(json(refused).get("remaining").asInt()).isEqualTo(1);
        assertThat(admin("PATCH", "/api/admin/events/whole", "{\"downloadLimit\":4}").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> over = get("/gallery/whole/download-all");
        assertError(over, 403, "download_limit", "all of them are used");
        assertThat(json(over).get("remaining").asInt()).isZero();
        assertThat(json(get("/api/gallery/whole")).get("downloads").get("used").asInt()).isEqualTo(4);
    }

    @Test
    void aStreamedDownloadAll_cutOff_givesBackThePhotosItNeverSent() throws Exception {
        HttpResponse<byte[]> created = admin("POST", "/api/admin/events", "{\"slug\":\"cut-off\",\"title\":\"Cut\","
                + "\"downloadLimit\":4}");
        assertThat(created.statusCode()).isEqualTo(201);
        Multipart form = new Multipart();
        for (int i = 0; i < 4; i++) { // 32 MB in all: far more than loopback sockets' buffers hold, however tuned
            form.file("BIG_" + i + ".jpg", TestImages.padded(TestImages.jpeg(TestImages.noisyHalves(320, 240, 900 + i)),
                    8 * 1024 * 1024));
        }
        assertThat(send("POST", "/api/admin/events/cut-off/photos", form.body(), form.contentType(),
                "Bearer " + TestRuntimes.ADMIN_TOKEN).statusCode()).isEqualTo(201);

        // WHEN a client reads the start of the streamed archive and goes away
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", URI.create(base).getPort())) {
            socket.getOutputStream().write("GET /gallery/cut-off/download-all HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getInputStream().readNBytes(64 * 1024);
            socket.setSoLinger(true, 0); // a reset, as a browser's cancelled download
        }

        // THEN the photos whose entries were not sent whole are given back
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> json(get("/api/gallery/cut-off")).get("downloads").get("used").asInt() < 4);
        assertThat(get("/gallery/cut-off/download-all").statusCode()).as("the whole set fits again").isEqualTo(200);
        assertThat(json(get("/api/gallery/cut-off")).get("downloads").get("used").asInt()).isEqualTo(4);
    }

    @Test
    void aBadLimit_isA400_andChangesNothing() throws Exception {
        eventWithPhotos("bad-limit", 0, 2);
        assertError(admin("PATCH", "/api/admin/events/bad-limit", "{\"downloadLimit\":-1}"), 400, "invalid_request",
                "\"downloadLimit\" must be 0 to 10000");
        assertError(admin("PATCH", "/api/admin/events/bad-limit", "{\"downloadLimit\":\"ten\"}"), 400, "invalid_request",
                "\"downloadLimit\" must be a whole number");
        assertThat(json(admin("GET", "/api/admin/events/bad-limit", null)).get("downloadLimit").asInt()).isEqualTo(2);
    }

    @Test
    void whereTheEventNamesItsGuests_eachGuestHasTheirOwnLimit() throws Exception {
        List<String> ids = eventWithPhotos("named-guests", 2, 1);
        assertThat(admin("PATCH", "/api/admin/events/named-guests", "{\"guestIdentity\":\"name\"}").statusCode())
                .isEqualTo(200);
        String ann = "Bearer " + json(send("POST", "/api/gallery/named-guests/auth",
                "{\"name\":\"Ann\"}".getBytes(StandardCharsets.UTF_8), "application/json", null)).get("token").asText();
        String ben = "Bearer " + json(send("POST", "/api/gallery/named-guests/auth",
                "{\"name\":\"Ben\"}".getBytes(StandardCharsets.UTF_8), "application/json", null)).get("token").asText();
        String first = "/api/gallery/named-guests/photos/" + ids.get(0) + "/download";
        String second = "/api/gallery/named-guests/photos/" + ids.get(1) + "/download";

        assertThat(send("GET", first, null, null, ann).statusCode()).isEqualTo(200);
        assertError(send("GET", second, null, null, ann), 403, "download_limit", "");
        assertThat(send("GET", second, null, null, ben).statusCode()).as("Ann's limit is not Ben's").isEqualTo(200);
        assertThat(json(send("GET", "/api/gallery/named-guests", null, null, ben)).get("downloads").get("used").asInt())
                .isEqualTo(1);
        assertThat(json(admin("GET", "/api/admin/events/named-guests/downloads", null)).get("downloaders"))
                .hasSize(2).allSatisfy(d -> assertThat(d.get("downloader").asText()).startsWith("guest:"));
    }

    /** An open gallery with {@code count} small photos and the limit; their ids in upload order. */
    static List<String> eventWithPhotos(String slug, int count, int limit) throws Exception {
        HttpResponse<byte[]> created = admin("POST", "/api/admin/events", "{\"slug\":\"" + slug + "\",\"title\":\""
                + slug + "\",\"downloadLimit\":" + limit + "}");
        assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        assertThat(json(created).get("downloadLimit").asInt()).isEqualTo(limit);
        if (count > 0) {
            upload(slug, 0, count);
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode photo : json(get("/api/gallery/" + slug + "/photos?limit=200")).get("photos")) {
            ids.add(photo.get("id").asText());
        }
        return ids;
    }

    static void upload(String slug, int from, int count) throws Exception {
        Multipart form = new Multipart();
        for (int i = from; i < from + count; i++) {
            form.file("IMG_" + i + ".jpg", TestImages.jpeg(TestImages.noisyHalves(64, 48, slug.hashCode() + i)));
        }
        HttpResponse<byte[]> upload = send("POST", "/api/admin/events/" + slug + "/photos", form.body(),
                form.contentType(), "Bearer " + TestRuntimes.ADMIN_TOKEN);
        assertThat(upload.statusCode()).as(new String(upload.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    }

    static HttpResponse<byte[]> admin(String method, String path, String body) throws Exception {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "application/json",
                "Bearer " + TestRuntimes.ADMIN_TOKEN);
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return send("GET", path, null, null, null);
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
