package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.app.PicPeakRuntime;
import jakarta.servlet.ServletContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests are bounded before anyone is authenticated, over real HTTP against the app on an embedded server (local
 * mode's shape). Bodies of 300 MB are generated while they are sent; the spool folders (the server's temp folder and
 * the data folder) and the heap are watched while the bytes go: an early 401 or 413, and nothing spooled or held
 * beyond a small bound.
 */
class RequestLimitsHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long MB = 1024 * 1024;
    static final long BIG = 300 * MB;
    /** Set for this server: the largest photo, and the largest upload request (all its files). */
    static final long MAX_FILE = 20 * MB;
    static final long MAX_REQUEST = 64 * MB;
    /** What a refused body may leave in the spool or the heap at most: far below the bodies sent. */
    static final long SMALL = 4 * MB;
    static final long HEAP_SLACK = 48 * MB;
    static final String BEARER = "Bearer " + TestRuntimes.ADMIN_TOKEN;
    static final String EVENT = "limits";

    @TempDir
    static Path dataDir;
    static ConfigurableApplicationContext app;
    static PicPeakRuntime runtime;
    static StreamedRequest http;

    @BeforeAll
    static void start() throws Exception {
        runtime = TestRuntimes.local(dataDir, Map.of("PICPEAK_MAX_UPLOAD_BYTES", String.valueOf(MAX_FILE),
                "PICPEAK_MAX_UPLOAD_REQUEST_BYTES", String.valueOf(MAX_REQUEST)));
        RuntimeHolder.install(runtime);
        app = SpringApplication.run(PicPeakApiApp.class, "--server.port=0");
        ServletWebServerApplicationContext web = (ServletWebServerApplicationContext) app;
        Path serverTemp = ((File) web.getServletContext().getAttribute(ServletContext.TEMPDIR)).toPath();
        http = new StreamedRequest(web.getWebServer().getPort(), List.of(serverTemp, dataDir));
        assertThat(json("POST", "/api/admin/events", BEARER, "{\"slug\":\"" + EVENT + "\",\"title\":\"Limits\"}").status())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        app.close();
        runtime.close();
    }

    @Test
    void anUnauthenticatedUpload_is401_beforeItsBodyIsSpooled() throws Exception {
        for (boolean chunked : new boolean[] {false, true}) {
            StreamedRequest.Outcome outcome = http.send("POST", "/api/admin/events/" + EVENT + "/photos",
                    Map.of("Content-Type", multipartType()), multipart(1, BIG), chunked);

            assertError(outcome, 401, "unauthorized", "Authorization: Bearer");
            assertNothingKept(outcome);
        }
        StreamedRequest.Outcome wrongToken = http.send("POST", "/api/admin/events/" + EVENT + "/photos",
                Map.of("Content-Type", multipartType(), "Authorization", "Bearer wrong-token-0123456789"),
                multipart(1, BIG), true);
        assertError(wrongToken, 401, "unauthorized", "wrong");
        assertNothingKept(wrongToken);
        assertCatalogUnchanged();
    }

    @Test
    void aMultipartBody_toAnyOtherRoute_isRefusedBeforeItIsSpooled() throws Exception {
        StreamedRequest.Outcome outcome = http.send("POST", "/api/gallery/" + EVENT + "/auth",
                Map.of("Content-Type", multipartType()), multipart(1, BIG), true);

        assertError(outcome, 415, "unsupported_media_type", "multipart");
        assertNothingKept(outcome);
    }

    @Test
    void anUploadOverTheRequestTotal_is413_withoutSpoolingTheRest() throws Exception {
        StreamedRequest.Outcome declared = http.send("POST", "/api/admin/events/" + EVENT + "/photos",
                Map.of("Content-Type", multipartType(), "Authorization", BEARER), multipart(1, BIG), false);

        assertError(declared, 413, "request_too_large", "PICPEAK_MAX_UPLOAD_REQUEST_BYTES");
        assertNothingKept(declared);

        // no Content-Length: refused as soon as the total is crossed; 30 files of 10 MB, each under the file limit
        StreamedRequest.Outcome streamed = http.send("POST", "/api/admin/events/" + EVENT + "/photos",
                Map.of("Content-Type", multipartType(), "Authorization", BEARER), multipart(30, 10 * MB), true);

        assertError(streamed, 413, "request_too_large", "PICPEAK_MAX_UPLOAD_REQUEST_BYTES");
        assertThat(streamed.sentBeforeAnswer()).as(streamed.toString()).isLessThan(BIG);
        assertThat(streamed.peakSpoolBytes()).as(streamed.toString()).isLessThanOrEqualTo(MAX_REQUEST + SMALL);
        assertCatalogUnchanged();
    }

    @Test
    void aFileOverTheUploadLimit_is413_withoutSpoolingTheRest() throws Exception {
        for (boolean chunked : new boolean[] {false, true}) {
            // declared: 40 MB, under the request total, so only the file's own limit can stop it
            long size = chunked ? BIG : 40 * MB;
            StreamedRequest.Outcome outcome = http.send("POST", "/api/admin/events/" + EVENT + "/photos",
                    Map.of("Content-Type", multipartType(), "Authorization", BEARER), multipart(1, size), chunked);

            assertError(outcome, 413, "file_too_large", "PICPEAK_MAX_UPLOAD_BYTES");
            assertThat(outcome.sentBeforeAnswer()).as(outcome.toString()).isLessThan(size);
            assertThat(outcome.peakSpoolBytes()).as(outcome.toString()).isLessThanOrEqualTo(MAX_FILE + SMALL);
        }
        assertCatalogUnchanged();
    }

    @Test
    void aHugeJsonBody_toTheGuestSignIn_is413_withoutGrowingTheHeap() throws Exception {
        for (boolean chunked : new boolean[] {false, true}) {
            StreamedRequest.Outcome outcome = http.send("POST", "/api/gallery/" + EVENT + "/auth",
                    Map.of("Content-Type", "application/json"), paddedJson(BIG), chunked);

            assertError(outcome, 413, "request_too_large", "PICPEAK_MAX_GUEST_BODY_BYTES");
            assertNothingKept(outcome);
        }
    }

    @Test
    void thePhotoAccessRoute_andAdminJson_areCappedToo() throws Exception {
        StreamedRequest.Outcome access = http.send("POST", "/api/gallery/" + EVENT + "/photos/0m3x7k2q1ab4cd9ef/access",
                Map.of("Content-Type", "application/json"), paddedJson(64 * 1024), true);
        assertError(access, 413, "request_too_large", "PICPEAK_MAX_GUEST_BODY_BYTES");

        StreamedRequest.Outcome admin = http.send("POST", "/api/admin/events",
                Map.of("Content-Type", "application/json", "Authorization", BEARER),
                new StreamedRequest.Body().add("{\"slug\":\"too-big\",\"title\":\"").add(new byte[] {'t'}, 2 * MB).add("\"}"),
                false);
        assertError(admin, 413, "request_too_large", "PICPEAK_MAX_ADMIN_JSON_BYTES");
        assertThat(json("GET", "/api/admin/events/too-big", BEARER, null).status()).isEqualTo(404);

        StreamedRequest.Outcome small = json("POST", "/api/gallery/" + EVENT + "/auth", null, "{\"password\":null}");
        assertThat(small.status()).as(small.toString()).isEqualTo(200);
    }

    @Test
    void deeplyNestedJson_andOverlongNumbers_areRefusedByTheParser() throws Exception {
        StreamedRequest.Outcome nested = json("POST", "/api/gallery/" + EVENT + "/auth", null,
                "{\"password\":" + "[".repeat(200) + "]".repeat(200) + "}");
        assertError(nested, 400, "invalid_request", "nest");

        StreamedRequest.Outcome number = json("POST", "/api/gallery/" + EVENT + "/auth", null,
                "{\"password\":" + "7".repeat(500) + "}");
        assertError(number, 400, "invalid_request", "number");
    }

    // --- helpers ---

    static final String BOUNDARY = "----picpeaklimits";

    static String multipartType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    /** {@code files} parts of about {@code bytesPerFile} each, starting like a JPEG. */
    static StreamedRequest.Body multipart(int files, long bytesPerFile) {
        byte[] filler = new byte[64 * 1024];
        Arrays.fill(filler, (byte) 'x');
        StreamedRequest.Body body = new StreamedRequest.Body();
        for (int i = 0; i < files; i++) {
            body.add((i == 0 ? "" : "\r\n") + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files\"; "
                    + "filename=\"big-" + i + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
            body.add(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}, 1);
            body.add(filler, bytesPerFile / filler.length);
        }
        return body.add("\r\n--" + BOUNDARY + "--\r\n");
    }

    /** A valid JSON sign-in of about {@code size} bytes: a password and a long array of strings a parser would keep. */
    static StreamedRequest.Body paddedJson(long size) {
        byte[] item = ("\"" + "a".repeat(60) + "\",").getBytes(StandardCharsets.US_ASCII);
        return new StreamedRequest.Body().add("{\"password\":\"x\",\"pad\":[").add(item, size / item.length).add("\"end\"]}");
    }

    static StreamedRequest.Outcome json(String method, String path, String authorization, String body) throws Exception {
        Map<String, String> headers = authorization == null ? Map.of("Content-Type", "application/json")
                : Map.of("Content-Type", "application/json", "Authorization", authorization);
        return http.send(method, path, headers, new StreamedRequest.Body().add(body == null ? "" : body), false);
    }

    static void assertError(StreamedRequest.Outcome outcome, int status, String code, String messagePart) throws Exception {
        System.out.println(outcome); // the figures of each request, in the test's output
        assertThat(outcome.status()).as(outcome.toString()).isEqualTo(status);
        assertThat(outcome.headers().get("content-type")).as(outcome.toString()).startsWith("application/json");
        JsonNode json = JSON.readTree(outcome.body());
        assertThat(json.get("error").asText()).as(outcome.toString()).isEqualTo(code);
        assertThat(json.get("message").asText()).as(outcome.toString()).contains(messagePart);
    }

    /** Answered long before the body was sent, with (about) nothing spooled or held meanwhile. */
    static void assertNothingKept(StreamedRequest.Outcome outcome) {
        assertThat(outcome.sentBeforeAnswer()).as(outcome.toString()).isLessThan(outcome.bodyLength() / 4);
        assertThat(outcome.peakSpoolBytes()).as(outcome.toString()).isLessThan(SMALL);
        assertThat(outcome.peakHeapGrowth()).as(outcome.toString()).isLessThan(HEAP_SLACK);
    }

    /** Bad input stores nothing: no photo row, no revision, no object under the event's folder. */
    static void assertCatalogUnchanged() throws Exception {
        JsonNode event = JSON.readTree(json("GET", "/api/admin/events/" + EVENT, BEARER, null).body());
        assertThat(event.get("photoCount").asInt()).isZero();
        assertThat(event.get("revision").asInt()).isZero();
        Path folder = dataDir.resolve("storage/events/active/" + EVENT);
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.walk(folder)) {
                assertThat(files.filter(Files::isRegularFile)).isEmpty();
            }
        }
    }
}
