package com.picpeak.api;

import com.picpeak.protect.FingerprintedDelivery;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.protect.ImageProtection;
import com.picpeak.testing.TestImages;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.ByteArrayOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP contract over real HTTP against the app on an embedded server (local mode's shape, local
 * backend, DynamoDB Local): admin, upload, listing, serving with ranges and validators, guest access.
 */
class ApiHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dataDir;
    static ConfigurableApplicationContext app;
    static PicPeakRuntime runtime;
    static String base;
    static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
    void adminRoutes_needTheToken() throws Exception {
        assertError(send("GET", "/api/admin/events", null, null, null), 401, "unauthorized", "Authorization: Bearer");
        assertError(send("GET", "/api/admin/events", null, null, "Bearer wrong-token"), 401, "unauthorized", "wrong");
        // the token is asked for however the path is spelled for the router (path parameters, escapes, case)
        for (String path : List.of("/api/admin;x=1/events", "/api/%61dmin/events", "/api/admin/./events", "//api/admin/events")) {
            assertThat(send("GET", path, null, null, null).statusCode()).as(path).isIn(400, 401);
        }
    }

    @Test
    void anEvent_isCreatedListedPatchedAndDeleted() throws Exception {
        HttpResponse<byte[]> created = admin("POST", "/api/admin/events", "{\"slug\":\"crud-1\",\"title\":\"Crud\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).get("active").asBoolean()).isTrue();
        assertError(admin("POST", "/api/admin/events", "{\"slug\":\"crud-1\",\"title\":\"Again\"}"), 409, "conflict",
                "already exists");

        HttpResponse<byte[]> patched = admin("PATCH", "/api/admin/events/crud-1",
                "{\"title\":\"Renamed\",\"expiresAt\":\"2099-01-01T00:00:00Z\",\"allowDownloads\":false}");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(json(patched).get("title").asText()).isEqualTo("Renamed");
        assertThat(json(patched).get("expiresAt").asText()).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(json(patched).get("allowDownloads").asBoolean()).isFalse();
        assertThat(json(admin("GET", "/api/admin/events", null)).get("events").findValuesAsText("slug")).contains("crud-1");

        JsonNode deletion = finished(admin("DELETE", "/api/admin/events/crud-1", null));
        assertThat(deletion.get("kind").asText()).isEqualTo("event.delete");
        assertThat(deletion.get("state").asText()).isEqualTo("succeeded");
        assertError(admin("GET", "/api/admin/events/crud-1", null), 404, "event_not_found", "crud-1");
        assertError(admin("DELETE", "/api/admin/events/crud-1", null), 404, "event_not_found", "crud-1");
    }

    @Test
    void badEventRequests_areClear400s_andCreateNothing() throws Exception {
        assertError(admin("POST", "/api/admin/events", "{\"slug\":\"Not A Slug\",\"title\":\"x\"}"), 400, "invalid_slug", "a-z");
        assertError(admin("POST", "/api/admin/events", "{\"slug\":\"ok-slug\",\"titel\":\"typo\"}"), 400,
                "invalid_request", "unknown field \"titel\"");
        assertError(admin("POST", "/api/admin/events", "{\"slug\":\"ok-slug\",\"title\":\"x\",\"active\":\"yes\"}"), 400,
                "invalid_request", "\"active\" must be true or false");
        assertError(admin("POST", "/api/admin/events", "not json"), 400, "invalid_request", "JSON");
        assertError(admin("GET", "/api/admin/events/ok-slug", null), 404, "event_not_found", "ok-slug");
    }

    @Test
    void directS3Download_isRefusedOnTheLocalBackend() throws Exception {
        createEvent("local-direct", null);

        assertError(admin("PATCH", "/api/admin/events/local-direct", "{\"allowDirectS3Download\":true}"), 409,
                "conflict", "STORAGE_BACKEND=s3");
    }

    @Test
    void threeUploadedJpegs_areListedServedAndDownloadable() throws Exception {
        createEvent("party", null);
        List<byte[]> jpegs = List.of(jpeg(1), jpeg(2), jpeg(3));
        Multipart form = new Multipart().file("IMG_1.jpg", jpegs.get(0)).file("IMG_2.jpg", jpegs.get(1))
                .file("IMG_3.jpg", jpegs.get(2));

        HttpResponse<byte[]> upload = send("POST", "/api/admin/events/party/photos", form.body(), form.contentType(),
                "Bearer " + TestRuntimes.ADMIN_TOKEN);

        assertThat(upload.statusCode()).as(new String(upload.body())).isEqualTo(201);
        assertThat(json(upload).get("imported").asInt()).isEqualTo(3);
        JsonNode page1 = json(get("/api/gallery/party/photos?limit=2", null));
        JsonNode page2 = json(get("/api/gallery/party/photos?limit=2&cursor=" + page1.get("nextCursor").asText(), null));
        List<String> names = new ArrayList<>(page1.get("photos").findValuesAsText("filename"));
        names.addAll(page2.get("photos").findValuesAsText("filename"));
        assertThat(names).containsExactly("IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg");
        assertThat(page2.get("nextCursor").isNull()).isTrue();

        JsonNode first = page1.get("photos").get(0);
        HttpResponse<byte[]> thumbnail = get(first.get("thumbnailUrl").asText(), null);
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        assertThat(thumbnail.headers().firstValue("Content-Type")).contains("image/jpeg");
        assertThat(TestImages.decode(thumbnail.body()).getWidth()).isEqualTo(300);

        HttpResponse<byte[]> photo = get(first.get("url").asText(), null);
        assertThat(photo.statusCode()).isEqualTo(200);
        assertThat(photo.body()).isEqualTo(jpegs.get(0));
        assertThat(photo.headers().firstValueAsLong("Content-Length")).hasValue(jpegs.get(0).length);
        assertThat(photo.headers().firstValue("Accept-Ranges")).contains("bytes");

        HttpResponse<byte[]> range = send("GET", first.get("url").asText(), null, null, null, "Range", "bytes=100-199");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("Content-Range")).contains("bytes 100-199/" + jpegs.get(0).length);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(jpegs.get(0), 100, 200));

        String etag = photo.headers().firstValue("ETag").orElseThrow();
        assertThat(send("GET", first.get("url").asText(), null, null, null, "If-None-Match", etag).statusCode()).isEqualTo(304);
        // the one reading of If-None-Match (ConditionalGet), as for JSON: every header, every tag, weak ones too
        assertThat(send("GET", first.get("url").asText(), null, null, null, "If-None-Match", "\"other\"",
                "If-None-Match", "\"another\", W/" + etag).statusCode()).isEqualTo(304);
        assertThat(send("GET", first.get("url").asText(), null, null, null, "If-None-Match", "\"other\"").statusCode())
                .isEqualTo(200);

        HttpResponse<byte[]> download = get(first.get("downloadUrl").asText(), null);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                v -> assertThat(v).startsWith("attachment; filename=\"IMG_1.jpg\""));
        assertThat(download.body()).isEqualTo(jpegs.get(0));
    }

    @Test
    void aRangePastTheEnd_is416() throws Exception {
        createEvent("ranges", null);
        JsonNode photo = uploadOne("ranges", "a.jpg", jpeg(4));

        HttpResponse<byte[]> response = send("GET", "/api/gallery/ranges/photos/" + photo.get("id").asText(), null, null,
                null, "Range", "bytes=99999999-");

        assertError(response, 416, "range_not_satisfiable", "outside");
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes */" + photo.get("size").asLong());
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("ETag")).isEmpty();
    }

    @Test
    void badUploads_areClear4xxs_andStoreNothing() throws Exception {
        createEvent("bad-uploads", null);

        assertUploadRefused("notes.jpg", "plain text".getBytes(StandardCharsets.UTF_8), 415, "unsupported_media_type");
        assertUploadRefused("empty.jpg", new byte[0], 400, "empty_file");
        assertUploadRefused("cut.jpg", Arrays.copyOf(jpeg(5), 3000), 422, "truncated_image");
        assertUploadRefused("bomb.png", TestImages.pngHeaderOnly(100_000, 100_000), 422, "image_too_large");
        assertUploadRefused("../../etc.jpg", jpeg(6), 400, "invalid_filename");
        assertUploadRefused("x".repeat(300) + ".jpg", jpeg(7), 400, "invalid_filename");
        Multipart toMissingEvent = new Multipart().file("a.jpg", jpeg(8));
        assertError(send("POST", "/api/admin/events/no-such-event/photos", toMissingEvent.body(),
                toMissingEvent.contentType(), "Bearer " + TestRuntimes.ADMIN_TOKEN), 404, "event_not_found", "no-such-event");

        JsonNode event = json(admin("GET", "/api/admin/events/bad-uploads", null));
        assertThat(event.get("photoCount").asInt()).isZero();
        assertThat(event.get("revision").asInt()).isZero();
        assertThat(json(admin("GET", "/api/admin/events/bad-uploads/photos", null)).get("photos")).isEmpty();
    }

    @Test
    void aPasswordGallery_needsTheRightPassword_andItsSessionWorksOnlyThere() throws Exception {
        createEvent("secret", "open sesame");
        createEvent("other", "another one");
        JsonNode photo = uploadOne("secret", "s.jpg", jpeg(9));
        JsonNode otherPhoto = uploadOne("other", "o.jpg", jpeg(10));

        assertError(get("/api/gallery/secret/photos", null), 401, "unauthorized", "password");
        assertError(auth("secret", "wrong"), 401, "wrong_password", "wrong password");
        HttpResponse<byte[]> ok = auth("secret", "open sesame");
        assertThat(ok.statusCode()).isEqualTo(200);
        String token = json(ok).get("token").asText();
        String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("picpeak_session=" + token).contains("HttpOnly").contains("SameSite=Lax");

        assertThat(get("/api/gallery/secret/photos", token).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> byCookie = send("GET", "/api/gallery/secret/photos", null, null, null,
                "Cookie", "picpeak_session=" + token);
        assertThat(json(byCookie).get("photos").get(0).get("id").asText()).isEqualTo(photo.get("id").asText());
        assertError(get("/api/gallery/other/photos", token), 401, "unauthorized", "");
        assertError(get("/api/gallery/secret/photos/" + otherPhoto.get("id").asText(), token), 404, "photo_not_found", "");
    }

    @Test
    void expiredInactiveAndDownloadDisabledEvents_sayWhy() throws Exception {
        createEvent("expired", null);
        admin("PATCH", "/api/admin/events/expired", "{\"expiresAt\":\"2020-01-01T00:00:00Z\"}");
        createEvent("hidden", null);
        admin("PATCH", "/api/admin/events/hidden", "{\"active\":false}");
        createEvent("view-only", null);
        JsonNode photo = uploadOne("view-only", "v.jpg", jpeg(11));
        admin("PATCH", "/api/admin/events/view-only", "{\"allowDownloads\":false}");

        assertError(get("/api/gallery/expired", null), 410, "event_expired", "expired");
        assertError(get("/api/gallery/hidden/photos", null), 404, "event_not_found", "");
        assertError(get("/api/gallery/nope", null), 404, "event_not_found", "");
        assertError(get("/api/gallery/Bad_Slug", null), 400, "invalid_slug", "");
        assertThat(get("/api/gallery/view-only/photos/" + photo.get("id").asText(), null).statusCode()).isEqualTo(200);
        assertError(get("/api/gallery/view-only/photos/" + photo.get("id").asText() + "/download", null), 403,
                "downloads_disabled", "turned off");
    }

    @Test
    void theGalleryPage_isTheGallery_thePasswordForm_orAClearUnavailablePage() throws Exception {
        createEvent("page-open", null);
        uploadOne("page-open", "p.jpg", jpeg(12));
        createEvent("page-locked", "letmein");
        createEvent("page-expired", null);
        admin("PATCH", "/api/admin/events/page-expired", "{\"expiresAt\":\"2020-01-01T00:00:00Z\"}");

        HttpResponse<byte[]> open = get("/gallery/page-open", null);
        HttpResponse<byte[]> locked = get("/gallery/page-locked", null);
        HttpResponse<byte[]> unlocked = get("/gallery/page-locked", json(auth("page-locked", "letmein")).get("token").asText());
        HttpResponse<byte[]> expired = get("/gallery/page-expired", null);
        HttpResponse<byte[]> unknown = get("/gallery/no-such-gallery", null);

        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
        assertThat(open.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        assertThat(new String(open.body(), StandardCharsets.UTF_8)).contains("<h1>page-open title</h1>")
                .contains("data-photos-url=\"/api/gallery/page-open/photos\"").contains("<script src=\"/assets/gallery.js?v=" + HtmlPages.ASSETS_VERSION + "\" defer>")
                .contains("id=\"viewer\"").doesNotContain("type=\"password\"");
        assertThat(locked.statusCode()).isEqualTo(401);
        assertThat(new String(locked.body(), StandardCharsets.UTF_8)).contains("<label for=\"password\">Password</label>")
                .contains("type=\"password\"").doesNotContain("data-photos-url");
        assertThat(unlocked.statusCode()).isEqualTo(200);
        assertThat(expired.statusCode()).isEqualTo(410);
        assertThat(new String(expired.body(), StandardCharsets.UTF_8)).contains("<h1>This gallery has expired</h1>")
                .contains("expired on 2020-01-01T00:00:00Z");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(new String(unknown.body(), StandardCharsets.UTF_8)).contains("<h1>Gallery not found</h1>");
    }

    @Test
    void thePagesAssets_andTheAdminPage_areServed() throws Exception {
        HttpResponse<byte[]> script = get("/assets/gallery.js", null);
        HttpResponse<byte[]> admin = get("/admin/events/any-slug", null);

        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
        assertThat(script.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(new String(script.body(), StandardCharsets.UTF_8)).contains("function renderPhoto(");
        assertThat(send("GET", "/assets/gallery.js", null, null, null, "If-Modified-Since",
                script.headers().firstValue("Last-Modified").orElseThrow()).statusCode()).isEqualTo(304);
        assertThat(get("/assets/picpeak.css", null).statusCode()).isEqualTo(200);
        assertError(get("/assets/nothing.js", null), 404, "not_found", "");
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(new String(admin.body(), StandardCharsets.UTF_8)).contains("<script src=\"/assets/admin.js?v=" + HtmlPages.ASSETS_VERSION + "\" defer>");
        // the versioned URL the pages use is the same asset (the version is for caches: the CDN keeps it by URL)
        assertThat(get(HtmlPages.asset("gallery.js"), null).body()).isEqualTo(script.body());
        assertThat(HtmlPages.ASSETS_VERSION).matches("[0-9a-f]{12}");
        assertThat(get("/admin", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theDownloadAllSize_isTheArchivesLength_forAGuestWhoMayOpenTheGallery() throws Exception {
        createEvent("sized", "secret");
        uploadOne("sized", "a.jpg", jpeg(31));
        uploadOne("sized", "b.jpg", jpeg(32));
        String session = json(auth("sized", "secret")).get("token").asText();

        JsonNode before = json(get("/api/gallery/sized", null));
        JsonNode signedIn = json(get("/api/gallery/sized", session));
        HttpResponse<byte[]> archive = get("/gallery/sized/download-all", session);

        assertThat(before.get("downloadAllSize").isNull()).isTrue();
        assertThat(archive.statusCode()).isEqualTo(200);
        assertThat(signedIn.get("downloadAllSize").asLong()).isEqualTo(archive.body().length);
    }

    @Test
    void heroAndDeletion_work() throws Exception {
        createEvent("hero", null);
        JsonNode photo = uploadOne("hero", "h.jpg", jpeg(13));

        HttpResponse<byte[]> setHero = admin("PUT", "/api/admin/events/hero/hero", "{\"photoId\":\"" + photo.get("id").asText() + "\"}");
        assertThat(setHero.statusCode()).isEqualTo(200);
        HttpResponse<byte[]> hero = get("/api/gallery/hero/hero", null);
        assertThat(hero.statusCode()).isEqualTo(200);
        assertThat(TestImages.decode(hero.body()).getWidth()).isEqualTo(1920);
        assertThat(TestImages.decode(hero.body()).getHeight()).isEqualTo(1080);

        assertThat(admin("DELETE", "/api/admin/events/hero/photos/" + photo.get("id").asText(), null).statusCode()).isEqualTo(204);
        assertError(get("/api/gallery/hero/photos/" + photo.get("id").asText(), null), 404, "photo_not_found", "");
        assertThat(runtime.store().head(photo.get("key").asText())).isEmpty();
        assertThat(json(admin("GET", "/api/admin/events/hero", null)).get("heroPhotoId").isNull()).isTrue();
    }

    @Test
    void downloadAll_streamsAtOnce_thenServesTheCachedCopyWithResumableRanges() throws Exception {
        createEvent("download", null);
        List<byte[]> jpegs = List.of(jpeg(21), jpeg(22), jpeg(23));
        for (int i = 0; i < jpegs.size(); i++) {
            uploadOne("download", "DSC_" + i + ".jpg", jpegs.get(i));
        }

        HttpResponse<byte[]> first = get("/gallery/download/download-all", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValueAsLong("Content-Length")).hasValue(first.body().length);
        assertThat(first.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                v -> assertThat(v).startsWith("attachment; filename=\"download.zip\""));
        Path zip = dataDir.resolve("download-all.zip");
        Files.write(zip, first.body());
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (int i = 0; i < jpegs.size(); i++) {
                try (InputStream in = file.getInputStream(file.getEntry("DSC_" + i + ".jpg"))) {
                    assertThat(in.readAllBytes()).isEqualTo(jpegs.get(i));
                }
            }
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                runtime.downloadAll().current(runtime.catalog().findEvent("download").orElseThrow()).ready());
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> resumed = send("GET", "/api/gallery/download/download-all", null, null, null,
                "Range", "bytes=1000-", "If-Range", etag);
        assertThat(resumed.statusCode()).isEqualTo(206);
        assertThat(resumed.body()).isEqualTo(Arrays.copyOfRange(first.body(), 1000, first.body().length));
    }

    @Test
    void downloadAll_rangesBeforeAndAfterTheCacheIsBuilt_are206WithTheSameBytes_andIfRangeGuardsARevision() throws Exception {
        createEvent("resume", null);
        for (int i = 0; i < 3; i++) {
            uploadOne("resume", "R_" + i + ".jpg", jpeg(61 + i));
        }

        // the first request of all, so no cache exists: the range is rendered from the plan and the originals
        HttpResponse<byte[]> early = send("GET", "/gallery/resume/download-all", null, null, null, "Range", "bytes=500-4999");
        assertThat(early.statusCode()).isEqualTo(206);
        String etag = early.headers().firstValue("ETag").orElseThrow();
        long length = Long.parseLong(early.headers().firstValue("Content-Range").orElseThrow().replaceAll(".*/", ""));
        assertThat(early.headers().firstValue("Content-Range")).hasValue("bytes 500-4999/" + length);
        assertThat(early.body()).hasSize(4500);
        HttpResponse<byte[]> rest = send("GET", "/gallery/resume/download-all", null, null, null,
                "Range", "bytes=5000-", "If-Range", etag);
        assertThat(rest.statusCode()).isEqualTo(206);
        HttpResponse<byte[]> head = send("GET", "/gallery/resume/download-all", null, null, null, "Range", "bytes=0-499");

        await().atMost(Duration.ofSeconds(30)).until(() ->
                runtime.downloadAll().current(runtime.catalog().findEvent("resume").orElseThrow()).ready());
        HttpResponse<byte[]> whole = get("/gallery/resume/download-all", null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("ETag")).hasValue(etag);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        joined.write(head.body());
        joined.write(early.body());
        joined.write(rest.body());
        assertThat(joined.toByteArray()).as("ranges rendered before the cache existed, joined").isEqualTo(whole.body());
        HttpResponse<byte[]> cached = send("GET", "/gallery/resume/download-all", null, null, null,
                "Range", "bytes=500-4999", "If-Range", etag);
        assertThat(cached.statusCode()).isEqualTo(206);
        assertThat(cached.body()).as("the same range from the cache").isEqualTo(early.body());

        HttpResponse<byte[]> outside = send("GET", "/gallery/resume/download-all", null, null, null,
                "Range", "bytes=" + length + "-");
        assertError(outside, 416, "range_not_satisfiable", "");
        assertThat(outside.headers().firstValue("Content-Range")).hasValue("bytes */" + length);

        uploadOne("resume", "R_3.jpg", jpeg(64)); // a new revision: the old partial copy must not be resumed
        HttpResponse<byte[]> stale = send("GET", "/gallery/resume/download-all", null, null, null,
                "Range", "bytes=5000-", "If-Range", etag);
        assertThat(stale.statusCode()).as("If-Range of another revision: the whole new archive").isEqualTo(200);
        assertThat(stale.headers().firstValue("ETag")).isPresent().isNotEqualTo(Optional.of(etag));
        assertThat(stale.headers().firstValueAsLong("Content-Length")).hasValue(stale.body().length);
        assertThat(stale.body().length).isGreaterThan(whole.body().length);
    }

    @Test
    void downloadAll_isRefusedWithTheReason() throws Exception {
        createEvent("no-downloads", null);
        uploadOne("no-downloads", "a.jpg", jpeg(31));
        admin("PATCH", "/api/admin/events/no-downloads", "{\"allowDownloads\":false}");
        createEvent("no-photos", null);
        createEvent("watermarked", null);
        uploadOne("watermarked", "w.jpg", jpeg(32));
        admin("PATCH", "/api/admin/events/watermarked", "{\"watermarkDownloads\":true}");
        createEvent("locked-zip", "secret!");
        uploadOne("locked-zip", "l.jpg", jpeg(33));

        assertError(get("/gallery/no-downloads/download-all", null), 403, "downloads_disabled", "turned off");
        assertError(get("/gallery/no-photos/download-all", null), 409, "no_photos", "nothing to download");
        assertError(get("/gallery/watermarked/download-all", null), 501, "watermark_unavailable", "no watermark image is set");
        assertError(get("/gallery/locked-zip/download-all", null), 401, "unauthorized", "password");
    }

    @Test
    void watermarkedDownloads_neverHandOutTheOriginal() throws Exception {
        createEvent("proofs", null);
        byte[] original = jpeg(41);
        JsonNode photo = uploadOne("proofs", "proof.jpg", original);
        admin("PATCH", "/api/admin/events/proofs", "{\"watermarkDownloads\":true}");
        byte[] redMark = TestImages.png(TestImages.quadrants(64, 32, TestImages.RED, TestImages.RED, TestImages.RED,
                TestImages.RED));
        HttpResponse<byte[]> set = send("PUT", "/api/admin/events/proofs/watermark", redMark, "image/png",
                "Bearer " + TestRuntimes.ADMIN_TOKEN);
        assertThat(set.statusCode()).as(new String(set.body())).isEqualTo(200);
        assertError(send("PUT", "/api/admin/watermark", "not a png".getBytes(StandardCharsets.UTF_8), "image/png",
                "Bearer " + TestRuntimes.ADMIN_TOKEN), 415, "unsupported_media_type", "");

        HttpResponse<byte[]> download = get("/api/gallery/proofs/photos/" + photo.get("id").asText() + "/download", null);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isNotEqualTo(original);
        BufferedImage image = TestImages.decode(download.body());
        assertThat(image.getWidth()).isEqualTo(400);
        assertThat((image.getRGB(400 - 10 - 40, 300 - 10 - 10) >> 16) & 0xff).isGreaterThan(150);
        assertThat(get("/api/gallery/proofs/photos/" + photo.get("id").asText(), null).body())
                .as("viewing is not the download path").isEqualTo(original);

        HttpResponse<byte[]> building = get("/gallery/proofs/download-all", null);
        assertThat(building.statusCode()).isEqualTo(202);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                runtime.downloadAll().current(runtime.catalog().findEvent("proofs").orElseThrow()).ready());
        HttpResponse<byte[]> zip = get("/gallery/proofs/download-all", null);
        assertThat(zip.statusCode()).isEqualTo(200);
        Path file = dataDir.resolve("proofs.zip");
        Files.write(file, zip.body());
        try (ZipFile archive = new ZipFile(file.toFile());
             InputStream in = archive.getInputStream(archive.getEntry("proof.jpg"))) {
            assertThat(in.readAllBytes()).isEqualTo(download.body());
        }
    }

    @Test
    void anArchivedEvent_isGoneForGuests_downloadableForAdmins_andRestorable() throws Exception {
        createEvent("archive-me", null);
        byte[] original = jpeg(51);
        JsonNode photo = uploadOne("archive-me", "keep.jpg", original);

        JsonNode archived = finished(admin("POST", "/api/admin/events/archive-me/archive", null));
        assertThat(archived.get("state").asText()).as(archived.toString()).isEqualTo("succeeded");
        assertThat(archived.get("result").get("key").asText()).isEqualTo("events/archived/archive-me.zip");
        assertError(admin("POST", "/api/admin/events/archive-me/archive", null), 409, "conflict", "archived already");
        assertError(get("/api/gallery/archive-me/photos", null), 410, "event_expired", "archived");
        assertThat(json(admin("GET", "/api/admin/events", null)).get("events").findValuesAsText("archiveUrl"))
                .contains("/api/admin/events/archive-me/archive");
        HttpResponse<byte[]> zip = admin("GET", "/api/admin/events/archive-me/archive", null);
        assertThat(zip.statusCode()).isEqualTo(200);
        Path file = dataDir.resolve("archived.zip");
        Files.write(file, zip.body());
        try (ZipFile archive = new ZipFile(file.toFile());
             InputStream in = archive.getInputStream(archive.getEntry("keep.jpg"))) {
            assertThat(in.readAllBytes()).isEqualTo(original);
        }

        JsonNode restored = finished(admin("POST", "/api/admin/events/archive-me/restore", null));
        assertThat(restored.get("state").asText()).isEqualTo("succeeded");
        assertThat(json(admin("GET", "/api/admin/events/archive-me", null)).get("archivedAt").isNull()).isTrue();
        JsonNode listed = json(admin("GET", "/api/admin/jobs?kind=event.restore", null));
        assertThat(listed.get("jobs").findValuesAsText("id")).contains(restored.get("id").asText());
        assertThat(get("/api/gallery/archive-me/photos/" + photo.get("id").asText(), null).body()).isEqualTo(original);
    }

    @Test
    void healthAndStorageStatus_answer() throws Exception {
        assertThat(json(get("/health", null)).get("status").asText()).isEqualTo("ok");
        JsonNode storage = json(admin("GET", "/api/admin/storage", null));
        assertThat(storage.get("backend").asText()).isEqualTo("local");
        assertThat(storage.get("startupCheck").get("ok").asBoolean()).isTrue();
        assertError(get("/no/such/route", null), 404, "not_found", "");
    }

    // ---- helpers ----

    /** A route that started a job: 202 with its Location; follows the job until it has ended. */
    private JsonNode finished(HttpResponse<byte[]> accepted) throws Exception {
        assertThat(accepted.statusCode()).as(new String(accepted.body())).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(json(accepted).get("url").asText()).isEqualTo(location);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                json(admin("GET", location, null)).get("state").asText().matches("succeeded|failed"));
        return json(admin("GET", location, null));
    }

    private void assertUploadRefused(String filename, byte[] bytes, int status, String code) throws Exception {
        Multipart form = new Multipart().file(filename, bytes);
        HttpResponse<byte[]> response = send("POST", "/api/admin/events/bad-uploads/photos", form.body(),
                form.contentType(), "Bearer " + TestRuntimes.ADMIN_TOKEN);
        assertThat(response.statusCode()).as(filename + ": " + new String(response.body())).isEqualTo(status);
        JsonNode result = json(response).get("results").get(0);
        assertThat(result.get("status").asText()).isEqualTo("failed");
        assertThat(result.get("error").get("error").asText()).isEqualTo(code);
        assertThat(result.get("error").get("message").asText()).isNotBlank();
    }

    @Test
    void enhancedProtection_overHttp_tokenFingerprintAndTrace() throws Exception {
        createEvent("traced", null);
        byte[] original = jpeg(41);
        JsonNode photo = uploadOne("traced", "t.jpg", original);
        String id = photo.get("id").asText();
        assertError(admin("PATCH", "/api/admin/events/traced", "{\"protectionLevel\":\"paranoid\"}"), 400,
                "invalid_request", "basic, standard, enhanced or maximum");
        assertError(admin("PATCH", "/api/admin/events/traced", "{\"watermarkOpacity\":0}"), 400,
                "invalid_request", "\"watermarkOpacity\" must be 5 to 100");
        assertThat(json(admin("GET", "/api/admin/events/traced", null)).get("protectionLevel").asText()).isEqualTo("standard");
        JsonNode patched = json(admin("PATCH", "/api/admin/events/traced", "{\"protectionLevel\":\"enhanced\"}"));
        assertThat(patched.get("protectionLevel").asText()).isEqualTo("enhanced");

        assertError(get("/api/gallery/traced/photos/" + id + "/thumbnail", null), 401, "unauthorized", "sign in");
        assertError(get("/gallery/traced/download-all", null), 401, "unauthorized", "sign in");
        String session = json(send("POST", "/api/gallery/traced/auth", "{}".getBytes(StandardCharsets.UTF_8),
                "application/json", null)).get("token").asText();
        assertError(get("/api/gallery/traced/photos/" + id, session), 403, "access_token_invalid", "/access");
        JsonNode grant = json(send("POST", "/api/gallery/traced/photos/" + id + "/access",
                "{\"purpose\":\"view\"}".getBytes(StandardCharsets.UTF_8), "application/json", "Bearer " + session));
        assertThat(grant.get("uses").asInt()).isEqualTo(1);
        HttpResponse<byte[]> view = get(grant.get("url").asText(), session);
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.headers().firstValue("Cache-Control")).contains("private, no-store");
        assertThat(view.headers().firstValueAsLong("Content-Length")).hasValue(view.body().length);
        assertThat(TestImages.decode(view.body()).getWidth()).isEqualTo(400);
        assertError(get(grant.get("url").asText(), session), 403, "access_token_invalid", "used up");

        HttpResponse<byte[]> thumbnail = get("/api/gallery/traced/photos/" + id + "/thumbnail", session);
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        String fingerprint = FingerprintedDelivery.readFingerprint(
                new ByteArrayInputStream(view.body())).orElseThrow();
        assertThat(FingerprintedDelivery.readFingerprint(new ByteArrayInputStream(thumbnail.body())))
                .contains(fingerprint); // one identifier per session and photo

        JsonNode traced = json(admin("GET", "/api/admin/fingerprints/" + fingerprint, null));
        assertThat(traced.get("event").asText()).isEqualTo("traced");
        assertThat(traced.get("photoId").asText()).isEqualTo(id);
        assertThat(traced.get("serves").asInt()).isEqualTo(2);
        HttpResponse<byte[]> byFile = send("POST", "/api/admin/fingerprints/lookup", thumbnail.body(), "image/jpeg",
                "Bearer " + TestRuntimes.ADMIN_TOKEN);
        assertThat(json(byFile).get("session").asText()).isEqualTo(traced.get("session").asText());
        assertError(send("POST", "/api/admin/fingerprints/lookup", original, "image/jpeg",
                "Bearer " + TestRuntimes.ADMIN_TOKEN), 404, "not_found", "no PicPeak fingerprint");
        assertError(admin("GET", "/api/admin/fingerprints/not-hex", null), 400, "invalid_request", "20 hex digits");
    }

    @Test
    void downloadSizes_areChosenPerEvent_validated_listed_andHonoured() throws Exception {
        createEvent("offered", null);
        byte[] original = TestImages.jpeg(TestImages.noisyHalves(3000, 2000, 45));
        String id = uploadOne("offered", "big.jpg", original).get("id").asText();
        assertThat(get("/api/gallery/offered/photos/" + id, null).body()).isEqualTo(original); // "view original"
        // the default: the original only
        assertThat(json(admin("GET", "/api/admin/events/offered", null)).get("downloadSizes").toString())
                .isEqualTo("[\"original\"]");
        assertThat(json(get("/api/gallery/offered", null)).get("downloadSizes").toString()).isEqualTo("[\"original\"]");
        HttpResponse<byte[]> firstPage = get("/api/gallery/offered/photos", null);
        assertThat(json(firstPage).get("photos").get(0).get("downloadSizes").size()).isEqualTo(1);
        assertError(get("/api/gallery/offered/photos/" + id + "/download?size=web", null), 403, "size_not_offered",
                "it offers original");
        assertError(get("/gallery/offered/download-all?size=web", null), 403, "size_not_offered", "it offers original");
        assertError(get("/gallery/offered/download-all?size=huge", null), 400, "invalid_request", "not 'huge'");

        // unknown sizes and wrong shapes are a 400 naming them, and change nothing
        assertError(admin("PATCH", "/api/admin/events/offered", "{\"downloadSizes\":[\"web\",\"huge\"]}"), 400,
                "invalid_request", "not 'huge'");
        assertError(admin("PATCH", "/api/admin/events/offered", "{\"downloadSizes\":\"web\"}"), 400,
                "invalid_request", "must be an array");
        assertError(admin("POST", "/api/admin/events", "{\"slug\":\"offered-2\",\"title\":\"S\","
                + "\"downloadSizes\":[\"xl\"]}"), 400, "invalid_request", "not 'xl'");
        assertError(admin("GET", "/api/admin/events/offered-2", null), 404, "event_not_found", "offered-2");
        assertThat(json(admin("GET", "/api/admin/events/offered", null)).get("downloadSizes").toString())
                .isEqualTo("[\"original\"]");

        // chosen by the admin (in any order, the original added): shown, listed, honoured
        JsonNode patched = json(admin("PATCH", "/api/admin/events/offered", "{\"downloadSizes\":[\"web\"]}"));
        assertThat(patched.get("downloadSizes").toString()).isEqualTo("[\"original\",\"web\"]");
        assertThat(json(get("/api/gallery/offered", null)).get("downloadSizes").toString())
                .isEqualTo("[\"original\",\"web\"]");
        HttpResponse<byte[]> listed = send("GET", "/api/gallery/offered/photos", null, null, null, "If-None-Match",
                firstPage.headers().firstValue("ETag").orElseThrow());
        assertThat(listed.statusCode()).isEqualTo(200); // the sizes are in the page: its tag changed with them
        JsonNode sizes = json(listed).get("photos").get(0).get("downloadSizes");
        assertThat(sizes.fieldNames()).toIterable().containsExactly("original", "web");
        assertThat(TestImages.decode(get(sizes.get("web").asText(), null).body()).getWidth()).isEqualTo(2048);
        assertError(get("/api/gallery/offered/photos/" + id + "/download?size=large", null), 403, "size_not_offered",
                "it offers original, web");
        HttpResponse<byte[]> webArchive = get("/gallery/offered/download-all?size=web", null);
        assertThat(webArchive.statusCode()).as("built by a job, like the watermarked one").isIn(200, 202);
        JsonNode created = json(admin("POST", "/api/admin/events", "{\"slug\":\"offered-3\",\"title\":\"S\","
                + "\"downloadSizes\":[\"large\",\"original\",\"large\"]}"));
        assertThat(created.get("downloadSizes").toString()).isEqualTo("[\"original\",\"large\"]");

        // downloads off: the guest is offered no size, and the photo's own route no longer hands out the original
        admin("PATCH", "/api/admin/events/offered", "{\"allowDownloads\":false}");
        assertThat(json(get("/api/gallery/offered", null)).get("downloadSizes").size()).isZero();
        assertError(get("/api/gallery/offered/photos/" + id + "/download?size=web", null), 403, "downloads_disabled",
                "turned off");
        HttpResponse<byte[]> inline = get("/api/gallery/offered/photos/" + id, null);
        assertThat(inline.statusCode()).isEqualTo(200);
        assertThat(inline.headers().firstValue("Content-Type")).contains("image/jpeg");
        assertThat(TestImages.decode(inline.body()).getWidth()).isEqualTo(2560); // the largest preview
        assertThat(inline.body()).isNotEqualTo(original);
    }

    @Test
    void renditionTiers_areListedWithTheirWidths_madeOnRequest_andProtectedLikeTheView() throws Exception {
        createEvent("tiered", null);
        admin("PATCH", "/api/admin/events/tiered", "{\"downloadSizes\":[\"original\",\"large\",\"web\"]}");
        byte[] original = TestImages.jpeg(TestImages.noisyHalves(3000, 2000, 43));
        JsonNode uploaded = uploadOne("tiered", "big.jpg", original);
        String id = uploaded.get("id").asText();
        JsonNode listed = json(get("/api/gallery/tiered/photos", null)).get("photos").get(0);

        assertThat(listed.get("thumbnails").findValuesAsText("tier")).containsExactly("t300", "t600");
        assertThat(listed.get("previews").findValuesAsText("tier")).containsExactly("p1280", "p1920", "p2560");
        assertThat(listed.get("previews").findValues("width").stream().map(JsonNode::asInt).toList())
                .containsExactly(1280, 1920, 2560);
        for (JsonNode tier : List.of(listed.get("thumbnails").get(1), listed.get("previews").get(0))) {
            HttpResponse<byte[]> image = get(tier.get("url").asText(), null);
            assertThat(image.statusCode()).isEqualTo(200);
            assertThat(image.headers().firstValue("Content-Type")).contains("image/jpeg");
            assertThat(image.headers().firstValueAsLong("Content-Length")).hasValue(image.body().length);
            assertThat(TestImages.decode(image.body()).getWidth()).isEqualTo(tier.get("width").asInt());
            assertThat(TestImages.decode(image.body()).getHeight()).isEqualTo(tier.get("height").asInt());
            assertThat(image.body().length).isLessThan(original.length);
            String etag = image.headers().firstValue("ETag").orElseThrow();
            assertThat(send("GET", tier.get("url").asText(), null, null, null, "If-None-Match", etag).statusCode())
                    .isEqualTo(304);
        }
        assertError(get("/api/gallery/tiered/photos/" + id + "/r/p4000", null), 404, "not_found", "p1280");
        assertError(get("/api/gallery/tiered/photos/" + id + "/r/d2048", null), 404, "not_found", "p1280");

        // single downloads at the offered sizes: the original by default, "large" and "web" fitted, as JPEGs
        assertThat(listed.get("downloadSizes").get("original").asText()).endsWith("/download");
        for (String size : List.of("large", "web")) {
            HttpResponse<byte[]> sized = get(listed.get("downloadSizes").get(size).asText(), null);
            assertThat(sized.statusCode()).isEqualTo(200);
            assertThat(sized.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("attachment; filename=\"big-" + size + ".jpg\""));
            assertThat(TestImages.decode(sized.body()).getWidth()).isEqualTo(size.equals("large") ? 2560 : 2048);
        }
        assertThat(get("/api/gallery/tiered/photos/" + id + "/download", null).body()).isEqualTo(original);
        assertError(get("/api/gallery/tiered/photos/" + id + "/download?size=huge", null), 400, "invalid_request",
                "original, large");
        JsonNode small = uploadOne("tiered", "small.jpg", jpeg(44));
        assertThat(json(get("/api/gallery/tiered/photos", null)).get("photos").get(1).get("downloadSizes").size())
                .isEqualTo(1); // 400 px: no smaller size to offer
        assertThat(TestImages.decode(get("/api/gallery/tiered/photos/" + small.get("id").asText()
                + "/download?size=web", null).body()).getWidth()).isEqualTo(400); // never enlarged

        // enhanced: a preview needs a view token, and carries the guest's fingerprint
        admin("PATCH", "/api/admin/events/tiered", "{\"protectionLevel\":\"enhanced\"}");
        String session = json(send("POST", "/api/gallery/tiered/auth", "{}".getBytes(StandardCharsets.UTF_8),
                "application/json", null)).get("token").asText();
        assertError(get(listed.get("previews").get(1).get("url").asText(), session), 403, "access_token_invalid", "/access");
        JsonNode grant = json(send("POST", "/api/gallery/tiered/photos/" + id + "/access",
                "{\"purpose\":\"view\"}".getBytes(StandardCharsets.UTF_8), "application/json", "Bearer " + session));
        JsonNode preview = grant.get("previews").get(1);
        assertThat(preview.get("url").asText()).endsWith("/r/p1920?t=" + grant.get("token").asText());
        HttpResponse<byte[]> traced = get(preview.get("url").asText(), session);
        assertThat(traced.statusCode()).isEqualTo(200);
        assertThat(TestImages.decode(traced.body()).getWidth()).isEqualTo(1920);
        assertThat(FingerprintedDelivery.readFingerprint(new ByteArrayInputStream(traced.body()))).isPresent();

        // maximum: no preview, only tiles
        admin("PATCH", "/api/admin/events/tiered", "{\"protectionLevel\":\"maximum\"}");
        assertError(get(listed.get("previews").get(0).get("url").asText(), session), 403, "tiles_only", "tiles");
    }

    @Test
    void listingAndEventInfo_carryETags_answer304_andChangeWithTheRevision() throws Exception {
        createEvent("tagged", "secret");
        String session = json(auth("tagged", "secret")).get("token").asText();
        uploadOne("tagged", "a.jpg", jpeg(51));
        uploadOne("tagged", "b.jpg", jpeg(52));
        uploadOne("tagged", "c.jpg", jpeg(53));

        HttpResponse<byte[]> page = get("/api/gallery/tagged/photos?limit=2", session);
        String pageTag = page.headers().firstValue("ETag").orElseThrow();
        assertThat(page.headers().firstValue("Cache-Control")).hasValueSatisfying(v ->
                assertThat(v).contains("no-cache").contains("private"));
        HttpResponse<byte[]> again = send("GET", "/api/gallery/tagged/photos?limit=2", null, null, "Bearer " + session,
                "If-None-Match", pageTag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).contains(pageTag);
        String cursor = json(page).get("nextCursor").asText();
        String secondTag = get("/api/gallery/tagged/photos?limit=2&cursor=" + cursor, session).headers()
                .firstValue("ETag").orElseThrow();
        assertThat(secondTag).isNotEqualTo(pageTag);
        assertThat(get("/api/gallery/tagged/photos?limit=3", session).headers().firstValue("ETag")).isNotEqualTo(
                Optional.of(pageTag));
        // the tag does not let a guest without the password skip the gate
        assertError(send("GET", "/api/gallery/tagged/photos?limit=2", null, null, null, "If-None-Match", pageTag), 401,
                "unauthorized", "password");

        HttpResponse<byte[]> info = get("/api/gallery/tagged", session);
        String infoTag = info.headers().firstValue("ETag").orElseThrow();
        assertThat(send("GET", "/api/gallery/tagged", null, null, "Bearer " + session, "If-None-Match", infoTag)
                .statusCode()).isEqualTo(304);

        uploadOne("tagged", "d.jpg", jpeg(54)); // a new revision
        HttpResponse<byte[]> changed = send("GET", "/api/gallery/tagged/photos?limit=2", null, null, "Bearer " + session,
                "If-None-Match", pageTag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag")).isNotEqualTo(Optional.of(pageTag));
        List<String> names = new ArrayList<>(json(get("/api/gallery/tagged/photos?limit=10", session)).get("photos")
                .findValuesAsText("filename"));
        assertThat(names).containsExactly("a.jpg", "b.jpg", "c.jpg", "d.jpg"); // not the cached page of the old revision
        HttpResponse<byte[]> newInfo = send("GET", "/api/gallery/tagged", null, null, "Bearer " + session,
                "If-None-Match", infoTag);
        assertThat(newInfo.statusCode()).isEqualTo(200);
        assertThat(json(newInfo).get("photoCount").asInt()).isEqualTo(4);
        // a title change changes the event info's tag too (it is a hash of the answer)
        String fourTag = newInfo.headers().firstValue("ETag").orElseThrow();
        admin("PATCH", "/api/admin/events/tagged", "{\"title\":\"Renamed\"}");
        assertThat(send("GET", "/api/gallery/tagged", null, null, "Bearer " + session, "If-None-Match", fourTag)
                .statusCode()).isEqualTo(200);
    }

    @Test
    void maximumProtection_overHttp_servesOnlyTiles() throws Exception {
        createEvent("tiled", null);
        JsonNode photo = uploadOne("tiled", "t.jpg", jpeg(42));
        String id = photo.get("id").asText();
        admin("PATCH", "/api/admin/events/tiled", "{\"protectionLevel\":\"maximum\",\"fragmentationLevel\":2}");
        assertThat(json(get("/api/gallery/tiled", null)).get("fragmentationLevel").asInt()).isEqualTo(2);
        String session = json(send("POST", "/api/gallery/tiled/auth", "{}".getBytes(StandardCharsets.UTF_8),
                "application/json", null)).get("token").asText();

        JsonNode grant = json(send("POST", "/api/gallery/tiled/photos/" + id + "/access", null, null, "Bearer " + session));
        JsonNode tiles = grant.get("tiles");
        assertThat(grant.get("url").isNull()).isTrue();
        assertThat(tiles.get("items")).hasSize(4);
        int area = 0;
        for (JsonNode tile : tiles.get("items")) {
            HttpResponse<byte[]> part = get(tile.get("url").asText(), session);
            assertThat(part.statusCode()).isEqualTo(200);
            assertThat(TestImages.decode(part.body()).getWidth()).isEqualTo(tile.get("width").asInt());
            area += tile.get("width").asInt() * tile.get("height").asInt();
        }
        assertThat(area).isEqualTo(tiles.get("width").asInt() * tiles.get("height").asInt());
        assertError(get("/api/gallery/tiled/photos/" + id + "?t=" + grant.get("token").asText(), session), 403,
                "tiles_only", "tiles");
        assertError(send("POST", "/api/gallery/tiled/photos/" + id + "/access", "{\"purpose\":\"print\"}".getBytes(
                StandardCharsets.UTF_8), "application/json", "Bearer " + session), 400, "invalid_request", "view or download");
    }

    private JsonNode uploadOne(String slug, String filename, byte[] bytes) throws Exception {
        Multipart form = new Multipart().file(filename, bytes);
        HttpResponse<byte[]> response = send("POST", "/api/admin/events/" + slug + "/photos", form.body(),
                form.contentType(), "Bearer " + TestRuntimes.ADMIN_TOKEN);
        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(201);
        return json(response).get("results").get(0).get("photo");
    }

    private void createEvent(String slug, String password) throws Exception {
        String body = "{\"slug\":\"" + slug + "\",\"title\":\"" + slug + " title\""
                + (password == null ? "" : ",\"password\":\"" + password + "\"") + "}";
        assertThat(admin("POST", "/api/admin/events", body).statusCode()).isEqualTo(201);
    }

    private HttpResponse<byte[]> auth(String slug, String password) throws Exception {
        return send("POST", "/api/gallery/" + slug + "/auth",
                ("{\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8), "application/json", null);
    }

    private static byte[] jpeg(long seed) {
        return TestImages.jpeg(TestImages.noisyHalves(400, 300, seed));
    }

    private HttpResponse<byte[]> admin(String method, String path, String jsonBody) throws Exception {
        return send(method, path, jsonBody == null ? null : jsonBody.getBytes(StandardCharsets.UTF_8),
                "application/json", "Bearer " + TestRuntimes.ADMIN_TOKEN);
    }

    private HttpResponse<byte[]> get(String path, String guestToken) throws Exception {
        return send("GET", path, null, null, guestToken == null ? null : "Bearer " + guestToken);
    }

    private HttpResponse<byte[]> send(String method, String path, byte[] body, String contentType, String authorization,
                                      String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> response) throws IOException {
        return JSON.readTree(response.body());
    }

    static void assertError(HttpResponse<byte[]> response, int status, String code, String messagePart) throws IOException {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(text).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("error").asText()).as(text).isEqualTo(code);
        assertThat(json.get("message").asText()).as(text).contains(messagePart);
    }
}
