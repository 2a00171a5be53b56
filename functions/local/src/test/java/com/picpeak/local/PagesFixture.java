package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.catalog.Photo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/** A running local server and its admin API, to set up what the page tests then use in the browser. */
final class PagesFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_TOKEN = "page-tests-admin-token-0123456789";

    final LocalServer server;
    final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PagesFixture(LocalServer server) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.port();
    }

    /** The real local server on a random port with this environment (data folder, backend ...). */
    static PagesFixture start(Map<String, String> env) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("PORT", "0");
        all.put("ADMIN_TOKEN", ADMIN_TOKEN);
        return new PagesFixture(LocalServer.start(all));
    }

    JsonNode createEvent(String slug, String title, String password) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("slug", slug);
        body.put("title", title);
        if (password != null) {
            body.put("password", password);
        }
        return expect(201, "POST", "/api/admin/events", "application/json", JSON.writeValueAsBytes(body));
    }

    JsonNode patchEvent(String slug, String json) throws Exception {
        return expect(200, "PATCH", "/api/admin/events/" + slug, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** Uploads the files (name to bytes, in order) in one multipart request. */
    JsonNode upload(String slug, Map<String, byte[]> files) throws Exception {
        String boundary = "pages-test-boundary";
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
                    + file.getKey() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            form.writeBytes(file.getValue());
            form.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        form.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return expect(201, "POST", "/api/admin/events/" + slug + "/photos", "multipart/form-data; boundary=" + boundary,
                form.toByteArray());
    }

    List<String> photoFilenames(String slug) throws Exception {
        return expect(200, "GET", "/api/admin/events/" + slug + "/photos?limit=500", null, null).get("photos")
                .findValuesAsText("filename");
    }

    /** Sends raw bytes to an admin route (a watermark PNG ...). */
    JsonNode put(String path, String contentType, byte[] body) throws Exception {
        return expect(200, "PUT", path, contentType, body);
    }

    /** An admin POST of JSON that creates something (201), e.g. a guest. */
    JsonNode post(String path, String json) throws Exception {
        return expect(201, "POST", path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    JsonNode admin(String method, String path) throws Exception {
        return expect(200, method, path, null, null);
    }

    /** The error body of an admin request that must be refused with this status (409 ...). */
    JsonNode refused(int status, String method, String path) throws Exception {
        return expect(status, method, path, null, null);
    }

    /** The status an admin request answers (404 for an event that is gone ...). */
    int adminStatus(String method, String path) throws Exception {
        return send(method, path, null, null, true).statusCode();
    }

    /** A request without the admin token, as a guest's browser would send it. */
    HttpResponse<byte[]> guest(String method, String path) throws Exception {
        return send(method, path, null, null, false);
    }

    /** Starts a job (archive, restore, delete ...): the 202's job, after checking its Location. */
    JsonNode startJob(String method, String path) throws Exception {
        HttpResponse<byte[]> response = send(method, path, null, null, true);
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() != 202) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ", not 202: " + text);
        }
        JsonNode job = JSON.readTree(text);
        String location = response.headers().firstValue("Location").orElse(null);
        if (!("/api/admin/jobs/" + job.get("id").asText()).equals(location) || !job.get("url").asText().equals(location)) {
            throw new AssertionError(method + " " + path + " answered Location " + location + " for " + text);
        }
        return job;
    }

    /** The job once it has succeeded or failed. */
    JsonNode awaitJob(JsonNode job, Duration atMost) {
        AtomicReference<JsonNode> last = new AtomicReference<>(job);
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            last.set(admin("GET", job.get("url").asText()));
            return Set.of("succeeded", "failed").contains(last.get().get("state").asText());
        });
        return last.get();
    }

    /** The jobs the list answers for this query ("kind=event.archive&state=succeeded"), newest first. */
    List<JsonNode> jobs(String query) throws Exception {
        List<JsonNode> jobs = new ArrayList<>();
        admin("GET", "/api/admin/jobs?" + query).get("jobs").forEach(jobs::add);
        return jobs;
    }

    /** The storage keys of an event's originals, from the catalog. */
    List<String> originalKeys(String slug) {
        try (Stream<Photo> photos = server.runtime().catalog().allPhotos(slug)) {
            return photos.map(Photo::key).toList();
        }
    }

    boolean stored(String key) {
        return server.runtime().store().head(key).isPresent();
    }

    /** Opens the admin page at path in the browser, signed out first, and signs in with the admin token. */
    void signIn(HeadlessChromium browser, String path) {
        browser.open(base + path);
        browser.script("sessionStorage.clear()");
        browser.open(base + path);
        browser.visible("#token").sendKeys(ADMIN_TOKEN);
        browser.find("#sign-in button").click();
        browser.until(d -> browser.findAll("#sign-in").isEmpty());
    }

    private JsonNode expect(int status, String method, String path, String contentType, byte[] body) throws Exception {
        HttpResponse<byte[]> response = send(method, path, contentType, body, true);
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() != status) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ", not " + status + ": " + text);
        }
        return text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
    }

    private HttpResponse<byte[]> send(String method, String path, String contentType, byte[] body, boolean asAdmin)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (asAdmin) {
            request.header("Authorization", "Bearer " + ADMIN_TOKEN);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        server.close();
    }
}
