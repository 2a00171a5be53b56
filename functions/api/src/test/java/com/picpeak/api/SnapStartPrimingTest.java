package com.picpeak.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.picpeak.api.lambda.AdminHandler;
import com.picpeak.api.lambda.ArchiveSweepHandler;
import com.picpeak.api.lambda.DownloadHandler;
import com.picpeak.api.lambda.GalleryHandler;
import com.picpeak.api.lambda.JobWorkerHandler;
import com.picpeak.api.lambda.SnapStartPriming;
import com.picpeak.api.lambda.UploadHandler;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SnapStart hooks of the HTTP functions, called directly as Lambda's CRaC runtime would (a JVM without CRaC never
 * fires them): before the checkpoint each function's container serves real read requests (health: the sentinel HEAD
 * and a catalog read; an event read and a listing page of an event that does not exist) and writes nothing, no row
 * and no object; after the restore the function still answers.
 */
class SnapStartPrimingTest {
    static PicPeakRuntime runtime;

    @BeforeAll
    static void install() {
        runtime = ServerlessTestRuntime.get().runtime;
    }

    @Test
    void priming_servesHealthAndReadsThroughEachContainer_andWritesNothing() throws Exception {
        // the catalog's server secret is written once, by the first instance that starts on it (ServerSecret): on a
        // fresh table that is this priming, when it runs first of the suite; any other write is the priming's own
        runtime.gallery();
        runtime.protection();
        Set<String> rowsBefore = rows();
        Set<String> objectsBefore = objects();
        String messagesBefore = queuedMessages(ServerlessTestRuntime.get());

        Map<String, SnapStartPriming> primings = Map.of("gallery", GalleryHandler.priming(),
                "download", DownloadHandler.priming(), "admin", AdminHandler.priming(), "upload", UploadHandler.priming());
        Logger runtimeLog = (Logger) LoggerFactory.getLogger(PicPeakRuntime.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        runtimeLog.addAppender(logged);
        try {
            for (SnapStartPriming priming : primings.values()) {
                priming.beforeCheckpoint(null);
                priming.afterRestore(null);
            }
        } finally {
            runtimeLog.detachAppender(logged);
        }
        assertThat(logged.list).as("every warm-up read of the runtime succeeded (a failed one logs a warning)")
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));

        String absent = SnapStartPriming.ABSENT_EVENT;
        assertThat(GalleryHandler.priming().answers()).isEqualTo(Map.of("/health", 200, "/api/gallery/" + absent, 404,
                "/api/gallery/" + absent + "/photos", 404, "/gallery/" + absent, 404));
        assertThat(DownloadHandler.priming().answers()).isEqualTo(Map.of("/health", 200,
                "/api/gallery/" + absent + "/download-all", 404));
        assertThat(AdminHandler.priming().answers()).as("the admin token is sent: reads, not 401s").isEqualTo(Map.of(
                "/health", 200, "/api/admin/events", 200, "/api/admin/events/" + absent, 404,
                "/api/admin/events/" + absent + "/photos", 404));
        assertThat(UploadHandler.priming().answers()).isEqualTo(Map.of("/health", 200, "/api/admin/events/" + absent, 404));
        assertThat(rows()).as("no catalog row written").isEqualTo(rowsBefore);
        assertThat(objects()).as("no object written").isEqualTo(objectsBefore);
        assertThat(queuedMessages(ServerlessTestRuntime.get())).as("no job message sent").isEqualTo(messagesBefore);

        // after the restore (credentials renewed, token read again) the container answers as before
        var health = LambdaHandlersTest.invoke(new GalleryHandler(), LambdaHandlersTest.event("GET", "/health", Map.of(), null));
        assertThat(health.get("statusCode").asInt()).isEqualTo(200);
        var listed = LambdaHandlersTest.invoke(new AdminHandler(), LambdaHandlersTest.event("GET", "/api/admin/events",
                Map.of("authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN), null));
        assertThat(listed.get("statusCode").asInt()).isEqualTo(200);
    }

    @Test
    void jobFunctionPriming_readsThroughTheRuntime_writesNothing_andARestoreNamesANewJobOwner() throws Exception {
        ServerlessTestRuntime serverless = ServerlessTestRuntime.get();
        Set<String> rowsBefore = rows();
        Set<String> objectsBefore = objects();
        String messagesBefore = queuedMessages(serverless);
        String ownerBefore = runtime.jobRunner().owner();

        JobWorkerHandler.priming().beforeCheckpoint(null);
        ArchiveSweepHandler.priming().beforeCheckpoint(null);

        assertThat(rows()).as("no catalog row written").isEqualTo(rowsBefore);
        assertThat(objects()).as("no object written").isEqualTo(objectsBefore);
        assertThat(queuedMessages(serverless)).as("no job message sent").isEqualTo(messagesBefore);
        assertThat(runtime.jobRunner().owner()).as("priming names no owner").isEqualTo(ownerBefore);

        JobWorkerHandler.priming().afterRestore(null);
        String restoredOwner = runtime.jobRunner().owner();
        assertThat(restoredOwner).as("every restored environment claims jobs under its own name")
                .isNotEqualTo(ownerBefore).startsWith("serverless-");
        assertThat(runtime.jobWorker()).isNotNull();
        ArchiveSweepHandler.priming().afterRestore(null);
        assertThat(runtime.jobRunner().owner()).isNotEqualTo(restoredOwner);

        // after the restore the worker still runs a delivered job: a message naming no job is answered, not retried
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("after-restore");
        message.setBody("{\"jobId\":\"j0-00000000\"}");
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        assertThat(new JobWorkerHandler().handleRequest(event, null).getBatchItemFailures()).isEmpty();
    }

    /** The queue's visible and in-flight message counts. */
    private static String queuedMessages(ServerlessTestRuntime serverless) {
        return serverless.sqs.getQueueAttributes(b -> b.queueUrl(serverless.queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributesAsStrings().toString();
    }

    /** Every item of the catalog table, by key, with a hash of its attributes (an update counts as a write). */
    private static Set<String> rows() {
        List<Map<String, AttributeValue>> items = TestDynamo.client().scanPaginator(b -> b.tableName(
                runtime.appConfig().catalogTable())).items().stream().toList();
        return items.stream().map(i -> i.get("pk").s() + "|" + i.get("sk").s() + "|" + i.hashCode())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every object of the bucket, with its ETag (an overwrite counts as a write). */
    private static Set<String> objects() {
        try (S3Client s3 = TestS3Server.shared().client(TestS3Server.SECRET_KEY)) {
            return s3.listObjectsV2Paginator(b -> b.bucket(runtime.storageConfig().s3().orElseThrow().bucket()))
                    .contents().stream().map((S3Object o) -> o.key() + "|" + o.eTag())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
