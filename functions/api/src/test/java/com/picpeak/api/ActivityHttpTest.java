package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.testing.TestImages;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.StringReader;
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

import static com.picpeak.api.ApiHttpTest.assertError;
import static com.picpeak.api.ApiHttpTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The activity report over real HTTP on the embedded server (local backend): downloads counted where they are
 * granted (a resumed range not again), views from the page's beacon (bounded, unknown ids ignored, checked against
 * the event's session), the admin's report in JSON and CSV with its filters.
 */
class ActivityHttpTest {
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
    void downloadsAndViews_perPhotoAndGuest_inJsonAndCsv() throws Exception {
        List<String> ids = eventWithPhotos("act", 3, "{\"guestIdentity\":\"name\"}");
        String ann = signIn("act", "Ann");
        String ben = signIn("act", "Ben");
        String first = "/api/gallery/act/photos/" + ids.get(0) + "/download";

        assertThat(send("GET", first, null, null, ann).statusCode()).isEqualTo(200);
        assertThat(send("GET", first, null, null, ann).statusCode()).isEqualTo(200);
        HttpRequest resumed = HttpRequest.newBuilder(URI.create(base + first)).header("Authorization", ann)
                .header("Range", "bytes=10-").build();
        assertThat(HTTP.send(resumed, HttpResponse.BodyHandlers.ofByteArray()).statusCode())
                .as("the rest of a download started before").isEqualTo(206);
        assertThat(send("GET", "/api/gallery/act/photos/" + ids.get(1) + "/download", null, null, ben).statusCode())
                .isEqualTo(200);
        HttpResponse<byte[]> zip = send("GET", "/gallery/act/download-all", null, null, ann);
        assertThat(zip.statusCode()).isEqualTo(200);

        HttpResponse<byte[]> beacon = beacon("act", ann, "{\"views\":[\"" + ids.get(0) + "\",\"" + ids.get(1) + "\",\""
                + ids.get(1) + "\",\"not-a-photo\"]}");
        assertThat(beacon.statusCode()).isEqualTo(202);
        assertThat(json(beacon).get("counted").asInt()).as("unknown ids ignored").isEqualTo(3);

        JsonNode report = json(admin("GET", "/api/admin/events/act/activity", null));
        assertThat(report.get("totals").get("views").asLong()).isEqualTo(3);
        assertThat(report.get("totals").get("downloads").asLong()).as("two by Ann (not the resumed one), one by Ben")
                .isEqualTo(3);
        assertThat(report.get("totals").get("archives").asLong()).isEqualTo(1);
        assertThat(report.get("totals").get("archivePhotos").asLong()).isEqualTo(3);
        assertThat(report.get("photos").get(0).get("photoId").asText()).as("the top photo").isEqualTo(ids.get(0));
        assertThat(report.get("photos").get(0).get("downloads").asLong()).isEqualTo(2);
        JsonNode annRow = null;
        for (JsonNode who : report.get("downloaders")) {
            if ("Ann".equals(who.get("name").asText())) {
                annRow = who;
            }
        }
        assertThat(annRow).isNotNull();
        assertThat(annRow.get("downloader").asText()).startsWith("guest:");
        assertThat(annRow.get("photos").get(0).get("photoId").asText()).isEqualTo(ids.get(0));
        assertThat(annRow.get("archives").asLong()).isEqualTo(1);

        String annId = annRow.get("downloader").asText().substring("guest:".length());
        JsonNode onlyAnn = json(admin("GET", "/api/admin/events/act/activity?guest=" + annId, null));
        assertThat(onlyAnn.get("downloaders")).hasSize(1);
        assertThat(onlyAnn.get("totals").get("downloads").asLong()).isEqualTo(2);
        JsonNode later = json(admin("GET", "/api/admin/events/act/activity?from=2999-01-01T00:00:00Z", null));
        assertThat(later.get("totals").get("downloads").asLong()).isZero();
        assertError(admin("GET", "/api/admin/events/act/activity?from=yesterday", null), 400, "invalid_request", "from");
        assertError(admin("GET", "/api/admin/events/act/activity?format=xml", null), 400, "invalid_request", "format");

        HttpResponse<byte[]> csv = admin("GET", "/api/admin/events/act/activity?format=csv", null);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(new String(csv.body(), StandardCharsets.UTF_8))).getRecords();
        assertThat(records.stream().mapToLong(r -> Long.parseLong(r.get("downloads"))).sum()).isEqualTo(3);
        assertThat(records.stream().mapToLong(r -> Long.parseLong(r.get("views"))).sum()).isEqualTo(3);
        assertThat(records.stream().mapToLong(r -> Long.parseLong(r.get("archives"))).sum()).isEqualTo(1);
        assertThat(records).anySatisfy(r -> {
            assertThat(r.get("name")).isEqualTo("Ben");
            assertThat(r.get("photo_id")).isEqualTo(ids.get(1));
            assertThat(r.get("downloads")).isEqualTo("1");
        });
    }

    @Test
    void theBeacon_isBounded_andCheckedAgainstItsEvent() throws Exception {
        List<String> ids = eventWithPhotos("beacon", 1, "{\"password\":\"family-2026\"}");
        eventWithPhotos("other", 0, "{}");
        String other = "Bearer " + json(send("POST", "/api/gallery/other/auth", "{}".getBytes(StandardCharsets.UTF_8),
                "application/json", null)).get("token").asText();
        String views = "{\"views\":[\"" + ids.get(0) + "\"]}";

        assertThat(beacon("beacon", null, views).statusCode()).as("no session").isEqualTo(401);
        assertThat(beacon("beacon", other, views).statusCode()).as("another event's session").isEqualTo(401);
        String guest = "Bearer " + json(send("POST", "/api/gallery/beacon/auth",
                "{\"password\":\"family-2026\"}".getBytes(StandardCharsets.UTF_8), "application/json", null))
                .get("token").asText();
        StringBuilder many = new StringBuilder("{\"views\":[");
        for (int i = 0; i <= 100; i++) {
            many.append(i == 0 ? "" : ",").append("\"p").append(i).append('"');
        }
        assertError(beacon("beacon", guest, many + "]}"), 400, "invalid_request", "at most 100");
        assertError(beacon("beacon", guest, "{\"views\":\"x\"}"), 400, "invalid_request", "views");
        assertThat(beacon("beacon", guest, "{\"views\":[\"" + "x".repeat(5000) + "\"]}").statusCode())
                .as("a body beyond the guest bound").isEqualTo(413);
        assertThat(beacon("beacon", guest, views).statusCode()).isEqualTo(202);
        assertThat(json(admin("GET", "/api/admin/events/beacon/activity", null)).get("totals").get("views").asLong())
                .isEqualTo(1);
    }

    private static HttpResponse<byte[]> beacon(String slug, String authorization, String body) throws Exception {
        return send("POST", "/api/gallery/" + slug + "/activity", body.getBytes(StandardCharsets.UTF_8),
                "application/json", authorization);
    }

    private static String signIn(String slug, String name) throws Exception {
        return "Bearer " + json(send("POST", "/api/gallery/" + slug + "/auth", ("{\"name\":\"" + name + "\"}")
                .getBytes(StandardCharsets.UTF_8), "application/json", null)).get("token").asText();
    }

    /** An event with {@code settings} and {@code count} small photos; their ids in upload order. */
    static List<String> eventWithPhotos(String slug, int count, String settings) throws Exception {
        HttpResponse<byte[]> created = admin("POST", "/api/admin/events", "{\"slug\":\"" + slug + "\",\"title\":\""
                + slug + "\"}");
        assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        HttpResponse<byte[]> patched = admin("PATCH", "/api/admin/events/" + slug, settings);
        assertThat(patched.statusCode()).as(new String(patched.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        if (count == 0) {
            return List.of();
        }
        Multipart form = new Multipart();
        for (int i = 0; i < count; i++) {
            form.file("IMG_" + i + ".jpg", TestImages.jpeg(TestImages.noisyHalves(64, 48, slug.hashCode() + i)));
        }
        HttpResponse<byte[]> upload = send("POST", "/api/admin/events/" + slug + "/photos", form.body(),
                form.contentType(), "Bearer " + TestRuntimes.ADMIN_TOKEN);
        assertThat(upload.statusCode()).as(new String(upload.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        List<String> ids = new ArrayList<>();
        for (JsonNode photo : json(send("GET", "/api/admin/events/" + slug + "/photos?limit=200", null, null,
                "Bearer " + TestRuntimes.ADMIN_TOKEN)).get("photos")) {
            ids.add(photo.get("id").asText());
        }
        return ids;
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
