package com.picpeak.api;

import com.adobe.internal.xmp.XMPConst;
import com.adobe.internal.xmp.XMPMeta;
import com.adobe.internal.xmp.XMPMetaFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.testing.TestImages;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static com.picpeak.api.ApiHttpTest.assertError;
import static com.picpeak.api.ApiHttpTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guest identity, favourites and selections over real HTTP on a local server (local filesystem backend; the
 * serverless shape on S3 is {@code SelectionsDeployedShapeTest}): PINs at the door, the cap under concurrent marks,
 * a PIN reset ending sessions, a sent selection locked until unlocked, a deleted photo leaving every selection, and
 * each export read back by a parser.
 */
class SelectionsHttpTest {
    @TempDir
    static Path dataDir;
    static PicPeakRuntime runtime;
    static ConfigurableApplicationContext app;
    static String base;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        // a generous sign-in budget: the tests sign in often from one address
        runtime = TestRuntimes.local(dataDir, Map.of("PICPEAK_SESSIONS_PER_MINUTE", "1000"));
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
    void pinGallery_asksForThePin_namesTheMissingField_andAResetPinEndsThatGuestsSessions() throws Exception {
        createEvent("pins", "\"password\":\"family-2026\",\"guestIdentity\":\"pin\",\"favouritesLimit\":3");
        JsonNode event = json(admin("GET", "/api/admin/events/pins", null));
        assertThat(event.get("guestIdentity").asText()).isEqualTo("pin");
        assertThat(event.get("favouritesLimit").asInt()).isEqualTo(3);
        JsonNode anna = json(expect(admin("POST", "/api/admin/events/pins/guests", "{\"name\":\"Anna\",\"email\":\"anna@example.com\"}"), 201));
        String pin = anna.get("pin").asText();
        assertThat(pin).matches("[0-9]{6}");
        JsonNode listed = json(admin("GET", "/api/admin/events/pins/guests", null)).get("guests").get(0);
        assertThat(listed.has("pin")).as("the PIN is shown once").isFalse();
        assertThat(listed.get("count").asInt()).isZero();

        assertError(auth("pins", "{\"password\":\"family-2026\"}"), 401, "pin_required", "\"pin\"");
        assertError(auth("pins", "{\"pin\":\"" + pin + "\"}"), 401, "wrong_password", "password");
        assertError(auth("pins", "{\"password\":\"family-2026\",\"pin\":\"" + otherPin(pin) + "\"}"), 401, "wrong_pin",
                "\"pin\"");
        JsonNode signedIn = json(expect(auth("pins", "{\"password\":\"family-2026\",\"pin\":\"" + pin + "\"}"), 200));
        assertThat(signedIn.get("guestId").asText()).isEqualTo(anna.get("id").asText());
        String token = signedIn.get("token").asText();
        expect(guest("GET", "/api/gallery/pins/favourites", token, null), 200);

        JsonNode reset = json(expect(admin("POST", "/api/admin/events/pins/guests/" + anna.get("id").asText() + "/reset-pin", null), 200));
        String newPin = reset.get("pin").asText();
        assertError(guest("GET", "/api/gallery/pins/favourites", token, null), 401, "unauthorized", "auth");
        assertError(guest("GET", "/api/gallery/pins/photos", token, null), 401, "unauthorized", "auth");
        if (!newPin.equals(pin)) {
            assertError(auth("pins", "{\"password\":\"family-2026\",\"pin\":\"" + pin + "\"}"), 401, "wrong_pin", "pin");
        }
        expect(auth("pins", "{\"password\":\"family-2026\",\"pin\":\"" + newPin + "\"}"), 200);
    }

