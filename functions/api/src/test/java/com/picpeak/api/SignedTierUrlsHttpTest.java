package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.testing.TestClock;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.picpeak.api.ApiHttpTest.assertError;
import static com.picpeak.api.ApiHttpTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed tier URLs (what lets a CDN cache images by URL): at basic and standard every guest of an event is given
 * the same URL within a window, and it opens the tier without a session, publicly cacheable until it expires; an
 * expired, tampered or moved token opens nothing; enhanced and maximum stay per guest. Over real HTTP on the
 * embedded server, with a test clock.
 */
class SignedTierUrlsHttpTest {
    @TempDir
    static Path dataDir;
    static ConfigurableApplicationContext app;
    static PicPeakRuntime runtime;
    static TestClock clock;
    static String base;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        // ten minutes into an hour: the default window is an hour
        clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(10)));
        runtime = TestRuntimes.local(dataDir, Map.of(), clock);
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
    void atStandard_everyGuestGetsTheSameSignedUrls_whichWorkWithoutASession_untilTheyExpire() throws Exception {
        createEvent("signed", "pw-signed");
        createEvent("signed-other", "pw-other");
        String photoA = upload("signed", "a.jpg", 51);
        String photoB = upload("signed", "b.jpg", 52);
        String otherPhoto = upload("signed-other", "c.jpg", 53);

        String guest1 = signIn("signed", "pw-signed");
        HttpResponse<byte[]> firstListing = get("/api/gallery/signed/photos", guest1);
        List<String> urls1 = tierUrls(json(firstListing));
        clock.advance(Duration.ofMinutes(20));
        String guest2 = signIn("signed", "pw-signed");
        List<String> urls2 = tierUrls(json(get("/api/gallery/signed/photos", guest2)));

        assertThat(urls1).hasSize(2 * 4).allSatisfy(url -> assertThat(url).contains("/r/").contains("?sig="));
        assertThat(urls2).isEqualTo(urls1); // the same URLs for both guests: one CDN entry each
        for (String url : urls1) {
            HttpResponse<byte[]> image = get(url, null); // no session at all: the signature is the permission
            assertThat(image.statusCode()).as(url).isEqualTo(200);
            assertThat(image.headers().firstValue("Content-Type")).contains("image/jpeg");
            assertThat(TestImages.decode(image.body()).getWidth()).isGreaterThan(0);
            String cacheControl = image.headers().firstValue("Cache-Control").orElseThrow();
            assertThat(cacheControl).startsWith("public, max-age=");
            long maxAge = Long.parseLong(cacheControl.substring("public, max-age=".length()));
            // listed at 0:10, fetched at 0:30: the token runs to 2:00 (the window's end plus one window)
            assertThat(maxAge).isEqualTo(Duration.ofMinutes(90).getSeconds());
        }

        String thumbA = urlOf(json(firstListing), photoA, "thumbnails", "t300");
        String previewA = urlOf(json(firstListing), photoA, "previews", "p1280");
        String thumbB = urlOf(json(firstListing), photoB, "thumbnails", "t300");
        String sigA = thumbA.substring(thumbA.indexOf("?sig="));
        // without a signature and without a session: the password gallery's 401, as before
        assertError(get(thumbA.substring(0, thumbA.indexOf('?')), null), 401, "unauthorized", "password");
        // tampered, moved to another photo, tier or event: refused, and nothing is served
        String tampered = thumbA.substring(0, thumbA.length() - 1) + (thumbA.endsWith("A") ? "B" : "A");
        assertError(get(tampered, null), 403, "access_token_invalid", "list the gallery again");
        assertError(get(thumbB.substring(0, thumbB.indexOf('?')) + sigA, null), 403, "access_token_invalid", "");
        assertError(get(previewA.substring(0, previewA.indexOf('?')) + sigA, null), 403, "access_token_invalid", "");
        assertError(get("/api/gallery/signed/photos/" + photoA + "/r/t600" + sigA, null), 403, "access_token_invalid", "");
        assertError(get("/api/gallery/signed-other/photos/" + otherPhoto + "/r/t300" + sigA, null), 403,
                "access_token_invalid", "");
        assertError(get("/api/gallery/signed-other/photos/" + photoA + "/r/t300" + sigA, null), 404,
                "photo_not_found", "");
        assertError(get("/api/gallery/signed/photos/" + photoA + "/r/t300?sig=9999999999.forged", null), 403,
                "access_token_invalid", "");
        // a bad signature with a session falls back to the session: private to that guest
        HttpResponse<byte[]> withSession = get(tampered, guest1);
        assertThat(withSession.statusCode()).isEqualTo(200);
        assertThat(withSession.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).startsWith("private"));

        // past its expiry (two windows on) the URL opens nothing; the listing has moved on to new URLs
        String listingTag = firstListing.headers().firstValue("ETag").orElseThrow();
        clock.advance(Duration.ofMinutes(90));
        assertError(get(thumbA, null), 403, "access_token_invalid", "expired");
        HttpResponse<byte[]> relisted = send("/api/gallery/signed/photos", guest2, "If-None-Match", listingTag);
        assertThat(relisted.statusCode()).isEqualTo(200); // the window changed the page, so its tag
        String freshThumbA = urlOf(json(relisted), photoA, "thumbnails", "t300");
        assertThat(freshThumbA).isNotEqualTo(thumbA);
        assertThat(get(freshThumbA, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aNewPassword_orAFirstOne_endsEverySignedUrlIssuedBefore_atOnce() throws Exception {
        createEvent("repassword", "pw-first");
        String photo = upload("repassword", "e.jpg", 55);
        HttpResponse<byte[]> listed = get("/api/gallery/repassword/photos", signIn("repassword", "pw-first"));
        String thumb = urlOf(json(listed), photo, "thumbnails", "t300");
        assertThat(get(thumb, null).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> changed = admin("PATCH", "/api/admin/events/repassword", "{\"password\":\"pw-second\"}");
        assertThat(changed.statusCode()).as(new String(changed.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        // the URL a guest of the old password was given opens nothing now, within the same window
        assertError(get(thumb, null), 403, "access_token_invalid", "list the gallery again");
        // a guest of the new password is listed new URLs (the listing's tag changed with the password), which work
        String newGuest = signIn("repassword", "pw-second");
        HttpResponse<byte[]> relisted = send("/api/gallery/repassword/photos", newGuest, "If-None-Match",
                listed.headers().firstValue("ETag").orElseThrow());
        assertThat(relisted.statusCode()).isEqualTo(200);
        String fresh = urlOf(json(relisted), photo, "thumbnails", "t300");
        assertThat(fresh).isNotEqualTo(thumb);
        assertThat(get(fresh, null).statusCode()).isEqualTo(200);

        // an open gallery that is given a password: its public URLs end too
        HttpResponse<byte[]> created = admin("POST", "/api/admin/events", "{\"slug\":\"opened\",\"title\":\"t\"}");
        assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        String openPhoto = upload("opened", "f.jpg", 56);
        String openThumb = urlOf(json(get("/api/gallery/opened/photos", null)), openPhoto, "thumbnails", "t300");
        HttpResponse<byte[]> open = get(openThumb, null);
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue("Cache-Control").orElseThrow()).startsWith("public");
        assertThat(admin("PATCH", "/api/admin/events/opened", "{\"password\":\"pw-closed\"}").statusCode())
                .isEqualTo(200);
        assertError(get(openThumb, null), 403, "access_token_invalid", "list the gallery again");
    }

    @Test
    void aSignedUrlOpensOnlyAsListed_andAssetsOnlyAtThisBuildsVersion() throws Exception {
        createEvent("one-spelling", "pw-spelling");
        String photo = upload("one-spelling", "g.jpg", 57);
        String thumb = urlOf(json(get("/api/gallery/one-spelling/photos", signIn("one-spelling", "pw-spelling"))),
                photo, "thumbnails", "t300");
        assertThat(get(thumb, null).statusCode()).isEqualTo(200);
        String path = thumb.substring(0, thumb.indexOf('?'));
        String token = thumb.substring(thumb.indexOf("?sig=") + "?sig=".length());
        // each of these was the same image under another cache key: now only the listed spelling opens it
        for (String respelled : List.of(thumb + "&x=1", path + "?x=1&sig=" + token, thumb + "&sig=" + token,
                path + "?sig=0" + token, path + "?sig=%2B" + token, path + "?%73ig=" + token,
                path + "?sig=" + token.replace(".", "%2E"))) {
            assertError(get(respelled, null), 403, "access_token_invalid", "list the gallery again");
        }

        String current = "/assets/gallery.js?v=" + HtmlPages.ASSETS_VERSION;
        assertThat(get(current, null).statusCode()).isEqualTo(200);
        assertThat(get("/assets/gallery.js", null).statusCode()).isEqualTo(200);
        for (String other : List.of("/assets/gallery.js?v=0123abcd", "/assets/gallery.js?v=",
                current + "&v=0123abcd")) {
            HttpResponse<byte[]> answer = get(other, null);
            assertError(answer, 404, "not_found", HtmlPages.ASSETS_VERSION);
            assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        }
    }

    @Test
    void atEnhancedAndMaximum_tierUrlsAreNotSigned_andStayPerGuest() throws Exception {
        createEvent("traced-tiers", "pw-traced");
        String photo = upload("traced-tiers", "a.jpg", 61);
        String guest = signIn("traced-tiers", "pw-traced");
        String signedThumb = urlOf(json(get("/api/gallery/traced-tiers/photos", guest)), photo, "thumbnails", "t300");
        assertThat(get(signedThumb, null).statusCode()).isEqualTo(200);

        for (String level : List.of("enhanced", "maximum")) {
            admin("PATCH", "/api/admin/events/traced-tiers", "{\"protectionLevel\":\"" + level + "\"}");
            JsonNode listing = json(get("/api/gallery/traced-tiers/photos", guest));
            assertThat(tierUrls(listing)).as(level).noneMatch(url -> url.contains("sig="));
            // the signature of the standard days opens nothing now, and the guest's own request is never shared
            assertError(get(signedThumb, null), 403, "access_token_invalid", "");
            HttpResponse<byte[]> own = get(urlOf(listing, photo, "thumbnails", "t300"), guest);
            assertThat(own.statusCode()).as(level).isEqualTo(200);
            assertThat(own.headers().firstValue("Cache-Control")).as(level).hasValue("private, no-store");
        }
    }

    private static List<String> tierUrls(JsonNode listing) {
        List<String> urls = new ArrayList<>();
        for (JsonNode photo : listing.get("photos")) {
            photo.get("thumbnails").forEach(t -> urls.add(t.get("url").asText()));
            photo.get("previews").forEach(t -> urls.add(t.get("url").asText()));
        }
        return urls;
    }

    @Test
    void aSharedCacheKeepsATierNoLongerThanTheGallery_andAStaleUrlOfAnOpenGallery_fallsBackToTheGuestsOwnAnswer()
            throws Exception {
        Instant closes = clock.instant().plus(Duration.ofMinutes(30));
        HttpResponse<byte[]> created = admin("POST", "/api/admin/events", "{\"slug\":\"closing-soon\",\"title\":\"t\","
                + "\"expiresAt\":\"" + closes + "\"}");
        assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        String photo = upload("closing-soon", "d.jpg", 54);
        String thumb = urlOf(json(get("/api/gallery/closing-soon/photos", null)), photo, "thumbnails", "t300");

        HttpResponse<byte[]> image = get(thumb, null);
        assertThat(image.statusCode()).isEqualTo(200);
        // the token runs past the gallery's end: the CDN keeps the answer only until the gallery closes
        assertThat(image.headers().firstValue("Cache-Control")).contains("public, max-age=" + Duration.ofMinutes(30).getSeconds());

        // no password, so no session is needed: a forged signature gets the guest's own (private) answer, not a 403
        HttpResponse<byte[]> forged = get(thumb.substring(0, thumb.indexOf('?')) + "?sig=9999999999.forged", null);
        assertThat(forged.statusCode()).isEqualTo(200);
        assertThat(forged.headers().firstValue("Cache-Control").orElseThrow()).startsWith("private");
    }

    private static String urlOf(JsonNode listing, String photoId, String group, String tier) {
        for (JsonNode photo : listing.get("photos")) {
            if (photo.get("id").asText().equals(photoId)) {
                for (JsonNode t : photo.get(group)) {
                    if (t.get("tier").asText().equals(tier)) {
                        return t.get("url").asText();
                    }
                }
            }
        }
        throw new AssertionError("no " + tier + " of " + photoId + " in " + listing);
    }

    private static String upload(String slug, String filename, long seed) throws Exception {
        // 1600 x 1200: two thumbnails and two previews (1280, and 1600 as the one that reaches the photo)
        Multipart form = new Multipart().file(filename, TestImages.jpeg(TestImages.noisyHalves(1600, 1200, seed)));
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/admin/events/" + slug
                        + "/photos")).timeout(Duration.ofSeconds(30)).header("Content-Type", form.contentType())
                .header("Authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        return json(response).get("results").get(0).get("photo").get("id").asText();
    }

    private static void createEvent(String slug, String password) throws Exception {
        HttpResponse<byte[]> created = admin("POST", "/api/admin/events", "{\"slug\":\"" + slug + "\",\"title\":\"" + slug
                + "\",\"password\":\"" + password + "\"}");
        assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    }

    private static String signIn(String slug, String password) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/gallery/" + slug + "/auth"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response).get("token").asText();
    }

    private static HttpResponse<byte[]> admin(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> get(String path, String session) throws Exception {
        return send(path, session);
    }

    private static HttpResponse<byte[]> send(String path, String session, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        if (session != null) {
            request.header("Authorization", "Bearer " + session);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
