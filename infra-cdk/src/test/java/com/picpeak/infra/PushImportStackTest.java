package com.picpeak.infra;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Push import in the stack: bucket notifications to EventBridge, a rule for Object Created / Object Deleted under
 * the event folders to a queue with a dead-letter queue and an alarm, the StorageEvents function reading it with a
 * narrow role; and the walker's default interval hourly beside it.
 */
@Tag("cdk")
class PushImportStackTest {
    static final String HANDLER = "com.picpeak.api.lambda.StorageEventsHandler";
    static Synth defaults;
    static Synth prefixed;
    static Synth off;

    @BeforeAll
    static void synthesize() {
        defaults = Synth.defaults();
        prefixed = Synth.of(Map.of("bucketPrefix", "studio", "autoImport", "true", "pushImportConcurrency", "7"));
        off = Synth.of(Map.of("pushImport", "false", "autoImport", "true"));
    }

    @Test
    void theBucket_sendsItsEventsToEventBridge_andARule_takesObjectCreatedAndDeleted_underTheEventFolders_toTheQueue() {
        defaults.template.hasResourceProperties("AWS::S3::Bucket", Map.of("NotificationConfiguration",
                Map.of("EventBridgeConfiguration", Map.of("EventBridgeEnabled", true))));
        String queue = defaults.queueId("StorageEventQueue");
        String bucket = defaults.resourcesOfType("AWS::S3::Bucket").keySet().iterator().next();
        defaults.template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Map.of("source", List.of("aws.s3"), "detail-type", List.of("Object Created", "Object Deleted"),
                        "detail", Map.of("bucket", Map.of("name", List.of(Map.of("Ref", bucket))),
                                "object", Map.of("key", List.of(Map.of("prefix", "events/active/"))))),
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Fn::GetAtt", List.of(queue, "Arn")))))));
        prefixed.template.hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectLike(Map.of(
                "detail", Match.objectLike(Map.of("object", Map.of("key", List.of(Map.of("prefix", "studio/events/active/")))))))));
        // only EventBridge (this rule) may send to the queue
        JsonNode policy = defaults.resourcesOfType("AWS::SQS::QueuePolicy").values().stream()
                .filter(p -> p.path("Properties").path("Queues").toString().contains(queue)).findFirst().orElseThrow();
        assertThat(policy.path("Properties").path("PolicyDocument").toString())
                .contains("events.amazonaws.com", "sqs:SendMessage", "aws:SourceArn");
    }

    @Test
    void theQueue_hasADeadLetterQueue_withAnAlarm_andFeedsTheFunction_inBatches_withBoundedConcurrency() {
        JsonNode queue = defaults.resources().path(defaults.queueId("StorageEventQueue")).path("Properties");
        String deadLetters = defaults.queueId("StorageEventDeadLetters");
        assertThat(queue.path("RedrivePolicy").path("maxReceiveCount").asInt()).isEqualTo(5);
        assertThat(queue.path("RedrivePolicy").path("deadLetterTargetArn").toString()).contains(deadLetters);
        assertThat(queue.path("VisibilityTimeout").asInt()).isEqualTo(6 * 120);
        defaults.template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 1,
                "Dimensions", List.of(Map.of("Name", "QueueName", "Value", Map.of("Fn::GetAtt", List.of(deadLetters, "QueueName"))))));
        defaults.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", Map.of("Fn::GetAtt", List.of(defaults.queueId("StorageEventQueue"), "Arn")),
                "BatchSize", 10, "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "ScalingConfig", Map.of("MaximumConcurrency", 4)));
        prefixed.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "ScalingConfig", Map.of("MaximumConcurrency", 7))));
        JsonNode mapping = defaults.resourcesOfType("AWS::Lambda::EventSourceMapping").values().stream()
                .filter(m -> m.path("Properties").path("EventSourceArn").toString().contains("StorageEventQueue"))
                .findFirst().orElseThrow();
        assertThat(mapping.path("Properties").path("FunctionName").toString())
                .contains("\"Ref\":\"" + defaults.liveAliasId(HANDLER) + "\"", ":live"); // the SnapStart version
        JsonNode function = defaults.function(HANDLER).path("Properties");
        assertThat(function.path("Timeout").asInt()).isEqualTo(120);
        assertThat(function.path("Environment").path("Variables").path("STORAGE_PUSH_IMPORT").asText()).isEqualTo("true");
    }

    @Test
    void theFunctionsRole_readsItsQueue_importsUnderTheBucket_andWritesTheCatalog_nothingMore() {
        Set<String> actions = new java.util.TreeSet<>();
        for (JsonNode statement : defaults.statementsOf(HANDLER)) {
            actions.addAll(Synth.strings(statement.path("Action")));
        }
        assertThat(actions).containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents",
                "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket",
                "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "events:PutEvents",
                "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                "xray:PutTraceSegments", "xray:PutTelemetryRecords"); // active tracing, as every function
        String queueArn = "{\"Fn::GetAtt\":[\"" + defaults.queueId("StorageEventQueue") + "\",\"Arn\"]}";
        assertThat(defaults.statementsOf(HANDLER)).filteredOn(s -> Synth.strings(s.path("Action")).contains("sqs:ReceiveMessage"))
                .singleElement().satisfies(s -> assertThat(Synth.strings(s.path("Resource"))).containsExactly(queueArn));
        assertThat(defaults.statementsOf(HANDLER).toString()).doesNotContain("sqs:SendMessage", "secretsmanager");
    }

    @Test
    void withPushImport_theWalkerReconcilesHourly_andWithoutIt_pollsEveryFiveMinutes_andNoRuleOrQueueIsMade() {
        prefixed.template.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(1 hour)"));
        off.template.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(5 minutes)"));
        assertThat(off.json.toString()).doesNotContain("StorageEventsHandler", "StorageEventQueue", "EventBridgeConfiguration");
        assertThat(off.function(PicPeakStackTest.POLLER).path("Properties").path("Environment").path("Variables")
                .path("STORAGE_PUSH_IMPORT").asText()).isEqualTo("false");
    }
}
