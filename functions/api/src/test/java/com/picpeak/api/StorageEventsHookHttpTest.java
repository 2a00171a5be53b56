package com.picpeak.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.autoimport.PushImportLanes;
import com.picpeak.autoimport.PushImporter;
import com.picpeak.catalog.Photo;
import com.picpeak.storage.Keys;
import com.picpeak.storage.StorageConfig;
import com.picpeak.testing.StorageEventBodies;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static com.picpeak.api.ApiHttpTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/hooks/storage-events} over HTTP in local mode on the in-process S3 server: MinIO's webhook bodies
 * and S3 event records for objects put with a raw client, its bearer token, its body limit, replays and a burst.
 */
class StorageEventsHookHttpTest {
    static final String HOOK_TOKEN = "storage-events-token-0123456789";
    static final int CONCURRENCY = 3;
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dataDir;
    static ConfigurableApplicationContext app;
    static PicPeakRuntime runtime;
    static String base;
    static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static TestS3Server s3 = TestS3Server.shared();
    static String bucket;
    static S3Client raw;
    static AtomicLong sequencer = new AtomicLong(0x0064D3901D00000000L);

    @BeforeAll
    static void start() throws Exception {
        bucket = s3.createBucket();
        Map<String, String> env = new HashMap<>(s3.env(bucket, "studio"));
        env.put(StorageConfig.STORAGE_EVENTS_TOKEN, HOOK_TOKEN);
        env.put("PICPEAK_STORAGE_EVENTS_CONCURRENCY", Integer.toString(CONCURRENCY));
        runtime = TestRuntimes.local(dataDir, env);
        RuntimeHolder.install(runtime);
        app = SpringApplication.run(PicPeakApiApp.class, "--server.port=0");
        base = "http://127.0.0.1:" + ((ServletWebServerApplicationContext) app).getWebServer().getPort();
        raw = s3.client(TestS3Server.SECRET_KEY);
        for (String slug : List.of("live", "burst")) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/admin/events"))
                    .header("Authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"slug\":\"" + slug + "\",\"title\":\"" + slug + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        raw.close();
        app.close();
        runtime.close();
    }

    static String bucketKey(String slug, String filename) {
        return "studio/" + Keys.original(slug, filename);
    }

    /** Puts the photo as a camera's sync tool would; its ETag. */
    static String put(String slug, String filename, byte[] bytes) {
        return raw.putObject(b -> b.bucket(bucket).key(bucketKey(slug, filename)).contentType("image/jpeg"),
                RequestBody.fromBytes(bytes)).eTag().replace("\"", "");
    }

    static String nextSequencer() {
        return String.format("%018X", sequencer.incrementAndGet());
    }

    static HttpResponse<byte[]> notify(String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/hooks/storage-events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static List<String> filenames(String slug) {
        return runtime.catalog().listPhotos(slug, 1000, null).items().stream().map(Photo::filename).toList();
    }

    static byte[] jpeg(long seed) {
        return TestImages.jpeg(TestImages.noisyHalves(96, 64, seed));
    }

    static void awaitApplied() {
        await().atMost(Duration.ofMinutes(3)).until(() -> runtime.pushImportLanes().pending() == 0);
    }

    @Test
    void minioWebhookBodies_withUrlEncodedKeys_are202_andThePhotoIsListedSecondsLater() throws Exception {
        String name = "Erster Tanz #1 (100%).jpg";
        byte[] bytes = jpeg(1);
        String body = StorageEventBodies.minio("s3:ObjectCreated:Put", bucket, bucketKey("live", name), bytes.length,
                put("live", name, bytes), nextSequencer());

        HttpResponse<byte[]> answer = notify(body, HOOK_TOKEN);

        assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(202);
        assertThat(JSON.readTree(answer.body()).get("accepted").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> filenames("live").contains(name));
    }

    @Test
    void s3EventRecords_importEachRecord_andTheTestEventIsAccepted() throws Exception {
        byte[] a = jpeg(2);
        byte[] b = jpeg(3);
        String body = StorageEventBodies.s3Records(
                StorageEventBodies.s3Record("ObjectCreated:Put", bucket, bucketKey("live", "A 1+1.jpg"), a.length,
                        put("live", "A 1+1.jpg", a), nextSequencer()),
                StorageEventBodies.s3Record("ObjectCreated:CompleteMultipartUpload", bucket,
                        bucketKey("live", "B.jpg"), b.length, put("live", "B.jpg", b), nextSequencer()),
                StorageEventBodies.s3Record("ObjectCreated:Put", bucket, "studio/thumbnails/live/x.jpg", 1, "e",
                        nextSequencer()));

        assertThat(notify(body, HOOK_TOKEN).statusCode()).isEqualTo(202);
        HttpResponse<byte[]> test = notify(StorageEventBodies.s3TestEvent(bucket), HOOK_TOKEN);

        assertThat(test.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(test.body()).get("accepted").asInt()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> filenames("live").containsAll(List.of("A 1+1.jpg", "B.jpg")));
    }

    @Test
    void aNotificationDeliveredThreeMoreTimes_importsOnce() throws Exception {
        byte[] bytes = jpeg(4);
        String body = StorageEventBodies.minio("s3:ObjectCreated:Put", bucket, bucketKey("live", "replayed.jpg"),
                bytes.length, put("live", "replayed.jpg", bytes), nextSequencer());
        long duplicatesBefore = runtime.pushImportLanes().count(PushImporter.Outcome.DUPLICATE);

        for (int delivery = 0; delivery < 4; delivery++) {
            assertThat(notify(body, HOOK_TOKEN).statusCode()).isEqualTo(202);
        }
        awaitApplied();

        assertThat(filenames("live")).containsOnlyOnce("replayed.jpg");
        assertThat(runtime.pushImportLanes().count(PushImporter.Outcome.DUPLICATE) - duplicatesBefore).isEqualTo(3);
    }

    /** Over HTTP a burst of 120 (the domain test, PushImporterTest, delivers the 500 with duplicates). */
    @Test
    void aBurstOfObjects_importsEachOnce_withAtMostTheConfiguredConcurrency() throws Exception {
        for (int i = 0; i < 120; i++) {
            String name = String.format("IMG_%04d.JPG", i);
            byte[] bytes = jpeg(10_000 + i);
            String body = StorageEventBodies.minio("s3:ObjectCreated:Put", bucket, bucketKey("burst", name),
                    bytes.length, put("burst", name, bytes), nextSequencer());
            assertThat(notify(body, HOOK_TOKEN).statusCode()).isEqualTo(202);
        }
        awaitApplied();

        assertThat(filenames("burst")).hasSize(120).doesNotHaveDuplicates();
        PushImportLanes lanes = runtime.pushImportLanes();
        assertThat(lanes.mostInFlight()).isBetween(1, CONCURRENCY);
        assertThat(lanes.failed()).isZero();
    }

    @Test
    void aWrongOrMissingToken_is401_aBodyThatIsNotJson_is400_andAnOversizedBody_is413() throws Exception {
        String body = StorageEventBodies.s3TestEvent(bucket);
        assertError(notify(body, null), 401, "unauthorized", "Authorization: Bearer");
        assertError(notify(body, TestRuntimes.ADMIN_TOKEN), 401, "unauthorized", "wrong");
        assertError(notify("not json", HOOK_TOKEN), 400, "invalid_request", "JSON");
        String huge = "{\"Records\":[],\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        assertError(notify(huge, HOOK_TOKEN), 413, "request_too_large", "PICPEAK_MAX_ADMIN_JSON_BYTES");
    }
}