    @Test
    void twentyConcurrentMarks_fromTwoSessionsOfOneGuest_neverExceedTheCap() throws Exception {
        createEvent("cap", "\"guestIdentity\":\"name\",\"favouritesLimit\":4");
        List<String> photos = upload("cap", 10);
        String first = json(expect(auth("cap", "{\"name\":\"Ben\"}"), 200)).get("token").asText();
        JsonNode second = json(expect(auth("cap", "{\"name\":\"  BEN \"}"), 200));
        assertThat(second.get("guestId").asText()).as("the same name is the same guest")
                .isEqualTo(json(guest("GET", "/api/gallery/cap/favourites", first, null)).get("guestId").asText());

        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<HttpResponse<byte[]>>> marks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String token = i % 2 == 0 ? first : second.get("token").asText();
            String photo = photos.get(i / 2);
            marks.add(pool.submit(() -> guest("PUT", "/api/gallery/cap/favourites/" + photo, token, null)));
        }
        int ok = 0;
        int overCap = 0;
        for (Future<HttpResponse<byte[]>> mark : marks) {
            HttpResponse<byte[]> answer = mark.get(60, TimeUnit.SECONDS);
            if (answer.statusCode() == 200) {
                ok++;
            } else {
                assertError(answer, 409, "favourites_limit", "4 favourites");
                overCap++;
            }
        }
        pool.shutdown();
        JsonNode mine = json(guest("GET", "/api/gallery/cap/favourites", first, null));
        assertThat(mine.get("count").asInt()).isEqualTo(4);
        assertThat(mine.get("limit").asInt()).isEqualTo(4);
        assertThat(mine.get("favourites")).hasSize(4);
        assertThat(ok + overCap).isEqualTo(20);
        assertThat(overCap).isGreaterThanOrEqualTo(12); // at most 4 photos x 2 sessions succeed
        JsonNode listed = json(admin("GET", "/api/admin/events/cap/guests", null)).get("guests").get(0);
        assertThat(listed.get("name").asText()).isEqualTo("Ben");
        assertThat(listed.get("count").asInt()).isEqualTo(4);
    }

    @Test
    void aSentSelection_refusesChanges_untilUnlocked_andADeletedPhotoLeavesIt() throws Exception {
        createEvent("send", null);
        List<String> photos = upload("send", 3);
        // a webhook endpoint for the domain event (TEST-NET address: the delivery stays pending, which is enough here)
        String hook = json(expect(admin("POST", "/api/admin/webhooks",
                "{\"url\":\"https://203.0.113.10/hook\",\"events\":[\"selection.submitted\"]}"), 201)).get("id").asText();
        String token = json(expect(auth("send", "{}"), 200)).get("token").asText();
        String other = json(expect(auth("send", "{}"), 200)).get("token").asText();
        expect(guest("PUT", "/api/gallery/send/favourites/" + photos.get(0), token, null), 200);
        expect(guest("PUT", "/api/gallery/send/favourites/" + photos.get(1), token, null), 200);
        expect(guest("PUT", "/api/gallery/send/favourites/" + photos.get(2), other, null), 200);
        assertThat(json(guest("GET", "/api/gallery/send/favourites", other, null)).get("count").asInt())
                .as("without identity each session has its own selection").isEqualTo(1);

        JsonNode sent = json(expect(guest("POST", "/api/gallery/send/favourites/submit", token,
                "{\"note\":\"for the album\"}"), 200));
        assertThat(sent.get("state").asText()).isEqualTo("sent");
        assertThat(sent.get("note").asText()).isEqualTo("for the album");
        JsonNode deliveries = json(admin("GET", "/api/admin/webhooks/" + hook + "/deliveries", null)).get("deliveries");
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).get("type").asText()).isEqualTo("selection.submitted");
        assertError(guest("PUT", "/api/gallery/send/favourites/" + photos.get(2), token, null), 409,
                "selection_submitted", "unlock");
        assertError(guest("DELETE", "/api/gallery/send/favourites/" + photos.get(0), token, null), 409,
                "selection_submitted", "unlock");
        assertError(guest("POST", "/api/gallery/send/favourites/submit", token, "{}"), 409, "selection_submitted", "");

        // a deleted photo leaves every selection, a sent one too
        expect(admin("DELETE", "/api/admin/events/send/photos/" + photos.get(1), null), 204);
        JsonNode after = json(guest("GET", "/api/gallery/send/favourites", token, null));
        assertThat(after.get("count").asInt()).isEqualTo(1);
        assertThat(after.get("favourites").get(0).get("photoId").asText()).isEqualTo(photos.get(0));

        expect(admin("POST", "/api/admin/events/send/selections/" + sent.get("selectionId").asText() + "/unlock", null), 200);
        JsonNode changed = json(expect(guest("PUT", "/api/gallery/send/favourites/" + photos.get(2), token, null), 200));
        assertThat(changed.get("state").asText()).isEqualTo("open");
        assertThat(changed.get("count").asInt()).isEqualTo(2);
    }

    @Test
    void exports_areReadBackByTheirParsers_andGuestsAreRenamedMergedAndRemoved() throws Exception {
        createEvent("export", "\"guestIdentity\":\"pin\"");
        List<String> photos = upload("export", 3);
        JsonNode cara = json(expect(admin("POST", "/api/admin/events/export/guests", "{\"name\":\"=Cara\"}"), 201));
        JsonNode dan = json(expect(admin("POST", "/api/admin/events/export/guests", "{\"name\":\"Dan, Jr.\"}"), 201));
        String caraToken = json(expect(auth("export", "{\"pin\":\"" + cara.get("pin").asText() + "\"}"), 200)).get("token").asText();
        String danToken = json(expect(auth("export", "{\"pin\":\"" + dan.get("pin").asText() + "\"}"), 200)).get("token").asText();
        expect(guest("PUT", "/api/gallery/export/favourites/" + photos.get(0), caraToken, null), 200);
        expect(guest("PUT", "/api/gallery/export/favourites/" + photos.get(1), caraToken, null), 200);
        expect(guest("PUT", "/api/gallery/export/favourites/" + photos.get(1), danToken, null), 200);
        expect(guest("POST", "/api/gallery/export/favourites/submit", danToken, "{\"note\":\"b&w, please\"}"), 200);

        JsonNode all = json(expect(admin("GET", "/api/admin/events/export/selections", null), 200));
        assertThat(all.get("selections")).hasSize(2);
        assertThat(all.get("selections").get(0).get("favourites").get(0).get("thumbnailUrl").asText())
                .startsWith("/api/admin/events/export/photos/");

        String txt = new String(expect(admin("GET", "/api/admin/events/export/selections?format=txt", null), 200).body(),
                StandardCharsets.UTF_8);
        assertThat(txt.lines().toList()).containsExactlyInAnyOrder("photo-0.jpg", "photo-1.jpg");

        HttpResponse<byte[]> csvAnswer = expect(admin("GET", "/api/admin/events/export/selections?format=csv", null), 200);
        assertThat(csvAnswer.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        List<CSVRecord> rows;
        try (CSVParser parser = CSVParser.parse(new InputStreamReader(new ByteArrayInputStream(csvAnswer.body()),
                StandardCharsets.UTF_8), CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            assertThat(parser.getHeaderNames()).startsWith("filename", "guest", "note", "time");
            rows = parser.getRecords();
        }
        assertThat(rows).hasSize(3);
        Map<String, List<String>> byGuest = new HashMap<>();
        rows.forEach(r -> byGuest.computeIfAbsent(r.get("guest"), k -> new ArrayList<>()).add(r.get("filename")));
        assertThat(byGuest).containsOnlyKeys("'=Cara", "Dan, Jr.");
        assertThat(byGuest.get("Dan, Jr.")).containsExactly("photo-1.jpg");
        assertThat(rows.stream().filter(r -> r.get("guest").equals("Dan, Jr.")).findFirst().orElseThrow().get("note"))
                .isEqualTo("b&w, please");

        HttpResponse<byte[]> one = expect(admin("GET", "/api/admin/events/export/selections?format=txt&guest="
                + cara.get("id").asText(), null), 200);
        assertThat(new String(one.body(), StandardCharsets.UTF_8).lines().toList())
                .containsExactly("photo-0.jpg", "photo-1.jpg");

        HttpResponse<byte[]> zip = expect(admin("GET", "/api/admin/events/export/selections?format=xmp", null), 200);
        assertThat(zip.headers().firstValue("Content-Type")).hasValue("application/zip");
        Map<String, XMPMeta> sidecars = new HashMap<>();
        try (ZipInputStream entries = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                sidecars.put(entry.getName(), XMPMetaFactory.parseFromBuffer(entries.readAllBytes()));
            }
        }
        assertThat(sidecars).containsOnlyKeys("photo-0.xmp", "photo-1.xmp");
        XMPMeta both = sidecars.get("photo-1.xmp");
        assertThat(both.getPropertyInteger(XMPConst.NS_XMP, "Rating")).isEqualTo(5);
        assertThat(both.getPropertyString(XMPConst.NS_XMP, "Label")).isEqualTo("Green");
        assertThat(both.countArrayItems(XMPConst.NS_DC, "subject")).isEqualTo(2);
        unzipTest(zip.body());

        // rename, merge Dan into Cara (their picks join), remove
        String caraId = cara.get("id").asText();
        String danId = dan.get("id").asText();
        assertThat(json(expect(admin("PATCH", "/api/admin/events/export/guests/" + caraId, "{\"name\":\"Cara\"}"), 200))
                .get("name").asText()).isEqualTo("Cara");
        JsonNode merged = json(expect(admin("POST", "/api/admin/events/export/guests/" + caraId + "/merge",
                "{\"from\":\"" + danId + "\"}"), 200));
        assertThat(merged.get("count").asInt()).isEqualTo(2);
        assertError(guest("GET", "/api/gallery/export/favourites", danToken, null), 401, "unauthorized", "auth");
        assertThat(json(admin("GET", "/api/admin/events/export/guests", null)).get("guests")).hasSize(1);
        expect(admin("DELETE", "/api/admin/events/export/guests/" + caraId, null), 204);
        assertThat(json(admin("GET", "/api/admin/events/export/guests", null)).get("guests")).isEmpty();
        assertThat(json(admin("GET", "/api/admin/events/export/selections", null)).get("selections")).isEmpty();
        assertError(admin("GET", "/api/admin/events/export/selections?format=pdf", null), 400, "invalid_request", "format");
    }

    /** {@code unzip -t} where the machine has it: another reader agrees the archive is whole. */
    private static void unzipTest(byte[] zip) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/unzip"))) {
            return;
        }
        Path file = dataDir.resolve("sidecars.zip");
        Files.write(file, zip);
        Process process = new ProcessBuilder("/usr/bin/unzip", "-t", file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("No errors detected");
    }

    private static String otherPin(String pin) {
        return String.format("%06d", (Integer.parseInt(pin) + 1) % 1_000_000);
    }

    private static List<String> upload(String slug, int count) throws Exception {
        Multipart form = new Multipart();
        for (int i = 0; i < count; i++) {
            form.file("photo-" + i + ".jpg", TestImages.jpeg(TestImages.noisyHalves(64, 48, 100 + i)));
        }
        JsonNode results = json(expect(send("POST", "/api/admin/events/" + slug + "/photos", form.body(),
                "Bearer " + TestRuntimes.ADMIN_TOKEN, "Content-Type", form.contentType()), 201)).get("results");
        List<String> ids = new ArrayList<>();
        results.forEach(r -> ids.add(r.get("photo").get("id").asText()));
        return ids;
    }

    private static void createEvent(String slug, String extra) throws Exception {
        String body = "{\"slug\":\"" + slug + "\",\"title\":\"" + slug + "\"" + (extra == null ? "" : "," + extra) + "}";
        expect(admin("POST", "/api/admin/events", body), 201);
    }

    private static HttpResponse<byte[]> expect(HttpResponse<byte[]> response, int status) {
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        return response;
    }

    private static HttpResponse<byte[]> auth(String slug, String body) throws Exception {
        return send("POST", "/api/gallery/" + slug + "/auth", body.getBytes(StandardCharsets.UTF_8), null,
                "Content-Type", "application/json");
    }

    private static HttpResponse<byte[]> guest(String method, String path, String token, String body) throws Exception {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "Bearer " + token,
                "Content-Type", "application/json");
    }

    private static HttpResponse<byte[]> admin(String method, String path, String body) throws Exception {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                "Bearer " + TestRuntimes.ADMIN_TOKEN, "Content-Type", "application/json");
    }

    private static HttpResponse<byte[]> send(String method, String path, byte[] body, String authorization,
                                             String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
