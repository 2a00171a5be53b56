package com.picpeak.api;

import com.picpeak.protect.FingerprintedDelivery;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.picpeak.api.lambda.AdminHandler;
import com.picpeak.api.lambda.DownloadHandler;
import com.picpeak.api.lambda.GalleryHandler;
import com.picpeak.api.lambda.UploadHandler;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobState;
import com.picpeak.protect.ImageProtection;
import com.picpeak.storage.PresignedLinks;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three Lambda entries in-process, fed API Gateway HTTP API (payload 2.0) events, in the serverless
 * shape on the S3 backend: JSON, binary (base64) images, and the presigned redirect above the inline cap.
 */
class LambdaHandlersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int INLINE_CAP = ServerlessTestRuntime.INLINE_CAP;
    static ServerlessTestRuntime serverless;
    static PicPeakRuntime runtime;

    @BeforeAll
    static void install() {
        serverless = ServerlessTestRuntime.get();
        runtime = serverless.runtime;
    }

    @Test
    void adminUploadAndGalleryFunctions_workTogether() throws Exception {
        JsonNode created = invoke(new AdminHandler(), event("POST", "/api/admin/events", Map.of(
                "authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type", "application/json"),
                "{\"slug\":\"lambda\",\"title\":\"Lambda\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(created.get("statusCode").asInt()).as(created.toString()).isEqualTo(201);

        byte[] small = TestImages.jpeg(TestImages.noisyHalves(120, 90, 1));
        byte[] large = TestImages.jpeg(TestImages.noisyHalves(800, 600, 2));
        assertThat(small.length).isLessThan(INLINE_CAP);
        assertThat(large.length).isGreaterThan(INLINE_CAP);
        Multipart form = new Multipart().file("small.jpg", small).file("large.jpg", large);
        JsonNode uploaded = invoke(new UploadHandler(), event("POST", "/api/admin/events/lambda/photos", Map.of(
                "authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type", form.contentType()), form.body()));
        assertThat(uploaded.get("statusCode").asInt()).as(uploaded.toString()).isEqualTo(201);

        JsonNode listing = invoke(new GalleryHandler(), event("GET", "/api/gallery/lambda/photos", Map.of(), null));
        assertThat(listing.get("statusCode").asInt()).isEqualTo(200);
        JsonNode photos = JSON.readTree(listing.get("body").asText()).get("photos");
        assertThat(photos.findValuesAsText("filename")).containsExactly("small.jpg", "large.jpg");

        JsonNode smallPhoto = invoke(new GalleryHandler(), event("GET", photos.get(0).get("url").asText(), Map.of(), null));
        assertThat(smallPhoto.get("statusCode").asInt()).isEqualTo(200);
        assertThat(smallPhoto.get("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(smallPhoto.get("body").asText())).isEqualTo(small);

        JsonNode largePhoto = invoke(new GalleryHandler(), event("GET", photos.get(1).get("url").asText(), Map.of(), null));
        assertThat(largePhoto.get("statusCode").asInt()).isEqualTo(302);
        String location = largePhoto.get("headers").get("Location").asText();
        HttpResponse<byte[]> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(location)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(large);
        assertThat(location).contains("X-Amz-Expires=60");
    }

    @Test
    void thePages_andTheirAssets_areServedByTheFunctionsTheStackRoutesThemTo() throws Exception {
        invoke(new AdminHandler(), event("POST", "/api/admin/events", Map.of("authorization", "Bearer "
                + TestRuntimes.ADMIN_TOKEN, "content-type", "application/json"),
                "{\"slug\":\"pages\",\"title\":\"Pages\"}".getBytes(StandardCharsets.UTF_8)));

        JsonNode gallery = invoke(new GalleryHandler(), event("GET", "/gallery/pages", Map.of(), null));
        JsonNode script = invoke(new GalleryHandler(), event("GET", "/assets/gallery.js", Map.of(), null));
        JsonNode styles = invoke(new GalleryHandler(), event("GET", "/assets/picpeak.css", Map.of(), null));
        JsonNode admin = invoke(new AdminHandler(), event("GET", "/admin/events/pages", Map.of(), null));

        assertThat(gallery.get("statusCode").asInt()).isEqualTo(200);
        assertThat(gallery.get("body").asText()).contains("<h1>Pages</h1>").contains("data-photos-url=\"/api/gallery/pages/photos\"");
        assertThat(script.get("statusCode").asInt()).isEqualTo(200);
        assertThat(script.get("body").asText()).contains("function renderPhoto(");
        assertThat(styles.get("body").asText()).contains(".viewer");
        assertThat(admin.get("statusCode").asInt()).isEqualTo(200);
        assertThat(admin.get("body").asText()).contains("/assets/admin.js");
    }

    @Test
    void aDirectUpload_goesStraightToS3_thenThroughTheSameImport() throws Exception {
        Map<String, String> admin = Map.of("authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN,
                "content-type", "application/json");
        invoke(new AdminHandler(), event("POST", "/api/admin/events", admin,
                "{\"slug\":\"direct\",\"title\":\"Direct\"}".getBytes(StandardCharsets.UTF_8)));
        byte[] photo = TestImages.jpeg(TestImages.noisyHalves(640, 480, 3));

        JsonNode started = invoke(new UploadHandler(), event("POST", "/api/admin/events/direct/uploads", admin,
                "{\"filename\":\"DSC_0042.JPG\",\"contentType\":\"image/jpeg\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(started.get("statusCode").asInt()).as(started.toString()).isEqualTo(201);
        JsonNode upload = JSON.readTree(started.get("body").asText());
        HttpResponse<Void> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(upload.get("url").asText()))
                        .header("Content-Type", "image/jpeg").PUT(HttpRequest.BodyPublishers.ofByteArray(photo)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(put.statusCode()).isEqualTo(200);
        JsonNode completed = invoke(new UploadHandler(), event("POST", upload.get("completeUrl").asText(), admin,
                "{\"filename\":\"DSC_0042.JPG\"}".getBytes(StandardCharsets.UTF_8)));

        assertThat(completed.get("statusCode").asInt()).as(completed.toString()).isEqualTo(202);
        String jobId = JSON.readTree(completed.get("body").asText()).get("id").asText();
        JsonNode sameJob = invoke(new UploadHandler(), event("POST", upload.get("completeUrl").asText(), admin,
                "{\"filename\":\"DSC_0042.JPG\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(JSON.readTree(sameJob.get("body").asText()).get("id").asText()).as("asked again: the same job").isEqualTo(jobId);
        serverless.pump(() -> runtime.jobs().find(jobId).orElseThrow().state().finished(), 30_000);
        JsonNode imported = JSON.readTree(invoke(new AdminHandler(), event("GET", "/api/admin/jobs/" + jobId, admin, null))
                .get("body").asText()).get("result");
        assertThat(imported.get("key").asText()).isEqualTo("events/active/direct/DSC_0042.JPG");
        assertThat(imported.get("size").asLong()).isEqualTo(photo.length);
        assertThat(runtime.store().head("uploads/direct/" + upload.get("uploadId").asText())).isEmpty();
        JsonNode again = invoke(new UploadHandler(), event("POST", upload.get("completeUrl").asText(), admin,
                "{\"filename\":\"DSC_0042.JPG\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(again.get("statusCode").asInt()).as("its bytes are imported and gone").isEqualTo(404);
    }

    @Test
    void downloadAll_inTheServerlessShape_isBuiltAsynchronously_thenRedirected() throws Exception {
        Map<String, String> admin = Map.of("authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN,
                "content-type", "application/json");
        invoke(new AdminHandler(), event("POST", "/api/admin/events", admin,
                "{\"slug\":\"zip\",\"title\":\"Zip\"}".getBytes(StandardCharsets.UTF_8)));
        byte[] a = TestImages.jpeg(TestImages.noisyHalves(640, 480, 5));
        byte[] b = TestImages.jpeg(TestImages.noisyHalves(640, 480, 6));
        Multipart form = new Multipart().file("a.jpg", a).file("b.jpg", b);
        invoke(new UploadHandler(), event("POST", "/api/admin/events/zip/photos", Map.of(
                "authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type", form.contentType()), form.body()));
        assertThat(a.length + b.length).isGreaterThan(INLINE_CAP);

        JsonNode building = invoke(new DownloadHandler(), event("GET", "/gallery/zip/download-all", Map.of(), null));
        assertThat(building.get("statusCode").asInt()).as(building.toString()).isEqualTo(202);
        assertThat(building.get("headers").get("Retry-After").asText()).isEqualTo("5");

        JsonNode asked = invoke(new DownloadHandler(), event("HEAD", "/gallery/zip/download-all", Map.of(), null));
        assertThat(asked.get("statusCode").asInt()).as("the page asks with HEAD until it is ready").isEqualTo(202);
        serverless.pump(() -> runtime.downloadAll().current(runtime.catalog().findEvent("zip").orElseThrow()).ready(), 30_000);
        assertThat(runtime.jobs().list(null, JobKind.DOWNLOAD_ALL_BUILD, 10, null).items())
                .as("every poll found the same build: one job").singleElement()
                .satisfies(job -> assertThat(job.state()).isEqualTo(JobState.SUCCEEDED));
        JsonNode ready = invoke(new DownloadHandler(), event("GET", "/gallery/zip/download-all", Map.of(), null));
        assertThat(ready.get("statusCode").asInt()).isEqualTo(302);
        String link = ready.get("headers").get("Location").asText();
        assertThat(link).contains("X-Amz-Expires=" + PresignedLinks.MINIMUM.getSeconds());
        HttpResponse<byte[]> zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.body().length).isGreaterThan(a.length + b.length);

        invoke(new AdminHandler(), event("PATCH", "/api/admin/events/zip", admin,
                "{\"allowDirectS3Download\":true}".getBytes(StandardCharsets.UTF_8)));
        JsonNode direct = invoke(new DownloadHandler(), event("GET", "/gallery/zip/download-all", Map.of(), null));
        assertThat(direct.get("statusCode").asInt()).isEqualTo(302);
        assertThat(direct.get("headers").get("Location").asText()).contains("X-Amz-Expires=" + PresignedLinks.MINIMUM.getSeconds());

        JsonNode refused = invoke(new AdminHandler(), event("PATCH", "/api/admin/events/zip", admin,
                "{\"watermarkDownloads\":true,\"allowDirectS3Download\":true}".getBytes(StandardCharsets.UTF_8)));
        assertThat(refused.get("statusCode").asInt()).isEqualTo(409);
        JsonNode watermarked = invoke(new AdminHandler(), event("PATCH", "/api/admin/events/zip", admin,
                "{\"watermarkDownloads\":true}".getBytes(StandardCharsets.UTF_8)));
        assertThat(JSON.readTree(watermarked.get("body").asText()).get("allowDirectS3Download").asBoolean()).isFalse();
        JsonNode unwatermarked = invoke(new AdminHandler(), event("PATCH", "/api/admin/events/zip", admin,
                "{\"watermarkDownloads\":false}".getBytes(StandardCharsets.UTF_8)));
        assertThat(JSON.readTree(unwatermarked.get("body").asText()).get("allowDirectS3Download").asBoolean()).isFalse();
    }

    @Test
    void protectedImages_inTheServerlessShape_largeFingerprintedDownloadsByPresignedUrl_tilesInline() throws Exception {
        Map<String, String> admin = Map.of("authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type",
                "application/json");
        invoke(new AdminHandler(), event("POST", "/api/admin/events", admin,
                "{\"slug\":\"guarded\",\"title\":\"Guarded\",\"protectionLevel\":\"enhanced\"}".getBytes(StandardCharsets.UTF_8)));
        byte[] large = TestImages.jpeg(TestImages.noisyHalves(800, 600, 5));
        Multipart form = new Multipart().file("large.jpg", large);
        JsonNode uploaded = invoke(new UploadHandler(), event("POST", "/api/admin/events/guarded/photos", Map.of(
                "authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type", form.contentType()), form.body()));
        String id = JSON.readTree(uploaded.get("body").asText()).get("results").get(0).get("photo").get("id").asText();
        String session = JSON.readTree(invoke(new GalleryHandler(), event("POST", "/api/gallery/guarded/auth",
                Map.of("content-type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8))).get("body").asText())
                .get("token").asText();
        Map<String, String> guest = Map.of("authorization", "Bearer " + session, "content-type", "application/json");

        JsonNode grant = JSON.readTree(invoke(new GalleryHandler(), event("POST", "/api/gallery/guarded/photos/" + id
                + "/access", guest, "{\"purpose\":\"download\"}".getBytes(StandardCharsets.UTF_8))).get("body").asText());
        JsonNode download = invoke(new GalleryHandler(), event("GET", grant.get("url").asText(), guest, null));
        assertThat(download.get("statusCode").asInt()).as(download.toString()).isEqualTo(302);
        HttpResponse<byte[]> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(download.get("headers").get("Location").asText())).build(), HttpResponse.BodyHandlers.ofByteArray());
        String fingerprint = FingerprintedDelivery.readFingerprint(
                new ByteArrayInputStream(fetched.body())).orElseThrow();
        assertThat(fetched.body().length).isGreaterThan(large.length);
        assertThat(runtime.protection().access().lookup(fingerprint).orElseThrow().lastVariant()).isEqualTo("download");

        invoke(new AdminHandler(), event("PATCH", "/api/admin/events/guarded", admin,
                "{\"protectionLevel\":\"maximum\"}".getBytes(StandardCharsets.UTF_8)));
        JsonNode tiles = JSON.readTree(invoke(new GalleryHandler(), event("POST", "/api/gallery/guarded/photos/" + id
                + "/access", guest, null)).get("body").asText()).get("tiles");
        assertThat(tiles.get("items")).hasSize(9);
        JsonNode tile = invoke(new GalleryHandler(), event("GET", tiles.get("items").get(4).get("url").asText(), guest, null));
        assertThat(tile.get("statusCode").asInt()).isEqualTo(200);
        assertThat(tile.get("isBase64Encoded").asBoolean()).isTrue();
        byte[] tileBytes = Base64.getDecoder().decode(tile.get("body").asText());
        assertThat(TestImages.decode(tileBytes).getWidth()).isEqualTo(tiles.get("items").get(4).get("width").asInt());
        assertThat(FingerprintedDelivery.readFingerprint(new ByteArrayInputStream(tileBytes)))
                .contains(fingerprint);
    }

    @Test
    void aWrongAdminToken_isA401JsonAnswer() throws Exception {
        JsonNode response = invoke(new AdminHandler(), event("GET", "/api/admin/events",
                Map.of("authorization", "Bearer nope"), null));

        assertThat(response.get("statusCode").asInt()).isEqualTo(401);
        assertThat(JSON.readTree(response.get("body").asText()).get("error").asText()).isEqualTo("unauthorized");
    }

    @Test
    void aGuestBodyOverItsLimit_is413_inTheLambdaShapeToo() throws Exception {
        byte[] body = ("{\"password\":\"" + "x".repeat(8192) + "\"}").getBytes(StandardCharsets.UTF_8);

        JsonNode response = invoke(new GalleryHandler(), event("POST", "/api/gallery/anything/auth",
                Map.of("content-type", "application/json"), body));

        assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(413);
        JsonNode error = JSON.readTree(response.get("body").asText());
        assertThat(error.get("error").asText()).isEqualTo("request_too_large");
        assertThat(error.get("message").asText()).contains("PICPEAK_MAX_GUEST_BODY_BYTES");
    }

    /** An API Gateway HTTP API v2 event, as the service sends it. */
    static String event(String method, String path, Map<String, String> headers, byte[] body) throws Exception {
        String rawPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String query = path.contains("?") ? path.substring(path.indexOf('?') + 1) : "";
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", rawPath);
        event.put("rawQueryString", query);
        ObjectNode headerNode = event.putObject("headers");
        headerNode.put("host", "abc123.execute-api.eu-central-1.amazonaws.com");
        headers.forEach(headerNode::put);
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "123456789012");
        context.put("apiId", "abc123");
        context.put("domainName", "abc123.execute-api.eu-central-1.amazonaws.com");
        context.put("requestId", "req-1");
        context.put("routeKey", "$default");
        context.put("stage", "$default");
        context.put("timeEpoch", System.currentTimeMillis());
        ObjectNode http = context.putObject("http");
        http.put("method", method);
        http.put("path", rawPath);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "203.0.113.7");
        http.put("userAgent", "test");
        if (body != null) {
            event.put("body", Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", true);
        } else {
            event.put("isBase64Encoded", false);
        }
        return JSON.writeValueAsString(event);
    }

    static JsonNode invoke(RequestStreamHandler handler, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context());
        return JSON.readTree(out.toByteArray());
    }

    /** The Lambda context: only what the container asks for. */
    static Context context() {
        return context(30_000);
    }

    /** A Lambda context with this much time left. */
    static Context context(int remainingMillis) {
        LambdaLogger logger = new LambdaLogger() {
            public void log(String message) {
                System.out.println(message);
            }

            public void log(byte[] message) {
                System.out.println(new String(message, StandardCharsets.UTF_8));
            }
        };
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAwsRequestId" -> "req-1";
                    case "getRemainingTimeInMillis" -> remainingMillis;
                    case "getLogger" -> logger;
                    case "getFunctionName" -> "picpeak-test";
                    case "getMemoryLimitInMB" -> 1024;
                    default -> null;
                });
    }
}
