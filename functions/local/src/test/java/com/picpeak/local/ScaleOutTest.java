package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.autoimport.LocalFolderWatcher;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Local mode scaled out: two instances ({@code serve} in this JVM, A and B) behind no load balancer but the test
 * itself, on one DynamoDB Local running as a server ({@code PICPEAK_CATALOG=dynamodb}, {@code AWS_ENDPOINT_URL_DYNAMODB})
 * and one S3-compatible server. Whatever one instance did, the other sees, and whatever must happen once happens once
 * between them: imports, Download All builds, jobs (a third instance, a child JVM, is killed mid-job and a survivor
 * finishes it), password throttling.
 */
@Tag("processes")
class ScaleOutTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "scale-out-test-admin-token-0123456789";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static DynamoDbLocalServer catalogServer;
    static TestS3Server s3;
    static String bucket;
    static String prefix;
    static Path scratch;
    static LocalServer a;
    static LocalServer b;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        scratch = Files.createTempDirectory("picpeak-scale-out");
        catalogServer = DynamoDbLocalServer.inProcess();
        s3 = TestS3Server.start(Optional.empty());
        bucket = s3.createBucket();
        prefix = "studio";
        a = LocalServer.start(env(scratch.resolve("a"), "picpeak_scale_out"));
        b = LocalServer.start(env(scratch.resolve("b"), "picpeak_scale_out"));
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

    /**
     * What every instance of the deployment gets (docs/scale-out/compose.yaml sets the same): the shared catalog, the
     * shared bucket, one admin token, the S3 walker on; short leases and polls so that a takeover happens in seconds.
     */
    static Map<String, String> env(Path dataDir, String table) {
        Map<String, String> env = new HashMap<>(s3.env(bucket, prefix));
        env.put("PICPEAK_DATA", dataDir.toString());
        env.put("PORT", "0");
        env.put("ADMIN_TOKEN", TOKEN);
        env.put("PICPEAK_CATALOG", "dynamodb");
        env.put("CATALOG_TABLE", table);
        env.put("AWS_ENDPOINT_URL_DYNAMODB", catalogServer.endpoint().toString());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "scaleout"); // DynamoDB Local 2 takes letters and digits only
        env.put("AWS_SECRET_ACCESS_KEY", "scaleout");
        env.put("STORAGE_AUTO_IMPORT", "true");
        env.put("STORAGE_AUTO_IMPORT_INTERVAL_MS", "5000");
        env.put("PICPEAK_JOB_POLL_MS", "500");
        env.put("PICPEAK_JOB_STEP_MS", "1000"); // a walker's poll covers every event in one step
        env.put("PICPEAK_JOB_LEASE_MS", "2000");
        env.put("PICPEAK_PASSWORD_FREE_FAILURES", "2");
        env.put("PICPEAK_PASSWORD_BACKOFF_MS", "60000");
        env.put("PICPEAK_TRUSTED_PROXIES", "127.0.0.1"); // the load balancer (here: the test's own requests)
        return env;
    }

    /** Whether the server's folder watcher watches the event's folder. */
    static boolean watching(LocalServer server, String slug) {
        return server.folderWatcher().orElseThrow().lastRound().watching().contains(slug);
    }

    /** Whether the server's folder watcher has looked twice since {@code since} and has no file waiting to settle. */
    static boolean settledSince(LocalServer server, LocalFolderWatcher.Round since) {
        LocalFolderWatcher.Round now = server.folderWatcher().orElseThrow().lastRound();
        return now.number() >= since.number() + 2 && now.waiting() == 0;
    }

    static String base(LocalServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    @Test
    void aPhotoUploadedThroughA_isListedAndServedByB() throws Exception {
        createEvent(a, "{\"slug\":\"upload-a\",\"title\":\"Upload A\"}");
        byte[] photo = TestImages.jpeg(TestImages.noisyHalves(800, 600, 1));
        HttpResponse<byte[]> upload = upload(a, "upload-a", Map.of("IMG_1.jpg", photo));
        assertThat(upload.statusCode()).as(text(upload)).isEqualTo(201);

        JsonNode photos = json(send(base(b) + "/api/gallery/upload-a/photos", "GET", null, null, null)).get("photos");
        assertThat(photos.findValuesAsText("filename")).containsExactly("IMG_1.jpg");
        HttpResponse<byte[]> original = send(base(b) + photos.get(0).get("url").asText(), "GET", null, null, null);
        assertThat(original.statusCode()).isEqualTo(200);
        assertThat(original.body()).isEqualTo(photo);
        HttpResponse<byte[]> thumbnail = send(base(b) + photos.get(0).get("thumbnailUrl").asText(), "GET", null, null, null);
        assertThat(TestImages.decode(thumbnail.body()).getWidth()).isEqualTo(300);
        assertThat(json(send(base(b) + "/api/admin/events/upload-a", "GET", TOKEN, null, null)).get("photoCount").asInt())
                .isEqualTo(1);
    }

    @Test
    void aGuestSessionFromA_isAcceptedByB() throws Exception {
        createEvent(a, "{\"slug\":\"session\",\"title\":\"Session\",\"password\":\"open sesame\"}");
        upload(a, "session", Map.of("IMG_1.jpg", TestImages.jpeg(TestImages.noisyHalves(400, 300, 2))));
        assertThat(send(base(b) + "/api/gallery/session/photos", "GET", null, null, null).statusCode())
                .as("without a session").isEqualTo(401);

        HttpResponse<byte[]> auth = send(base(a) + "/api/gallery/session/auth", "POST", null, "application/json",
                "{\"password\":\"open sesame\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(auth.statusCode()).as(text(auth)).isEqualTo(200);
        String session = json(auth).get("token").asText();

        HttpResponse<byte[]> listed = send(base(b) + "/api/gallery/session/photos", "GET", session, null, null);
        assertThat(listed.statusCode()).as(text(listed)).isEqualTo(200);
        assertThat(json(listed).get("photos").findValuesAsText("filename")).containsExactly("IMG_1.jpg");
    }

    @Test
    void wrongPasswords_areCountedAcrossBothInstances_untilTheClientIsHeldBackOnEither() throws Exception {
        createEvent(a, "{\"slug\":\"guessing\",\"title\":\"Guessing\",\"password\":\"the right one\"}");
        String wrong = "a guess";
        String guesser = "203.0.113.7"; // as the load balancer (a trusted proxy: PICPEAK_TRUSTED_PROXIES) forwards it
        // two free failures (PICPEAK_PASSWORD_FREE_FAILURES=2), on A then B; the third, on A, holds the client back
        assertThat(auth(a, guesser, wrong).statusCode()).isEqualTo(401);
        assertThat(auth(b, guesser, wrong).statusCode()).isEqualTo(401);
        assertThat(auth(a, guesser, wrong).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> heldOnB = auth(b, guesser, "the right one");
        assertThat(heldOnB.statusCode()).as("held back by the failures counted on A and B").isEqualTo(429);
        assertThat(json(heldOnB).get("error").asText()).isEqualTo("too_many_requests");
        assertThat(auth(a, guesser, wrong).statusCode()).isEqualTo(429);
        assertThat(auth(b, "203.0.113.8", "the right one").statusCode())
                .as("another guest behind the same load balancer is not held back").isEqualTo(200);
    }

    private static HttpResponse<byte[]> auth(LocalServer server, String forwardedFor, String password) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base(server) + "/api/gallery/guessing/auth"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void downloadAll_requestedOnBothAtOnce_isBuiltOnce_withTheSameBytes_andANewPhotoMakesANewOne() throws Exception {
        createEvent(a, "{\"slug\":\"zipped\",\"title\":\"Zipped\"}");
        Map<String, byte[]> photos = new HashMap<>();
        for (int i = 1; i <= 3; i++) {
            photos.put("IMG_" + i + ".jpg", TestImages.jpeg(TestImages.noisyHalves(900, 600, 10 + i)));
        }
        assertThat(upload(a, "zipped", photos).statusCode()).isEqualTo(201);

        CompletableFuture<HttpResponse<byte[]>> fromA = CompletableFuture.supplyAsync(() -> get(base(a) + "/gallery/zipped/download-all"));
        CompletableFuture<HttpResponse<byte[]>> fromB = CompletableFuture.supplyAsync(() -> get(base(b) + "/gallery/zipped/download-all"));
        HttpResponse<byte[]> zipA = fromA.get();
        HttpResponse<byte[]> zipB = fromB.get();
        assertThat(zipA.statusCode()).isEqualTo(200);
        assertThat(zipB.statusCode()).isEqualTo(200);
        assertThat(zipB.body()).as("the same bytes from either instance").isEqualTo(zipA.body());
        assertThat(zipEntries(zipA.body())).containsOnlyKeys(photos.keySet());

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> buildJobs("zipped").stream().allMatch(job -> job.get("state").asText().equals("succeeded")));
        List<JsonNode> builds = buildJobs("zipped");
        assertThat(builds).as("one build for both requests").hasSize(1);
        String cacheFolder = prefix + "/events/active/zipped/.download-cache/";
        List<S3Object> cached = s3Client().listObjectsV2(r -> r.bucket(bucket).prefix(cacheFolder)).contents();
        assertThat(cached).hasSize(1);
        assertThat(s3Client().getObjectAsBytes(r -> r.bucket(bucket).key(cached.get(0).key())).asByteArray())
                .isEqualTo(zipA.body());
        HttpResponse<byte[]> fromCacheOnB = get(base(b) + "/gallery/zipped/download-all");
        assertThat(fromCacheOnB.body()).isEqualTo(zipA.body());
        String etag = fromCacheOnB.headers().firstValue("ETag").orElseThrow();

        // B's caches are keyed by the event's revision: a photo added through A is in B's next archive
        assertThat(upload(a, "zipped", Map.of("IMG_4.jpg", TestImages.jpeg(TestImages.noisyHalves(500, 400, 14))))
                .statusCode()).isEqualTo(201);
        HttpResponse<byte[]> afterUpload = get(base(b) + "/gallery/zipped/download-all");
        assertThat(afterUpload.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
        assertThat(zipEntries(afterUpload.body())).hasSize(4).containsKey("IMG_4.jpg");
    }

    @Test
    void bothWalkersPollingOnePrefix_importEachObjectOnce() throws Exception {
        createEvent(a, "{\"slug\":\"walked\",\"title\":\"Walked\"}");
        Map<String, String> shaByName = new HashMap<>();
        for (int i = 1; i <= 6; i++) {
            byte[] photo = TestImages.jpeg(TestImages.noisyHalves(600, 400, 20 + i));
            String name = "DROP_" + i + ".jpg";
            shaByName.put(name, TestData.sha256(photo));
            s3Client().putObject(r -> r.bucket(bucket).key(prefix + "/events/active/walked/" + name), RequestBody.fromBytes(photo));
        }
        // each walker's poll is a job: both instances try every 5 s, and two polls see an object before it is imported
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> json(send(base(b) + "/api/admin/events/walked", "GET", TOKEN, null, null)).get("photoCount").asInt() >= 6);
        Instant quietFrom = Instant.now();
        // a negative, proven over time: nothing is imported twice, and one poll runs per interval though both
        // instances' timers fire every 5 s. Only a window longer than two intervals tells the two apart (two timers
        // make about 2 d/5 s polls in d seconds, the claim at most d/5 s + 1), so this waits out two intervals
        Thread.sleep(11_000);
        Instant quietUntil = Instant.now();
        long polls = jobs("autoimport.poll").stream().map(job -> Instant.parse(job.get("createdAt").asText()))
                .filter(at -> at.isAfter(quietFrom) && at.isBefore(quietUntil)).count();
        assertThat(polls).as("both instances' timers fire every 5 s; one poll runs per interval")
                .isBetween(1L, Duration.between(quietFrom, quietUntil).toMillis() / 5000 + 1);
        JsonNode photos = json(send(base(a) + "/api/admin/events/walked/photos", "GET", TOKEN, null, null)).get("photos");
        assertThat(photos.findValuesAsText("filename")).containsExactlyInAnyOrderElementsOf(shaByName.keySet());
        for (JsonNode photo : photos) {
            assertThat(photo.get("sha256").asText()).isEqualTo(shaByName.get(photo.get("filename").asText()));
        }
        assertThat(json(send(base(a) + "/api/admin/events/walked", "GET", TOKEN, null, null)).get("revision").asInt())
                .as("one revision per photo: no import was undone or done twice").isEqualTo(6);
        List<String> originals = s3Client().listObjectsV2(r -> r.bucket(bucket).prefix(prefix + "/events/active/walked/"))
                .contents().stream().map(S3Object::key).filter(key -> !key.contains("/.")).toList();
        assertThat(originals).hasSize(6);
        List<String> thumbnails = s3Client().listObjectsV2(r -> r.bucket(bucket).prefix(prefix + "/thumbnails/walked/"))
                .contents().stream().map(S3Object::key).toList();
        assertThat(thumbnails).as("one thumbnail per photo").hasSize(6);
    }

    @Test
    void twoFolderWatchersOnASharedMount_importEachDroppedFileOnce() throws Exception {
        Path mount = Files.createDirectories(scratch.resolve("shared-mount"));
        Map<String, String> envA = env(scratch.resolve("mount-a"), "picpeak_shared_mount");
        envA.keySet().removeIf(name -> name.startsWith("STORAGE_"));
        envA.put("STORAGE_BACKEND", "local");
        envA.put("STORAGE_LOCAL_ROOT", mount.toString()); // NFS or EFS in a deployment
        Map<String, String> envB = new HashMap<>(envA);
        envB.put("PICPEAK_DATA", scratch.resolve("mount-b").toString());
        try (LocalServer mountA = LocalServer.start(envA); LocalServer mountB = LocalServer.start(envB)) {
            createEvent(mountA, "{\"slug\":\"dropped\",\"title\":\"Dropped\"}");
            Path folder = Files.createDirectories(mount.resolve("events/active/dropped"));
            Map<String, String> shaByName = new HashMap<>();
            // both watchers have found the new event (they look for events every 3 s), so both race for every file
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    watching(mountA, "dropped") && watching(mountB, "dropped"));
            for (int i = 1; i <= 8; i++) {
                byte[] photo = TestImages.jpeg(TestImages.noisyHalves(600, 400, 60 + i));
                shaByName.put("DSC_" + i + ".JPG", TestData.sha256(photo));
                Files.write(folder.resolve("DSC_" + i + ".JPG"), photo);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                    json(send(base(mountB) + "/api/admin/events/dropped", "GET", TOKEN, null, null)).get("photoCount").asInt() >= 8);
            // nothing waits to settle in either watcher, two rounds on: no second import can come
            LocalFolderWatcher.Round roundA = mountA.folderWatcher().orElseThrow().lastRound();
            LocalFolderWatcher.Round roundB = mountB.folderWatcher().orElseThrow().lastRound();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    settledSince(mountA, roundA) && settledSince(mountB, roundB));
            JsonNode photos = json(send(base(mountA) + "/api/admin/events/dropped/photos", "GET", TOKEN, null, null)).get("photos");
            assertThat(photos.findValuesAsText("filename")).containsExactlyInAnyOrderElementsOf(shaByName.keySet());
            assertThat(json(send(base(mountA) + "/api/admin/events/dropped", "GET", TOKEN, null, null)).get("revision").asInt())
                    .isEqualTo(8);
            try (var files = Files.list(folder)) {
                assertThat(files.map(f -> f.getFileName().toString()).filter(name -> !name.startsWith(".")))
                        .as("no file stored twice under another name").containsExactlyInAnyOrderElementsOf(shaByName.keySet());
            }
            try (var thumbnails = Files.list(mount.resolve("thumbnails/dropped"))) {
                assertThat(thumbnails.count()).isEqualTo(8);
            }
        }
    }

    @Test
    void anArchiveJobStartedOnAnInstanceThatIsKilled_isCompletedByAnother() throws Exception {
        Path childData = scratch.resolve("killed-" + UUID.randomUUID());
        Map<String, String> childEnv = env(childData, "picpeak_scale_out");
        int port = DynamoDbLocalServer.freePort();
        childEnv.put("PORT", String.valueOf(port));
        childEnv.put("PICPEAK_MAX_METADATA_BYTES", String.valueOf(4 * 1024 * 1024));
        childEnv.put("PICPEAK_JOB_STEP_MS", "50"); // a checkpoint after every part: killed between two of them
        String child = "http://127.0.0.1:" + port;
        Path log = Files.createDirectories(scratch).resolve("child-" + port + ".log");
        // 16 photos padded to 3 MB: an archive of about 10 parts of 5 MiB, one part per step
        List<byte[]> photos = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            photos.add(TestImages.withMetadata(TestImages.jpeg(TestImages.noisyHalves(400, 300, 40 + i)), 3_000_000));
        }
        Process killed = serve(childEnv, log);
        String job;
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> get(child + "/health").statusCode() == 200);
            assertThat(Files.readString(log)).as("serve says which catalog it uses")
                    .contains("catalog: shared, DynamoDB table 'picpeak_scale_out' at " + catalogServer.endpoint());
            assertThat(send(child + "/api/admin/events", "POST", TOKEN, "application/json",
                    "{\"slug\":\"killed\",\"title\":\"Killed\"}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
            Map<String, byte[]> files = new HashMap<>();
            for (int i = 0; i < photos.size(); i++) {
                files.put("IMG_" + i + ".jpg", photos.get(i));
            }
            HttpResponse<byte[]> uploaded = send(child + "/api/admin/events/killed/photos", "POST", TOKEN,
                    "multipart/form-data; boundary=b0undary", multipart(files));
            assertThat(uploaded.statusCode()).as(text(uploaded)).isEqualTo(201);

            HttpResponse<byte[]> accepted = send(child + "/api/admin/events/killed/archive", "POST", TOKEN, null, null);
            assertThat(accepted.statusCode()).isEqualTo(202);
            job = accepted.headers().firstValue("Location").orElseThrow();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
                JsonNode state = json(send(child + job, "GET", TOKEN, null, null));
                return state.get("state").asText().equals("running") && state.get("progress").get("done").asLong() > 0;
            });
        } finally {
            killed.destroyForcibly().waitFor(); // SIGKILL: its lease stays in the catalog until it runs out
        }
        String archiveKey = prefix + "/events/archived/killed.zip";
        JsonNode midway = json(send(base(b) + job, "GET", TOKEN, null, null));
        // mid-job: running a step, or waiting for its part job (queued, or running between two of its steps)
        assertThat(midway.get("state").asText()).as("A died mid-job").isIn("running", "queued");

        // nobody restarts A: the survivors' poll (PICPEAK_JOB_POLL_MS) finds the job once the lease has run out
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> json(send(base(b) + job, "GET", TOKEN, null, null)).get("state").asText().matches("succeeded|failed"));
        JsonNode archived = json(send(base(b) + job, "GET", TOKEN, null, null));
        assertThat(archived.get("state").asText()).as(archived.toString()).isEqualTo("succeeded");
        // no check of lastError: whether B took a step over from A's expired lease ("its worker stopped before the step
        // ended") or found the job waiting for its parts depends on where the kill landed; both end here
        assertThat(archived.get("result").get("photos").asInt()).isEqualTo(16);
        assertThat(s3Client().headObject(r -> r.bucket(bucket).key(archiveKey)).contentLength())
                .isEqualTo(archived.get("result").get("length").asLong());

        HttpResponse<byte[]> restore = send(base(b) + "/api/admin/events/killed/restore", "POST", TOKEN, null, null);
        assertThat(restore.statusCode()).isEqualTo(202);
        String restoreJob = restore.headers().firstValue("Location").orElseThrow();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> json(send(base(a) + restoreJob, "GET", TOKEN, null, null)).get("state").asText().matches("succeeded|failed"));
        assertThat(json(send(base(a) + restoreJob, "GET", TOKEN, null, null)).get("state").asText()).isEqualTo("succeeded");
        for (int i = 0; i < photos.size(); i++) {
            String key = prefix + "/events/active/killed/IMG_" + i + ".jpg";
            assertThat(TestData.sha256(s3Client().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray()))
                    .isEqualTo(TestData.sha256(photos.get(i)));
        }
    }

    @Test
    void backup_readsTheSharedCatalog_thatPicpeakCatalogNames(@TempDir Path backupDir) throws Exception {
        createEvent(a, "{\"slug\":\"backed-up\",\"title\":\"Backed up\"}");
        upload(b, "backed-up", Map.of("IMG_1.jpg", TestImages.jpeg(TestImages.noisyHalves(400, 300, 3))));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new PicPeakCli(env(scratch.resolve("backup"), "picpeak_scale_out"))
                .execute(new String[]{"backup", "--dir", backupDir.toString()}, new PrintWriter(out), new PrintWriter(err));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(Files.readString(backupDir.resolve("catalog.jsonl"))).contains("\"backed-up\"").contains("IMG_1.jpg");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theComposeFileOfTheDocs_setsOnlyVariablesTheseTestsSet() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("../../docs/scale-out/compose.yaml")));
        Map<String, Object> instance = (Map<String, Object>) compose.get("x-picpeak");
        Map<String, Object> settings = (Map<String, Object>) instance.get("environment");
        assertThat(settings).containsEntry("PICPEAK_CATALOG", "dynamodb").containsEntry("STORAGE_BACKEND", "s3");
        assertThat(env(scratch.resolve("compose"), "picpeak_scale_out").keySet()).containsAll(settings.keySet());
    }

    /** {@code picpeak serve} in a JVM of its own (SIGKILL-able), with the instances' settings. */
    private static Process serve(Map<String, String> env, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                PicPeakCli.class.getName(), "serve");
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    private static List<JsonNode> buildJobs(String slug) throws Exception {
        return jobs("downloadall.build").stream().filter(job -> job.get("target").asText().contains(slug)).toList();
    }

    private static List<JsonNode> jobs(String kind) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = json(send(base(a) + "/api/admin/jobs?kind=" + kind + "&limit=200"
                    + (cursor == null ? "" : "&cursor=" + cursor), "GET", TOKEN, null, null));
            page.get("jobs").forEach(all::add);
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        return all;
    }

    private static Map<String, byte[]> zipEntries(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static S3Client s3Client() {
        return s3.client(TestS3Server.SECRET_KEY);
    }

    private static void createEvent(LocalServer server, String body) throws Exception {
        HttpResponse<byte[]> created = send(base(server) + "/api/admin/events", "POST", TOKEN, "application/json",
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
    }

    private static HttpResponse<byte[]> upload(LocalServer server, String slug, Map<String, byte[]> files) throws Exception {
        return send(base(server) + "/api/admin/events/" + slug + "/photos", "POST", TOKEN,
                "multipart/form-data; boundary=b0undary", multipart(files));
    }

    private static byte[] multipart(Map<String, byte[]> files) {
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        files.forEach((name, bytes) -> {
            form.writeBytes(("--b0undary\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name
                    + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            form.writeBytes(bytes);
            form.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        });
        form.writeBytes("--b0undary--\r\n".getBytes(StandardCharsets.UTF_8));
        return form.toByteArray();
    }

    private static HttpResponse<byte[]> get(String url) {
        try {
            return send(url, "GET", null, null, null);
        } catch (Exception e) {
            throw new IllegalStateException(url, e);
        }
    }

    private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    static HttpResponse<byte[]> send(String url, String method, String bearer, String contentType, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
