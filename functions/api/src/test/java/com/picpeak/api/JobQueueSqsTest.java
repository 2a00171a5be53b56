package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.api.lambda.AdminHandler;
import com.picpeak.api.lambda.DownloadHandler;
import com.picpeak.api.lambda.UploadHandler;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.downloadall.DownloadAllService;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobJson;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobRunner;
import com.picpeak.jobs.JobState;
import com.picpeak.storage.BlobRead;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestImages;
import com.picpeak.zip.ZipParts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipInputStream;

import static com.picpeak.api.LambdaHandlersTest.event;
import static com.picpeak.api.LambdaHandlersTest.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The serverless job path end to end: the admin function submits jobs to a real SQS-compatible server
 * (ElasticMQ, in-process) and the worker function receives them as the event source mapping delivers them:
 * one message per batch, deleted unless reported as a batch item failure, delivered again after the
 * visibility timeout when a worker dies with it.
 */
class JobQueueSqsTest {
    static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN,
            "content-type", "application/json");
    static ServerlessTestRuntime serverless;
    static PicPeakRuntime runtime;

    @BeforeAll
    static void start() {
        serverless = ServerlessTestRuntime.get();
        runtime = serverless.runtime;
    }

    /**
     * What earlier tests' jobs left in the shared queue (a waiting build's next look, a duplicate wake) is delivered
     * before a test receives a message of its own: a worker finds those jobs finished and the messages go.
     */
    @BeforeEach
    void deliverWhatIsLeft() {
        serverless.pump(serverless::idle, 30_000);
    }

    @Test
    void archiveAndRestore_runOnTheWorkerFunction_throughTheQueue_inManyInvocations() throws Exception {
        List<Photo> photos = eventWithPhotos("queued", 4);

        JsonNode accepted = invoke(new AdminHandler(), event("POST", "/api/admin/events/queued/archive", ADMIN, null));
        assertThat(accepted.get("statusCode").asInt()).as(accepted.toString()).isEqualTo(202);
        String location = accepted.get("headers").get("Location").asText();
        assertThat(location).startsWith("/api/admin/jobs/j");

        int invocations = pump(location, 5_000);

        JsonNode archived = job(location);
        assertThat(archived.get("state").asText()).as(archived.toString()).isEqualTo("succeeded");
        assertThat(archived.get("result").get("photos").asInt()).isEqualTo(4);
        assertThat(invocations).as("worker invocations: each runs out of time and queues the rest")
                .isGreaterThanOrEqualTo(2 + 1 + 1 + 4); // check, hide, a part, complete, one per photo
        assertThat(runtime.store().head("events/archived/queued.zip")).isPresent();
        assertThat(runtime.store().head(photos.get(0).key())).isEmpty();

        JsonNode restore = invoke(new AdminHandler(), event("POST", "/api/admin/events/queued/restore", ADMIN, null));
        assertThat(restore.get("statusCode").asInt()).isEqualTo(202);
        String restoreJob = restore.get("headers").get("Location").asText();
        pump(restoreJob, 5_000);
        assertThat(job(restoreJob).get("state").asText()).isEqualTo("succeeded");
        for (Photo photo : photos) {
            try (BlobRead read = runtime.store().get(photo.key())) {
                assertThat(TestData.sha256(read.stream())).isEqualTo(photo.sha256());
            }
        }
        assertThat(runtime.catalog().findEvent("queued").orElseThrow().isArchived()).isFalse();
    }

    @Test
    void aWorkerThatDiesWithTheJob_isReplacedAfterTheVisibilityTimeoutAndTheLease_andTheJobCompletes() throws Exception {
        eventWithPhotos("dies", 3);
        JsonNode accepted = invoke(new AdminHandler(), event("DELETE", "/api/admin/events/dies", ADMIN, null));
        assertThat(accepted.get("statusCode").asInt()).isEqualTo(202);
        String location = accepted.get("headers").get("Location").asText();
        String id = location.substring(location.lastIndexOf('/') + 1);

        // A worker receives the message, makes some progress, then dies holding the job: its message is not
        // deleted, its lease is not given back.
        Message delivered = serverless.receive();
        assertThat(delivered.body()).contains(id);
        JobRunner doomed = runtime.jobRunner("worker-that-dies");
        assertThat(doomed.run(id, Instant.now().plusMillis(1))).isEqualTo(JobRunner.Outcome.CONTINUE); // hides it
        assertThat(doomed.run(id, Instant.now().plusMillis(1))).isEqualTo(JobRunner.Outcome.CONTINUE); // a delete
        Instant now = Instant.now();
        assertThat(runtime.jobs().store().acquire(id, "worker-that-dies", now, now.plusMillis(1500))).isPresent();
        Job held = runtime.jobs().find(id).orElseThrow();
        assertThat(held.state()).isEqualTo(JobState.RUNNING);
        assertThat(held.progress().done()).as("progress it made before dying").isPositive();

        pump(location, 15_000);

        Job done = runtime.jobs().find(id).orElseThrow();
        assertThat(done.state()).as(String.valueOf(done.lastError())).isEqualTo(JobState.SUCCEEDED);
        assertThat(runtime.catalog().findEvent("dies")).isEmpty();
        try (var left = runtime.store().list("")) {
            assertThat(left.map(o -> o.key()).filter(k -> k.contains("dies"))).isEmpty();
        }
    }

    @Test
    void downloadAll_fansOutIntoPartJobsThroughTheQueue_servesRangesInlineMeanwhile_andSurvivesAWorkerKilledMidPart()
            throws Exception {
        List<Photo> photos = new ArrayList<>();
        invoke(new AdminHandler(), event("POST", "/api/admin/events", ADMIN,
                "{\"slug\":\"fanout\",\"title\":\"Fan out\"}".getBytes(StandardCharsets.UTF_8)));
        long total = 0;
        for (int i = 0; total < 21L * 1024 * 1024; i++) { // over four parts of S3's least (5 MiB)
            byte[] jpeg = TestImages.jpeg(TestImages.noisyHalves(1600, 1200, 500 + i));
            photos.add(runtime.imports().importStream("fanout", "F_" + i + ".jpg", new ByteArrayInputStream(jpeg),
                    PhotoSource.UPLOAD));
            total += jpeg.length;
        }

        // not built yet, far above the inline cap: a range that fits is answered inline from the plan
        JsonNode range = invoke(new DownloadHandler(), event("GET", "/gallery/fanout/download-all",
                Map.of("range", "bytes=100-20099"), null));
        assertThat(range.get("statusCode").asInt()).as(range.toString()).isEqualTo(206);
        byte[] early = Base64.getDecoder().decode(range.get("body").asText());
        assertThat(early).hasSize(20_000);
        String etag = range.get("headers").get("ETag").asText();

        // the request above asked for the build: pump until it has fanned out, then a worker dies inside a part
        serverless.pump(() -> parts().size() >= 4, 60_000);
        Job victim = parts().stream().filter(job -> job.state() == JobState.QUEUED).findFirst()
                .orElseGet(() -> parts().get(parts().size() - 1));
        Instant now = Instant.now();
        Optional<Job> held = runtime.jobs().store().acquire(victim.id(), "worker-killed-mid-part", now, now.plusMillis(1500));
        assertThat(held).as("the part just submitted is the victim: %s", victim).isPresent();
        // it starts sending its part, and dies half way: S3 keeps nothing of it
        ZipParts.Task task = JobJson.read(victim.params(), ZipParts.Task.class);
        InputStream halfway = new SequenceInputStream(new ByteArrayInputStream(new byte[1024 * 1024]),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("killed");
                    }
                });
        assertThatThrownBy(() -> runtime.store().writePart(task.key(), task.uploadId(), task.part(),
                (task.part() - 1) * task.partBytes(), halfway, task.partBytes()));
        String target = "fanout/originals/" + runtime.catalog().findEvent("fanout").orElseThrow().revision();
        Job build = runtime.jobs().holder(JobKind.DOWNLOAD_ALL_BUILD, target).orElseThrow();
        serverless.pump(() -> runtime.jobs().find(build.id()).orElseThrow().state().finished(), 120_000);

        Job built = runtime.jobs().find(build.id()).orElseThrow();
        assertThat(built.state()).as(String.valueOf(built.lastError())).isEqualTo(JobState.SUCCEEDED);
        List<Job> parts = parts();
        assertThat(parts).hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(job -> assertThat(job.state()).isEqualTo(JobState.SUCCEEDED));
        assertThat(runtime.jobs().find(victim.id()).orElseThrow().lastError()).as("taken over from the killed worker")
                .contains("worker stopped");
        Event event = runtime.catalog().findEvent("fanout").orElseThrow();
        DownloadAllService.Archive archive = runtime.downloadAll().current(event);
        assertThat(archive.ready()).isTrue();
        byte[] zip;
        try (BlobRead read = runtime.store().get(archive.key())) {
            zip = read.stream().readAllBytes();
        }
        assertThat(zip).hasSize((int) archive.length());
        assertThat(Arrays.copyOfRange(zip, 100, 20_100)).as("the range served before the build").isEqualTo(early);
        assertThat(archive.etag()).isEqualTo(etag.replace("\"", ""));
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) { // CRC-32 checked per entry
            for (Photo photo : photos) {
                assertThat(in.getNextEntry().getName()).isEqualTo(photo.filename());
                assertThat(TestData.sha256(new ByteArrayInputStream(in.readAllBytes()))).isEqualTo(photo.sha256());
            }
            assertThat(in.getNextEntry()).isNull();
        }
    }

    private List<Job> parts() {
        return runtime.jobs().list(null, JobKind.DOWNLOAD_ALL_PART, 100, null).items().stream()
                .filter(job -> job.target().contains("/fanout/")).toList();
    }

    private int pump(String jobLocation, long maxMillis) {
        return serverless.pump(() -> {
            try {
                return job(jobLocation).get("state").asText().matches("succeeded|failed");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, maxMillis);
    }

    private JsonNode job(String location) throws Exception {
        JsonNode response = invoke(new AdminHandler(), event("GET", location, ADMIN, null));
        assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(200);
        return LambdaHandlersTest.JSON.readTree(response.get("body").asText());
    }

    private List<Photo> eventWithPhotos(String slug, int count) throws Exception {
        invoke(new AdminHandler(), event("POST", "/api/admin/events", ADMIN,
                ("{\"slug\":\"" + slug + "\",\"title\":\"" + slug + "\"}").getBytes(StandardCharsets.UTF_8)));
        Multipart form = new Multipart();
        for (int i = 0; i < count; i++) {
            form.file("IMG_" + i + ".jpg", TestImages.jpeg(TestImages.noisyHalves(400, 300, slug.hashCode() + i)));
        }
        JsonNode uploaded = invoke(new UploadHandler(), event("POST", "/api/admin/events/" + slug + "/photos", Map.of(
                "authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type", form.contentType()), form.body()));
        assertThat(uploaded.get("statusCode").asInt()).as(uploaded.toString()).isEqualTo(201);
        return new ArrayList<>(runtime.catalog().listPhotos(slug, 100, null).items());
    }
}
