package com.picpeak.api;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.picpeak.api.lambda.JobWorkerHandler;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestS3Server;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The serverless shape as the Lambda tests see it, once per JVM (a Lambda function's Spring container is
 * built once per JVM too, so every handler test must share its runtime): the S3 backend on the in-process
 * S3 server, the catalog in DynamoDB Local, and jobs on a real SQS server in-process (ElasticMQ) that
 * {@link #pump} delivers to the worker function as the event source mapping would.
 */
final class ServerlessTestRuntime {
    /** The value of the stack's CDN origin secret in the harness (generated at deploy in AWS). */
    static final String CDN_ORIGIN_SECRET = "harness-origin-secret-0123456789abcdefghijklmnop";
    /** A small cap so that an ordinary test photo is "too large to return inline". */
    static final int INLINE_CAP = 50_000;
    /**
     * Each worker invocation has this much time left when it starts: the worker's margin and 1 ms, so every
     * invocation runs one step and queues the rest, as a function that runs out of time does.
     */
    static final int WORKER_REMAINING_MILLIS = 20_001;

    private static ServerlessTestRuntime instance;

    final SqsClient sqs;
    final String queueUrl;
    final PicPeakRuntime runtime;
    /** The bucket and the catalog table the runtime uses (the deployed-shape harness binds the template to them). */
    final String bucket;
    final String table;
    /** The environment the runtime started with (a test may start another runtime as a function would). */
    final Map<String, String> env;

    private ServerlessTestRuntime() {
        SQSRestServer server = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
        int port = server.waitUntilStarted().localAddress().getPort();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopAndWait));
        sqs = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build();
        queueUrl = sqs.createQueue(b -> b.queueName("jobs").attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1")))
                .queueUrl();
        TestS3Server s3 = TestS3Server.shared();
        bucket = s3.createBucket();
        env = new HashMap<>(s3.env(bucket, "studio"));
        env.put("ADMIN_TOKEN", TestRuntimes.ADMIN_TOKEN);
        // what CloudFormation resolves the stack's generated origin secret to, here (DeployedCdn sends the same)
        env.put("PICPEAK_CDN_ORIGIN_SECRET", CDN_ORIGIN_SECRET);
        table = TestDynamo.createTable(); // the stack creates the table in AWS
        env.put("CATALOG_TABLE", table);
        env.put("PICPEAK_INLINE_RESPONSE_BYTES", String.valueOf(INLINE_CAP));
        env.put("JOB_QUEUE_URL", queueUrl);
        env.put("PICPEAK_JOB_STEP_MS", "0"); // steps of one unit (a part, a photo, an object): many of them
        env.put("PICPEAK_JOB_LEASE_MS", "1500");
        env.put("PICPEAK_JOB_RETRY_MS", "0");
        env.put("PICPEAK_JOB_PART_BYTES", String.valueOf(5 * 1024 * 1024)); // S3's least: a few photos make parts
        // the catalog's calls go through the deployed-shape harness's IAM check (checked only while it runs a function)
        runtime = PicPeakRuntime.start(PicPeakRuntime.Shape.SERVERLESS, env, DeployedRoles.authorizing(TestDynamo.client()),
                null, sqs);
        RuntimeHolder.install(runtime);
    }

    static synchronized ServerlessTestRuntime get() {
        if (instance == null) {
            instance = new ServerlessTestRuntime();
        }
        RuntimeHolder.install(instance.runtime); // other test classes install their own between
        return instance;
    }

    /**
     * The event source mapping: delivers each message to the worker function and deletes it unless reported
     * failed, until {@code done} holds. Returns the worker invocations made.
     */
    int pump(BooleanSupplier done, long maxMillis) {
        JobWorkerHandler worker = new JobWorkerHandler(() -> runtime);
        long until = System.currentTimeMillis() + maxMillis;
        int invocations = 0;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > until) {
                throw new AssertionError("the jobs did not get there within " + maxMillis + " ms");
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
            SQSBatchResponse response = worker.handleRequest(event, LambdaHandlersTest.context(WORKER_REMAINING_MILLIS));
            invocations++;
            if (response.getBatchItemFailures().isEmpty()) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return invocations;
    }

    /** Whether the queue holds no message at all: none waiting, in flight or delayed. */
    boolean idle() {
        Map<QueueAttributeName, String> counts = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return counts.values().stream().allMatch("0"::equals);
    }

    /** The next message, as a worker would receive it (long polling for a second); null when none came. */
    Message receive() {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(1).waitTimeSeconds(1))
                .messages();
        return messages.isEmpty() ? null : messages.get(0);
    }
}
