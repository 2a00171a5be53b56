package com.picpeak.api;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.picpeak.api.lambda.StorageEventsHandler;
import com.picpeak.catalog.Photo;
import com.picpeak.storage.Keys;
import com.picpeak.testing.StorageEventBodies;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Push import as deployed: S3's events, in the shape EventBridge's rule puts them on the storage event queue, are
 * delivered to the StorageEvents function as the template's event source mapping does (its batch size, the report
 * of failed items, the queue's maxReceiveCount), the function running under its own role from the template.
 */
class PushImportDeployedShapeTest extends DeployedShapeTest {
    static String queueUrl;
    static S3Client raw;
    static AtomicLong sequencer = new AtomicLong(0x0064D3901D00100000L);

    @BeforeAll
    static void storageEventQueue() {
        queueUrl = aws.serverless.sqs.createQueue(b -> b.queueName("storage-events")
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"))).queueUrl();
        raw = TestS3Server.shared().client(TestS3Server.SECRET_KEY);
    }

    /** What the event source mapping did: invocations, and the bodies it moved to the dead-letter queue. */
    record Delivery(int invocations, List<String> deadLettered) {
    }

    /** The event source mapping of the StorageEvents function, until the queue is empty. */
    static Delivery deliver() throws Exception {
        DeployedTemplate.Function function = aws.template.function("StorageEvents");
        DeployedTemplate.QueueSource source = aws.template.queueSource("StorageEvents");
        StorageEventsHandler handler = new StorageEventsHandler(() -> aws.runtime);
        int invocations = 0;
        List<String> deadLettered = new ArrayList<>();
        int emptyReceives = 0;
        while (emptyReceives < 2) { // twice empty, a second apart: nothing in flight either (visibility 1 s)
            List<Message> messages = aws.serverless.sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                    .maxNumberOfMessages(Math.min(10, source.batchSize())).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
            if (messages.isEmpty()) {
                emptyReceives++;
                continue;
            }
            emptyReceives = 0;
            List<SQSEvent.SQSMessage> batch = new ArrayList<>();
            for (Message message : messages) {
                int received = Integer.parseInt(message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
                if (received > source.maxReceiveCount()) {
                    deadLettered.add(message.body());
                    aws.serverless.sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                    continue;
                }
                SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
                record.setMessageId(message.messageId());
                record.setBody(message.body());
                batch.add(record);
            }
            if (batch.isEmpty()) {
                continue;
            }
            SQSEvent event = new SQSEvent();
            event.setRecords(batch);
            SQSBatchResponse response = DeployedRoles.actAs(function, 0, () -> handler.handleRequest(event,
                    LambdaHandlersTest.context(function.timeoutSeconds() * 1000)));
            invocations++;
            List<String> failed = source.reportsBatchItemFailures()
                    ? response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList()
                    : List.of();
            for (Message message : messages) {
                if (!failed.contains(message.messageId())) {
                    aws.serverless.sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                }
            }
        }
        return new Delivery(invocations, deadLettered);
    }

    static String bucketKey(String slug, String filename) {
        return "studio/" + Keys.original(slug, filename);
    }

    /** The object put as a camera's sync tool would, and S3's Object Created for it, as the rule delivers it. */
    static String dropped(String slug, String filename, long seed) {
        byte[] bytes = TestImages.jpeg(TestImages.noisyHalves(120, 90, seed));
        String etag = raw.putObject(b -> b.bucket(aws.serverless.bucket).key(bucketKey(slug, filename))
                .contentType("image/jpeg"), RequestBody.fromBytes(bytes)).eTag().replace("\"", "");
        return StorageEventBodies.eventBridge("Object Created", aws.serverless.bucket, bucketKey(slug, filename),
                bytes.length, etag, "v-" + etag, String.format("%018X", sequencer.incrementAndGet()));
    }

    static void enqueue(String body) {
        aws.serverless.sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
    }

    static List<String> listed(String slug) throws Exception {
        DeployedShape.HttpAnswer page = aws.http("GET", "/api/admin/events/" + slug + "/photos?limit=500", ADMIN, null);
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        return aws.runtime.catalog().listPhotos(slug, 500, null).items().stream().map(Photo::filename).toList();
    }

    @Test
    void objectCreatedEvents_throughTheQueue_importEachPhotoOnce_underTheFunctionsRole() throws Exception {
        DeployedShape.HttpAnswer created = aws.http("POST", "/api/admin/events", ADMIN,
                "{\"slug\":\"pushed\",\"title\":\"Pushed\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String replayed = dropped("pushed", "Erster Tanz (1).jpg", 1);
        for (int delivery = 0; delivery < 4; delivery++) {
            enqueue(replayed); // at least once: the same event three more times
        }
        for (int i = 0; i < 25; i++) {
            enqueue(dropped("pushed", "IMG_" + i + ".JPG", 100 + i));
        }
        enqueue(StorageEventBodies.eventBridge("Object Created", aws.serverless.bucket, "studio/thumbnails/pushed/x.jpg",
                1, "e", "v", "00"));
        enqueue("not an event"); // dropped, not retried

        Delivery delivery = deliver();

        assertThat(listed("pushed")).hasSize(26).doesNotHaveDuplicates().contains("Erster Tanz (1).jpg");
        assertThat(delivery.deadLettered()).isEmpty();
        assertThat(delivery.invocations()).isGreaterThanOrEqualTo(3); // batches of the template's size (10)
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    @Test
    void anObjectDeletedBehindTheCatalogsBack_keepsThePhoto_andAStaleDeletion_isDropped() throws Exception {
        DeployedShape.HttpAnswer created = aws.http("POST", "/api/admin/events", ADMIN,
                "{\"slug\":\"pushed-gone\",\"title\":\"Gone\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        enqueue(dropped("pushed-gone", "kept.jpg", 7));
        deliver();
        raw.deleteObject(b -> b.bucket(aws.serverless.bucket).key(bucketKey("pushed-gone", "kept.jpg")));
        enqueue(StorageEventBodies.eventBridge("Object Deleted", aws.serverless.bucket, bucketKey("pushed-gone", "kept.jpg"),
                0, null, "marker", String.format("%018X", sequencer.incrementAndGet())));

        Delivery delivery = deliver();

        assertThat(listed("pushed-gone")).containsExactly("kept.jpg");
        assertThat(delivery.deadLettered()).isEmpty();
        assertThat(DeployedRoles.denials()).isEmpty();
    }
}
