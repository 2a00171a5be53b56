package com.picpeak.api;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The stack as deployed, in one test JVM: each function of the committed template is invoked through its own
 * handler class, under its own role ({@link DeployedRoles}), with the limits AWS applies to it, and the job queue
 * is delivered to the worker as its event source mapping does. What the harness enforces, each from the template
 * or from AWS's documented rules:
 * <ul>
 *   <li>IAM: every SDK call of the function's code against its role's policies (action and resource ARN);</li>
 *   <li>API Gateway HTTP API: a body over 10 MB is refused with 413; an integration that answers after 30 s is a
 *   503, a function past its own timeout a 500;</li>
 *   <li>Lambda: the synchronous invocation payload (6 MB request and response, the event's JSON with the body in
 *   base64) and the function's timeout; a response over the limit fails the invocation, which API Gateway answers
 *   with 500;</li>
 *   <li>the SQS event source mapping: its batch size, the report of failed items, the queue's
 *   {@code maxReceiveCount} before the dead-letter queue;</li>
 *   <li>Lambda's recursive loop detection: a chain of invocations through SQS is counted from the messages' trace
 *   lineage, and the 17th invocation of one function in a chain is not made, its message goes to the dead-letter
 *   queue, unless the function's {@code RecursiveLoop} is {@code Allow}.</li>
 * </ul>
 * Times are scaled down as {@link ServerlessTestRuntime} scales them (a worker invocation has 20 s left, the
 * queue's visibility timeout is 1 s); the rules stay AWS's.
 */
final class DeployedShape {
    /** Lambda's synchronous invocation payload limit, request and response (6 MB). */
    static final int LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;
    /** API Gateway HTTP API's request body limit. */
    static final int API_GATEWAY_BODY_BYTES = 10 * 1024 * 1024;
    /** API Gateway HTTP API's integration timeout. */
    static final long API_GATEWAY_TIMEOUT_MILLIS = 30_000;
    /** Lambda stops a chain after this many invocations of one function (AWS Lambda developer guide). */
    static final int RECURSION_LIMIT = 16;

    /** An HTTP answer as API Gateway gives it to the client; {@code payloadBytes}: the function's response JSON. */
    record HttpAnswer(int status, Map<String, String> headers, byte[] body, int payloadBytes) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() throws Exception {
            return LambdaHandlersTest.JSON.readTree(body);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    /** What the event source mapping did in one {@link #runJobs} call. */
    record JobDelivery(int invocations, int longestChain, List<String> deadLettered) {
    }

    private static DeployedShape instance;

    final ServerlessTestRuntime serverless;
    final PicPeakRuntime runtime;
    final DeployedTemplate template;
    final String deadLetterQueueUrl;
    /** The HTTP API's routes (route key to handler class), from the template. */
    private final Map<String, String> routes;
    /** The HTTP functions' and API Gateway's timeouts are multiplied by this (scaled down: the rule stays AWS's). */
    private volatile double timeScale = 1.0;

    private DeployedShape() {
        serverless = ServerlessTestRuntime.get();
        runtime = serverless.runtime;
        deadLetterQueueUrl = serverless.sqs.createQueue(b -> b.queueName("job-dead-letters")).queueUrl();
        template = new DeployedTemplate(new DeployedTemplate.Bindings(serverless.bucket, serverless.table,
                serverless.queueUrl, deadLetterQueueUrl, "PicPeakDomainEvents",
                "arn:aws:secretsmanager:" + DeployedTemplate.REGION + ":" + DeployedTemplate.ACCOUNT + ":secret:AdminToken-abc123"));
        routes = DeployedRoutesTest.routesOf(DeployedTemplate.read(DeployedTemplate.TEMPLATE));
    }

    static synchronized DeployedShape get() {
        if (instance == null) {
            instance = new DeployedShape();
        }
        RuntimeHolder.install(instance.runtime);
        return instance;
    }

    /**
     * One request through API Gateway: routed by the template's routes (HTTP API's matching: {@link
     * DeployedRoutesTest#bestRoute}) to the function that serves it; no route is API Gateway's 404.
     */
    HttpAnswer http(String method, String path, Map<String, String> headers, byte[] body) throws Exception {
        String rawPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        Optional<String> route = DeployedRoutesTest.bestRoute(routes.keySet(), method, rawPath);
        if (route.isEmpty()) {
            return apiGatewayError(404, "Not Found");
        }
        String handler = routes.get(route.get());
        DeployedTemplate.Function function = template.functions().values().stream()
                .filter(f -> f.handlerClass().endsWith("." + handler)).findFirst().orElseThrow();
        return invoke(function, method, path, headers, body);
    }

    private HttpAnswer invoke(DeployedTemplate.Function deployed, String method, String path, Map<String, String> headers,
                              byte[] body) throws Exception {
        if (body != null && body.length > API_GATEWAY_BODY_BYTES) {
            return apiGatewayError(413, "Request Entity Too Large");
        }
        byte[] request = payloadV2(method, path, headers, body);
        if (request.length > LAMBDA_PAYLOAD_BYTES) {
            // Lambda refuses the invocation (RequestEntityTooLargeException); API Gateway answers 413
            return apiGatewayError(413, "Request Entity Too Large");
        }
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(deployed.handlerClass()).getDeclaredConstructor()
                .newInstance();
        long started = System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeployedRoles.actAs(deployed, 0, () -> {
            handler.handleRequest(new ByteArrayInputStream(request), out,
                    LambdaHandlersTest.context(deployed.timeoutSeconds() * 1000));
            return null;
        });
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        if (elapsedMillis > deployed.timeoutSeconds() * 1000L * timeScale) {
            return apiGatewayError(500, "Internal Server Error"); // Lambda ended the invocation: a failed integration
        }
        if (elapsedMillis > API_GATEWAY_TIMEOUT_MILLIS * timeScale) {
            return apiGatewayError(503, "Service Unavailable"); // API Gateway stopped waiting
        }
        if (out.size() > LAMBDA_PAYLOAD_BYTES) {
            // "Response payload size exceeded": the invocation fails, API Gateway answers 500
            return apiGatewayError(500, "Internal Server Error");
        }
        JsonNode response = LambdaHandlersTest.JSON.readTree(out.toByteArray());
        Map<String, String> responseHeaders = new java.util.LinkedHashMap<>();
        response.path("headers").fields().forEachRemaining(e -> responseHeaders.put(e.getKey(), e.getValue().asText()));
        for (JsonNode cookie : response.path("cookies")) {
            responseHeaders.merge("Set-Cookie", cookie.asText(), (a, b) -> a + ", " + b);
        }
        String text = response.path("body").asText("");
        byte[] responseBody = response.path("isBase64Encoded").asBoolean()
                ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        return new HttpAnswer(response.get("statusCode").asInt(), responseHeaders, responseBody, out.size());
    }

    /** A fresh CloudFront distribution of the template in front of this stack (nothing kept yet). */
    DeployedCdn cdn() {
        return new DeployedCdn(this, DeployedTemplate.read(DeployedTemplate.TEMPLATE));
    }

    /**
     * Runs {@code body} with the HTTP timeouts scaled by {@code scale}, so that work that would outlast them on real
     * sizes shows it on the small ones of a test.
     */
    <T> T withTimeScale(double scale, DeployedRoles.ThrowingSupplier<T> body) throws Exception {
        timeScale = scale;
        try {
            return body.get();
        } finally {
            timeScale = 1.0;
        }
    }

    /**
     * The event API Gateway sends (payload format 2.0): header names in lower case, the values of a repeated header
     * joined with commas, cookies taken out of the headers into {@code cookies}, a body in base64.
     */
    static byte[] payloadV2(String method, String path, Map<String, String> headers, byte[] body) throws Exception {
        Map<String, String> joined = new java.util.LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (lower.equals("cookie")) {
                for (String cookie : value.split(";")) {
                    if (!cookie.isBlank()) {
                        cookies.add(cookie.trim());
                    }
                }
            } else {
                joined.merge(lower, value, (a, b) -> a + "," + b);
            }
        });
        com.fasterxml.jackson.databind.node.ObjectNode event = (com.fasterxml.jackson.databind.node.ObjectNode)
                LambdaHandlersTest.JSON.readTree(LambdaHandlersTest.event(method, path, joined, body));
        if (!cookies.isEmpty()) {
            cookies.forEach(event.putArray("cookies")::add);
        }
        return LambdaHandlersTest.JSON.writeValueAsBytes(event);
    }

    HttpAnswer http(String method, String path) throws Exception {
        return http(method, path, Map.of(), null);
    }

    private static HttpAnswer apiGatewayError(int status, String message) {
        return new HttpAnswer(status, Map.of("content-type", "application/json"),
                ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8), 0);
    }

    /** A scheduled function (an EventBridge rule's target) invoked once under its role, as the schedule does. */
    @SuppressWarnings("unchecked")
    Object scheduled(String function) throws Exception {
        DeployedTemplate.Function deployed = template.function(function);
        RequestHandler<Map<String, Object>, Object> handler = (RequestHandler<Map<String, Object>, Object>)
                Class.forName(deployed.handlerClass()).getDeclaredConstructor().newInstance();
        Map<String, Object> event = Map.of("source", "aws.events", "detail-type", "Scheduled Event",
                "resources", List.of("arn:aws:events:" + DeployedTemplate.REGION + ":" + DeployedTemplate.ACCOUNT + ":rule/schedule"));
        return DeployedRoles.actAs(deployed, 0, () -> handler.handleRequest(event,
                LambdaHandlersTest.context(deployed.timeoutSeconds() * 1000)));
    }

    /**
     * The worker's event source mapping, until {@code done} holds: receives batches of the template's size,
     * moves a message received more than {@code maxReceiveCount} times, or one that would be the 17th invocation
     * of its chain, to the dead-letter queue, invokes the worker under its role, and deletes what it did not report
     * failed.
     */
    JobDelivery runJobs(BooleanSupplier done, long maxMillis) throws Exception {
        DeployedTemplate.Function worker = template.function("Worker");
        DeployedTemplate.QueueSource source = template.queueSource("Worker");
        RequestHandler<SQSEvent, SQSBatchResponse> handler = new com.picpeak.api.lambda.JobWorkerHandler(() -> runtime);
        long until = System.currentTimeMillis() + maxMillis;
        int invocations = 0;
        int longestChain = 0;
        List<String> deadLettered = new ArrayList<>();
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > until) {
                throw new AssertionError("the jobs did not get there within " + maxMillis + " ms; dead-lettered: " + deadLettered);
            }
            if (!deadLettered.isEmpty() && serverless.idle()) {
                return new JobDelivery(invocations, longestChain, deadLettered); // the chain was cut: nothing more comes
            }
            List<Message> messages = serverless.sqs.receiveMessage(b -> b.queueUrl(serverless.queueUrl)
                    .maxNumberOfMessages(Math.min(10, source.batchSize())).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
            for (Message message : messages) {
                int received = Integer.parseInt(message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
                int chain = DeployedRoles.lineageOf(message.messageId()) + 1;
                if (received > source.maxReceiveCount() || (chain > RECURSION_LIMIT && !worker.recursionAllowed())) {
                    deadLettered.add(message.body());
                    serverless.sqs.sendMessage(b -> b.queueUrl(deadLetterQueueUrl).messageBody(message.body()));
                    serverless.sqs.deleteMessage(b -> b.queueUrl(serverless.queueUrl).receiptHandle(message.receiptHandle()));
                    continue;
                }
                longestChain = Math.max(longestChain, chain);
                SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
                record.setMessageId(message.messageId());
                record.setBody(message.body());
                SQSEvent event = new SQSEvent();
                event.setRecords(List.of(record));
                SQSBatchResponse response = DeployedRoles.actAs(worker, chain, () -> handler.handleRequest(event,
                        LambdaHandlersTest.context(ServerlessTestRuntime.WORKER_REMAINING_MILLIS)));
                invocations++;
                boolean failed = source.reportsBatchItemFailures() && !response.getBatchItemFailures().isEmpty();
                if (!failed) {
                    serverless.sqs.deleteMessage(b -> b.queueUrl(serverless.queueUrl).receiptHandle(message.receiptHandle()));
                }
            }
        }
        return new JobDelivery(invocations, longestChain, deadLettered);
    }
}
