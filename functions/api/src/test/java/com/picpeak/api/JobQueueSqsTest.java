package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.api.lambda.AdminHandler;
import com.picpeak.api.lambda.UploadHandler;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Photo;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobRunner;
import com.picpeak.jobs.JobState;
import com.picpeak.storage.BlobRead;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.picpeak.api.LambdaHandlersTest.event;
import static com.picpeak.api.LambdaHandlersTest.invoke;
import static org.assertj.core.api.Assertions.assertThat;

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
