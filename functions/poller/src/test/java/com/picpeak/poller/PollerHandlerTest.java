package com.picpeak.poller;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.picpeak.app.AppConfig;
import com.picpeak.app.JobFunctionPriming;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.autoimport.PollReport;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.StorageConfig;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The scheduled Lambda's handler on a serverless-shape runtime: S3Proxy for the bucket, DynamoDB Local for the table. */
class PollerHandlerTest {
    TestS3Server server = TestS3Server.shared();

    PicPeakRuntime runtime(boolean autoImport) {
        Map<String, String> env = new HashMap<>(server.env(server.createBucket(), "studio"));
        env.put(AppConfig.CATALOG_TABLE, TestDynamo.createTable());
        env.put(AppConfig.ADMIN_TOKEN, "poller-test-admin-token-0123456789");
        env.put(StorageConfig.STORAGE_AUTO_IMPORT, Boolean.toString(autoImport));
        env.put(StorageConfig.STORAGE_AUTO_IMPORT_INTERVAL_MS, "5000");
        return PicPeakRuntime.start(PicPeakRuntime.Shape.SERVERLESS, env, TestDynamo.client(), null);
    }

    @Test
    void thePackageLogsJsonLines_withoutASwitch() {
        // the package's META-INF/services names the always-on configurator of functions/lambda-logging
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("STDOUT")).isInstanceOfSatisfying(ConsoleAppender.class,
                stdout -> assertThat(stdout.getEncoder()).isInstanceOf(JsonEncoder.class));
    }

    @Test
    void eachScheduledRun_isOnePoll_andADroppedPhotoIsImportedOnALaterRun() {
        try (PicPeakRuntime app = runtime(true)) {
            app.events().create("wedding", new EventPatch("Wedding", null, null, false, null, null, null, null));
            app.store().put(Keys.original("wedding", "drop.jpg"),
                    new ByteArrayInputStream(TestImages.jpeg(TestImages.noisyHalves(120, 90, 3))), PutOptions.of("image/jpeg"));
            PollerHandler handler = new PollerHandler(app);

            Map<String, Object> first = handler.handleRequest(new ScheduledEvent(), null);
            assertThat(first).containsEntry("autoImport", true);
            PollReport report = (PollReport) first.get("report");
            assertThat(report.newSightings()).isEqualTo(1);
            assertThat(report.s3Requests()).isGreaterThanOrEqualTo(1);
            assertThat(first).containsKey("webhookAttempts"); // no bus configured: due webhooks go out from here

            // the gate opens half an interval (2.5 s) after the sighting; each run here is one scheduled tick
            AtomicReference<PollReport> importing = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(700)).until(() -> {
                PollReport r = (PollReport) handler.handleRequest(new ScheduledEvent(), null).get("report");
                importing.set(r);
                return r.imported() == 1;
            });
            assertThat(app.catalog().allPhotos("wedding").toList()).singleElement()
                    .satisfies(p -> assertThat(p.source()).isEqualTo(PhotoSource.S3_IMPORT));
            assertThat(app.autoImportState().lastPoll()).hasValueSatisfying(
                    last -> assertThat(last.imported()).isEqualTo(1));
        }
    }

    @Test
    void snapStartPriming_readsThroughTheRuntime_writesNothing_andARestoreNamesANewJobOwner() {
        try (PicPeakRuntime app = runtime(true)) {
            String bucket = app.storageConfig().s3().orElseThrow().bucket();
            List<String> objectsBefore = objectKeys(bucket);
            int rowsBefore = rowCount(app);
            String ownerBefore = app.jobRunner().owner();
            JobFunctionPriming priming = JobFunctionPriming.register(() -> app);

            priming.beforeCheckpoint(null);
            assertThat(objectKeys(bucket)).as("no object written").isEqualTo(objectsBefore);
            assertThat(rowCount(app)).as("no catalog row written").isEqualTo(rowsBefore);

            priming.afterRestore(null);
            assertThat(app.jobRunner().owner()).isNotEqualTo(ownerBefore);
            assertThat(new PollerHandler(app).handleRequest(new ScheduledEvent(), null)).containsEntry("poll", "finished");
        }
    }

    private List<String> objectKeys(String bucket) {
        try (S3Client s3 = server.client(TestS3Server.SECRET_KEY)) {
            return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
                    .map(o -> o.key() + "|" + o.eTag()).sorted().toList();
        }
    }

    private static int rowCount(PicPeakRuntime app) {
        return TestDynamo.client().scan(b -> b.tableName(app.appConfig().catalogTable()).select(Select.COUNT)).count();
    }

    @Test
    void withAutoImportOff_aRunPollsNothing_andSaysWhy() {
        try (PicPeakRuntime app = runtime(false)) {
            Map<String, Object> result = new PollerHandler(app).handleRequest(new ScheduledEvent(), null);

            assertThat(result).containsEntry("autoImport", false);
            assertThat(result.get("reason").toString()).contains("STORAGE_AUTO_IMPORT");
            assertThat(app.autoImportState().lastPoll()).isEmpty();
        }
    }
}
