package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two local-mode instances on one shared catalog (DynamoDB Local as a server) and one bucket hold one download
 * limit: the grant is a conditional write in the catalog, not a count in either process.
 */
@Tag("processes")
class DownloadLimitsScaleOutTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "limits-scale-out-admin-token-0123456789";

    static DynamoDbLocalServer catalogServer;
    static TestS3Server s3;
    static String bucket;
    static Path scratch;
    static LocalServer a;
    static LocalServer b;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        scratch = Files.createTempDirectory("picpeak-limits-scale-out");
        catalogServer = DynamoDbLocalServer.inProcess();
        s3 = TestS3Server.start(Optional.empty());
        bucket = s3.createBucket();
        a = LocalServer.start(env(scratch.resolve("a")));
        b = LocalServer.start(env(scratch.resolve("b")));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (LocalServer server : new LocalServer[]{a, b}) {
            if (server != null) {
                server.close();
            }
        }
        if (s3 != null) {
            s3.stop();
        }
        if (catalogServer != null) {
            catalogServer.close();
        }
        BenchCommand.deleteTree(scratch);
    }

    static Map<String, String> env(Path dataDir) {
        Map<String, String> env = new HashMap<>(s3.env(bucket, "studio"));
        env.put("PICPEAK_DATA", dataDir.toString());
        env.put("PORT", "0");
        env.put("ADMIN_TOKEN", TOKEN);
        env.put("PICPEAK_CATALOG", "dynamodb");
        env.put("CATALOG_TABLE", "picpeak_limits");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", catalogServer.endpoint().toString());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "limits"); // DynamoDB Local 2 takes letters and digits only
        env.put("AWS_SECRET_ACCESS_KEY", "limits");
        return env;
    }

    @Test
    void concurrentDownloadsThroughBothInstances_grantExactlyTheLimit() throws Exception {
        HttpResponse<byte[]> created = ScaleOutTest.send(base(a) + "/api/admin/events", "POST", TOKEN, "application/json",
                "{\"slug\":\"shared-limit\",\"title\":\"Shared\",\"downloadLimit\":3}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
        HttpResponse<byte[]> uploaded = ScaleOutTest.send(base(a) + "/api/admin/events/shared-limit/photos", "POST", TOKEN,
                "multipart/form-data; boundary=b0undary", twentyPhotos());
        assertThat(uploaded.statusCode()).as(text(uploaded)).isEqualTo(201);
        List<String> ids = new ArrayList<>();
        for (JsonNode photo : JSON.readTree(ScaleOutTest.send(base(b) + "/api/gallery/shared-limit/photos?limit=200",
                "GET", null, null, null).body()).get("photos")) {
            ids.add(photo.get("id").asText());
        }
        assertThat(ids).hasSize(20);

        // WHEN 20 downloads of 20 photos start together, half through A, half through B
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String url = base(i % 2 == 0 ? a : b) + "/api/gallery/shared-limit/photos/" + ids.get(i) + "/download";
            statuses.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return ScaleOutTest.send(url, "GET", null, null, null).statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        go.countDown();
        List<Integer> done = statuses.stream().map(CompletableFuture::join).toList();
        pool.shutdown();

        // THEN three in all, whichever instance answered; each instance reads the same count
        assertThat(done.stream().filter(s -> s == 200).count()).isEqualTo(3);
        assertThat(done.stream().filter(s -> s == 403).count()).isEqualTo(17);
        for (LocalServer server : List.of(a, b)) {
            JsonNode info = JSON.readTree(ScaleOutTest.send(base(server) + "/api/gallery/shared-limit", "GET", null, null,
                    null).body());
            assertThat(info.get("downloads").get("used").asInt()).isEqualTo(3);
        }
    }

    private static byte[] twentyPhotos() {
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        for (int i = 0; i < 20; i++) {
            form.writeBytes(("--b0undary\r\nContent-Disposition: form-data; name=\"files\"; filename=\"IMG_" + i
                    + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            form.writeBytes(TestImages.jpeg(TestImages.noisyHalves(64, 48, 100 + i)));
            form.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        form.writeBytes("--b0undary--\r\n".getBytes(StandardCharsets.UTF_8));
        return form.toByteArray();
    }

    private static String base(LocalServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
