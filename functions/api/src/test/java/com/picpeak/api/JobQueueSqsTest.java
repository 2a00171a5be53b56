package com.picpeak.api;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.api.lambda.AdminHandler;
import com.picpeak.api.lambda.JobWorkerHandler;
import com.picpeak.api.lambda.UploadHandler;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Photo;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobRunner;
import com.picpeak.jobs.JobState;
import com.picpeak.storage.BlobRead;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.picpeak.api.LambdaHandlersTest.context;
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
    static SQSRestServer sqsServer;
    static SqsClient sqs;
    static String queueUrl;
    static PicPeakRuntime runtime;
    static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN,
            "content-type", "application/json");

    @BeforeAll
    static void start() {
        sqsServer = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
        int port = sqsServer.waitUntilStarted().localAddress().getPort();
        sqs = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build();
        queueUrl = sqs.createQueue(b -> b.queueName("jobs").attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1")))
                .queueUrl();
        TestS3Server s3 = TestS3Server.shared();
        Map<String, String> env = new HashMap<>(s3.env(s3.createBucket(), "studio"));
        env.put("ADMIN_TOKEN", TestRuntimes.ADMIN_TOKEN);
        env.put("CATALOG_TABLE", TestDynamo.createTable());
        env.put("JOB_QUEUE_URL", queueUrl);
        env.put("PICPEAK_JOB_STEP_MS", "50"); // steps of one part or one photo: a job needs many of them
        env.put("PICPEAK_JOB_LEASE_MS", "1500");
        env.put("PICPEAK_JOB_RETRY_MS", "0");
        runtime = PicPeakRuntime.start(PicPeakRuntime.Shape.SERVERLESS, env, TestDynamo.client(), null, sqs);
        RuntimeHolder.install(runtime);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        sqs.close();
        sqsServer.stopAndWait();
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
        assertThat(invocations).as("worker invocations: each may run out of time and queue the rest").isGreaterThan(1);
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
        Message delivered = receive();
        assertThat(delivered.body()).contains(id);
        JobRunner doomed = runtime.jobRunner("worker-that-dies");
        assertThat(doomed.run(id, Instant.now().plusMillis(300))).isEqualTo(JobRunner.Outcome.CONTINUE);
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

    /**
     * The event source mapping: delivers each message to the worker function (remaining time 1 s, so that
     * invocations run out of time) and deletes it unless reported failed, until the job has ended.
     */
    private int pump(String jobLocation, long maxMillis) throws Exception {
        JobWorkerHandler worker = new JobWorkerHandler();
        long until = System.currentTimeMillis() + maxMillis + 30_000;
        int invocations = 0;
        while (System.currentTimeMillis() < until) {
            String state = job(jobLocation).get("state").asText();
            if (state.equals("succeeded") || state.equals("failed")) {
                return invocations;
            }
            Message message = receive();
            if (message == null) {
                continue;
            }
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setBody(message.body());
            SQSEvent event = new SQSEvent();
            event.setRecords(List.of(record));
            SQSBatchResponse response = worker.handleRequest(event, context(21_000));
            invocations++;
            if (response.getBatchItemFailures().isEmpty()) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        throw new AssertionError("job " + jobLocation + " did not end: " + job(jobLocation));
    }

    private Message receive() {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(1).waitTimeSeconds(1))
                .messages();
        return messages.isEmpty() ? null : messages.get(0);
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
