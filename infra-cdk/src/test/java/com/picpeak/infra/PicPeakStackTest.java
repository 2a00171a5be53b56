package com.picpeak.infra;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Assertions on the synthesized template: routes, functions, schedules, the job queue and its worker, alarms,
 * the roles' shape (one resource a statement, no wildcards: what each role must grant is proven by running every
 * function under it, functions/api DeployedShapeScenariosTest), bucket and table.
 */
@Tag("cdk")
class PicPeakStackTest {
    static final String API = "com.picpeak.api.lambda.";
    static final String GALLERY = API + "GalleryHandler";
    static final String DOWNLOAD = API + "DownloadHandler";
    static final String UPLOAD = API + "UploadHandler";
    static final String ADMIN = API + "AdminHandler";
    static final String WORKER = API + "JobWorkerHandler";
    static final String SWEEP = API + "ArchiveSweepHandler";
    static final String POLLER = "com.picpeak.poller.PollerHandler";
    static final Set<String> SEED_S3_ACTIONS = Set.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject",
            "s3:ListBucket", "s3:GetBucketLocation");
    /** Only the worker, which writes archives as multipart uploads, may abort one and list its parts. */
    static final Set<String> MULTIPART_S3_ACTIONS = Set.of("s3:AbortMultipartUpload", "s3:ListMultipartUploadParts");
    /** The functions that submit jobs: the queue's URL in JOB_QUEUE_URL and sqs:SendMessage on it. */
    static final Set<String> SUBMITTERS = Set.of(ADMIN, DOWNLOAD, UPLOAD, SWEEP, WORKER);

    static Synth defaults;
    static Synth withAutoImportAndPrefix;

    @BeforeAll
    static void synthesize() {
        defaults = Synth.defaults();
        withAutoImportAndPrefix = Synth.of(Map.of("autoImport", "true", "autoImportIntervalMs", "90000",
                "bucketPrefix", "/studio/picpeak/"));
    }

    @Test
    void routes_goToTheFunctionThatServesThem() {
        Map<String, String> expected = new TreeMap<>();
        for (String key : List.of("GET /gallery/{slug}", "ANY /api/gallery/{proxy+}", "GET /assets/{proxy+}", "GET /health")) {
            expected.put(key, GALLERY);
        }
        // HTTP API has no implicit HEAD: the gallery page asks with HEAD before every Download All
        for (String key : List.of("GET /gallery/{slug}/download-all", "HEAD /gallery/{slug}/download-all",
                "GET /api/gallery/{slug}/download-all", "HEAD /api/gallery/{slug}/download-all")) {
            expected.put(key, DOWNLOAD);
        }
        for (String key : List.of("POST /api/admin/events/{slug}/photos", "POST /api/admin/events/{slug}/uploads",
                "POST /api/admin/events/{slug}/uploads/{uploadId}/complete")) {
            expected.put(key, UPLOAD);
        }
        for (String key : List.of("ANY /api/admin/{proxy+}", "GET /admin", "GET /admin/{proxy+}")) {
            expected.put(key, ADMIN);
        }

        assertThat(routeTargets(defaults)).isEqualTo(expected);
        assertThat(routeTargets(Synth.of(Map.of("snapStart", "false")))).isEqualTo(expected);
        defaults.template.hasResourceProperties("AWS::ApiGatewayV2::Integration",
                Map.of("IntegrationType", "AWS_PROXY", "PayloadFormatVersion", "2.0"));
    }

    /** Route key -> handler class of the function its integration invokes (through the alias when SnapStart is on). */
    private static Map<String, String> routeTargets(Synth synth) {
        Map<String, String> handlerByFunctionId = new HashMap<>();
        synth.resourcesOfType("AWS::Lambda::Function").forEach((id, fn) ->
                handlerByFunctionId.put(id, fn.path("Properties").path("Handler").asText().split("::")[0]));
        Map<String, String> targets = new TreeMap<>();
        synth.resourcesOfType("AWS::ApiGatewayV2::Route").values().forEach(route -> {
            String integrationId = route.path("Properties").path("Target").path("Fn::Join").get(1).get(1).path("Ref").asText();
            JsonNode uri = synth.resources().get(integrationId).path("Properties").path("IntegrationUri");
            String functionId;
            if (uri.has("Ref")) { // an alias
                JsonNode alias = synth.resources().get(uri.get("Ref").asText()).path("Properties");
                functionId = alias.path("FunctionName").path("Ref").asText();
            } else {
                functionId = uri.path("Fn::GetAtt").get(0).asText();
            }
            targets.put(route.path("Properties").path("RouteKey").asText(), handlerByFunctionId.get(functionId));
        });
        return targets;
    }

    @Test
    void functions_areJava21OnArm64_sizedForTheirWork_withSnapStart() {
        Map<String, List<Integer>> memoryAndTimeout = new LinkedHashMap<>();
        memoryAndTimeout.put(GALLERY, List.of(1024, 29));
        memoryAndTimeout.put(DOWNLOAD, List.of(1024, 29));
        memoryAndTimeout.put(UPLOAD, List.of(2048, 29));
        memoryAndTimeout.put(ADMIN, List.of(1536, 29));
        memoryAndTimeout.put(WORKER, List.of(2048, 300));
        memoryAndTimeout.put(SWEEP, List.of(1536, 900));
        memoryAndTimeout.put(PushImportStackTest.HANDLER, List.of(2048, 120));
        assertThat(defaults.resourcesOfType("AWS::Lambda::Function")).hasSize(memoryAndTimeout.size());
        memoryAndTimeout.forEach((handler, sizes) -> {
            JsonNode p = defaults.function(handler).path("Properties");
            assertThat(p.path("Runtime").asText()).as(handler).isEqualTo("java21");
            assertThat(Synth.strings(p.path("Architectures"))).as(handler).containsExactly("arm64");
            assertThat(p.path("Handler").asText()).isEqualTo(handler + "::handleRequest");
            assertThat(List.of(p.path("MemorySize").asInt(), p.path("Timeout").asInt())).as(handler).isEqualTo(sizes);
            assertThat(p.path("SnapStart").path("ApplyOn").asText()).as(handler).isEqualTo("PublishedVersions");
            JsonNode env = p.path("Environment").path("Variables");
            assertThat(env.path("STORAGE_BACKEND").asText()).isEqualTo("s3");
            assertThat(env.path("STORAGE_S3_BUCKET").path("Ref").asText()).startsWith("Photos");
            assertThat(env.path("CATALOG_TABLE").path("Ref").asText()).startsWith("Catalog");
            assertThat(env.path("EVENT_BUS_NAME").path("Ref").asText()).startsWith("DomainEvents");
            assertThat(env.path("ADMIN_TOKEN_SECRET_ARN").path("Ref").asText()).startsWith("AdminToken");
            assertThat(env.has("ADMIN_TOKEN")).as("no admin token value in the environment").isFalse();
            assertThat(env.path("STORAGE_AUTO_IMPORT").asText()).isEqualTo("false");
            assertThat(env.has("STORAGE_S3_PREFIX")).isFalse();
        });
        // no archive builder function any more: Download All builds are jobs (and no role may invoke a function:
        // statements_nameOneResourceEach_neverAWildcardActionOrResource)
        assertThat(defaults.json.toString()).doesNotContain("ArchiveBuilder").doesNotContain("ARCHIVE_BUILDER_FUNCTION");
        // API Gateway, the job queue and the schedule invoke the published version behind the alias "live"
        assertThat(defaults.resourcesOfType("AWS::Lambda::Alias")).hasSize(7);
        defaults.template.allResourcesProperties("AWS::Lambda::Alias", Map.of("Name", "live"));
    }

    @Test
    void schedules_sweepDaily_pollerOnlyWhenAutoImportIsOn() {
        defaults.template.resourceCountIs("AWS::Events::Rule", 2); // the sweep, push import's (PushImportStackTest)
        defaults.template.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "cron(0 3 * * ? *)",
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", defaults.liveAliasId(SWEEP)))))));
        assertThat(defaults.json.toString()).doesNotContain("PollerHandler");

        Synth on = withAutoImportAndPrefix;
        on.template.resourceCountIs("AWS::Events::Rule", 3);
        // 90 s: EventBridge counts whole minutes, so the poller runs every 2 minutes
        on.template.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(2 minutes)",
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", on.liveAliasId(POLLER)))))));
        JsonNode poller = on.function(POLLER).path("Properties");
        assertThat(poller.path("SnapStart").path("ApplyOn").asText()).isEqualTo("PublishedVersions");
        assertThat(poller.path("Runtime").asText()).isEqualTo("java21");
        assertThat(Synth.strings(poller.path("Architectures"))).containsExactly("arm64");
        assertThat(poller.path("Timeout").asInt()).isEqualTo(120);
        JsonNode env = poller.path("Environment").path("Variables");
        assertThat(env.path("STORAGE_AUTO_IMPORT").asText()).isEqualTo("true");
        assertThat(env.path("STORAGE_AUTO_IMPORT_INTERVAL_MS").asText()).isEqualTo("90000");
        assertThat(env.path("STORAGE_S3_PREFIX").asText()).isEqualTo("studio/picpeak");

        Synth hourly = Synth.of(Map.of("autoImport", true, "autoImportIntervalMs", 3_600_000));
        hourly.template.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(1 hour)"));
        assertThat(hourly.function(POLLER).path("Properties").path("Timeout").asInt()).isEqualTo(900);
    }

    @Test
    void statements_nameOneResourceEach_neverAWildcardActionOrResource() {
        for (Synth synth : List.of(defaults, withAutoImportAndPrefix)) {
            String bucketArn = "{\"Fn::GetAtt\":[\"" + only(synth.resourcesOfType("AWS::S3::Bucket")) + "\",\"Arn\"]}";
            String table = only(synth.resourcesOfType("AWS::DynamoDB::Table"));
            String tableArn = "{\"Fn::GetAtt\":[\"" + table + "\",\"Arn\"]}";
            for (String handler : handlersOf(synth)) {
                for (JsonNode statement : synth.statementsOf(handler)) {
                    assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
                    List<String> actions = Synth.strings(statement.path("Action"));
                    List<String> resources = Synth.strings(statement.path("Resource"));
                    assertThat(actions).as(handler).noneMatch(a -> a.contains("*"));
                    String service = actions.get(0).split(":")[0];
                    if (service.equals("xray")) { // X-Ray has no resource-level permissions: these two actions only
                        assertThat(actions).containsExactlyInAnyOrder("xray:PutTraceSegments", "xray:PutTelemetryRecords");
                        assertThat(resources).containsExactly("*");
                        continue;
                    }
                    assertThat(resources).as(handler + " " + actions).isNotEmpty().noneMatch("*"::equals);
                    assertThat(actions).as("one service per statement").allMatch(a -> a.startsWith(service + ":"));
                    switch (service) {
                        case "s3" -> {
                            Set<String> allowed = new HashSet<>(SEED_S3_ACTIONS);
                            if (handler.equals(WORKER)) {
                                allowed.addAll(MULTIPART_S3_ACTIONS);
                            }
                            assertThat(allowed).as(handler).containsAll(actions);
                            if (actions.equals(List.of("s3:ListBucket"))) {
                                assertThat(resources).containsExactly(bucketArn);
                            } else {
                                assertThat(resources).hasSize(1);
                                String objects = synth == defaults ? "/*" : "/studio/picpeak/*";
                                assertThat(resources.get(0)).isEqualTo("{\"Fn::Join\":[\"\",[" + bucketArn + ",\""
                                        + objects + "\"]]}");
                            }
                        }
                        case "dynamodb" -> assertThat(resources).allMatch(r -> r.equals(tableArn)
                                || r.equals("{\"Fn::Join\":[\"\",[" + tableArn + ",\"/index/gsi1\"]]}"));
                        case "events" -> assertThat(resources).containsExactly("{\"Fn::GetAtt\":[\""
                                + only(synth.resourcesOfType("AWS::Events::EventBus")) + "\",\"Arn\"]}");
                        case "secretsmanager" -> assertThat(resources).containsExactly("{\"Ref\":\""
                                + synth.resourcesOfType("AWS::SecretsManager::Secret").keySet().stream()
                                .filter(id -> id.startsWith("AdminToken")).findFirst().orElseThrow() + "\"}");
                        case "sqs" -> assertThat(resources).as(handler + " " + actions).containsExactly("{\"Fn::GetAtt\":[\""
                                + synth.queueId(handler.equals(PushImportStackTest.HANDLER) ? "StorageEventQueue" : "JobQueue")
                                + "\",\"Arn\"]}");
                        case "logs" -> assertThat(resources).containsExactly("{\"Fn::GetAtt\":[\""
                                + synth.function(handler).path("Properties").path("LoggingConfig").path("LogGroup")
                                .path("Ref").asText() + "\",\"Arn\"]}");
                        default -> throw new AssertionError(handler + " may not use " + service + ": " + statement);
                    }
                }
            }
        }
    }

    @Test
    void listing_isLimitedToThePrefix_whenOneIsConfigured() {
        for (String handler : handlersOf(withAutoImportAndPrefix)) {
            JsonNode list = withAutoImportAndPrefix.statementsOf(handler).stream()
                    .filter(s -> Synth.strings(s.path("Action")).equals(List.of("s3:ListBucket"))).findFirst().orElseThrow();
            assertThat(list.path("Condition").toString()).as(handler)
                    .isEqualTo("{\"StringLike\":{\"s3:prefix\":[\"studio/picpeak/*\"]}}");
        }
        for (String handler : handlersOf(defaults)) {
            assertThat(defaults.statementsOf(handler)).noneMatch(s -> s.has("Condition"));
        }
    }

    @Test
    void bucket_isPrivate_encrypted_tlsOnly_versioned_withLifecycleRules() {
        defaults.template.hasResource("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain"));
        defaults.template.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of(
                        "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "LifecycleConfiguration", Map.of("Rules", List.of(
                        Map.of("Id", "abort-incomplete-multipart-uploads", "Status", "Enabled",
                                "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 7)),
                        Map.of("Id", "expire-stale-versions", "Status", "Enabled", "ExpiredObjectDeleteMarker", true,
                                "NoncurrentVersionExpiration", Map.of("NoncurrentDays", 30)),
                        Map.of("Id", "expire-abandoned-direct-uploads", "Status", "Enabled", "Prefix", "uploads/",
                                "ExpirationInDays", 2),
                        Map.of("Id", "expire-fingerprinted-downloads", "Status", "Enabled", "Prefix", "fingerprinted/",
                                "ExpirationInDays", 1)))));
        withAutoImportAndPrefix.template.hasResourceProperties("AWS::S3::Bucket", Map.of("LifecycleConfiguration",
                Map.of("Rules", Match.arrayWith(List.of(Match.objectLike(Map.of("Prefix", "studio/picpeak/uploads/")))))));
        defaults.template.hasResourceProperties("AWS::S3::BucketPolicy", Map.of("PolicyDocument", Map.of("Statement",
                List.of(Match.objectLike(Map.of("Effect", "Deny", "Action", "s3:*",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))));
    }

    @Test
    void existingBucket_isUsedByName_andPermissionsNameIt() {
        Synth existing = Synth.of(Map.of("bucketName", "studio-photos", "bucketPrefix", "picpeak"));
        existing.template.resourceCountIs("AWS::S3::Bucket", 0);
        String objects = existing.statementsOf(GALLERY).stream().map(s -> s.path("Resource").toString())
                .filter(r -> r.contains("studio-photos/")).findFirst().orElseThrow();
        assertThat(objects).isEqualTo("{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},"
                + "\":s3:::studio-photos/picpeak/*\"]]}");
        assertThat(existing.function(GALLERY).path("Properties").path("Environment").path("Variables")
                .path("STORAGE_S3_BUCKET").asText()).isEqualTo("studio-photos");
    }

    @Test
    void table_isOnDemand_withPointInTimeRecovery_andTheCatalogLayout() {
        defaults.template.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain"));
        defaults.template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "BillingMode", "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "TimeToLiveSpecification", Map.of("AttributeName", "ttl", "Enabled", true),
                "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"),
                        Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "GlobalSecondaryIndexes", List.of(Map.of("IndexName", "gsi1",
                        "KeySchema", List.of(Map.of("AttributeName", "gsi1pk", "KeyType", "HASH"),
                                Map.of("AttributeName", "gsi1sk", "KeyType", "RANGE")),
                        "Projection", Map.of("ProjectionType", "ALL")))));
    }

    @Test
    void adminToken_isAGeneratedSecret_orAnExistingOneByArn() {
        defaults.template.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString",
                Map.of("PasswordLength", 48, "ExcludePunctuation", true, "IncludeSpace", false)));

        String arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:picpeak/admin-token-AbC123";
        Synth existing = Synth.of(Map.of("adminTokenSecretArn", arn));
        // the one secret left is the CDN's origin secret, always generated
        assertThat(existing.resourcesOfType("AWS::SecretsManager::Secret").keySet())
                .singleElement().asString().startsWith("CdnOriginSecret");
        assertThat(existing.function(ADMIN).path("Properties").path("Environment").path("Variables")
                .path("ADMIN_TOKEN_SECRET_ARN").asText()).isEqualTo(arn);
        assertThat(existing.statementsOf(ADMIN)).anySatisfy(s -> {
            assertThat(Synth.strings(s.path("Action"))).containsExactly("secretsmanager:GetSecretValue");
            assertThat(Synth.strings(s.path("Resource"))).containsExactly(arn);
        });
    }

    @Test
    void jobQueue_isEncrypted_withADeadLetterQueue_afterFiveReceives() {
        defaults.template.resourceCountIs("AWS::SQS::Queue", 4); // and push import's two (PushImportStackTest)
        String deadLetters = defaults.queueId("JobDeadLetters");
        // six times the worker's 5-minute timeout; 4 days
        defaults.template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true,
                "VisibilityTimeout", 1800,
                "MessageRetentionPeriod", 345_600,
                "RedrivePolicy", Map.of("deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(deadLetters, "Arn")),
                        "maxReceiveCount", 5)));
        JsonNode dlq = defaults.resources().get(deadLetters).path("Properties");
        assertThat(dlq.path("SqsManagedSseEnabled").asBoolean()).isTrue();
        assertThat(dlq.path("MessageRetentionPeriod").asInt()).isEqualTo(14 * 24 * 3600);
        assertThat(dlq.has("RedrivePolicy")).isFalse();
        // both refuse plain HTTP, like the bucket
        defaults.template.resourcePropertiesCountIs("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Map.of("Statement",
                List.of(Match.objectLike(Map.of("Effect", "Deny", "Action", "sqs:*",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))), 3); // and push import's DLQ
    }

    @Test
    void worker_runsOneJobPerInvocation_fromTheQueue_withBoundedConcurrency() {
        JsonNode worker = defaults.function(WORKER).path("Properties");
        assertThat(worker.path("Handler").asText()).isEqualTo(WORKER + "::handleRequest");
        assertThat(worker.path("Timeout").asInt()).isEqualTo(300);
        assertThat(worker.path("MemorySize").asInt()).isEqualTo(2048);
        assertThat(worker.path("SnapStart").path("ApplyOn").asText()).isEqualTo("PublishedVersions");
        assertThat(worker.has("ReservedConcurrentExecutions")).as("bounded by the event source instead").isFalse();

        defaults.template.resourceCountIs("AWS::Lambda::EventSourceMapping", 2); // and push import's
        defaults.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", Map.of("Fn::GetAtt", List.of(defaults.queueId("JobQueue"), "Arn")),
                "BatchSize", 1,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "ScalingConfig", Map.of("MaximumConcurrency", 4)));
        // the queue feeds the alias "live" (the published version SnapStart restores), named "<function>:live"
        JsonNode mappedTo = defaults.resourcesOfType("AWS::Lambda::EventSourceMapping").values().stream()
                .filter(m -> m.path("Properties").path("EventSourceArn").toString().contains(defaults.queueId("JobQueue")))
                .findFirst().orElseThrow().path("Properties").path("FunctionName");
        assertThat(mappedTo.toString()).contains("\"Ref\":\"" + defaults.liveAliasId(WORKER) + "\"", ":live");
        Synth wide = Synth.of(Map.of("jobConcurrency", "25", "snapStart", "false"));
        wide.template.hasResourceProperties("AWS::Lambda::EventSourceMapping",
                Map.of("ScalingConfig", Map.of("MaximumConcurrency", 25), "FunctionName", Map.of("Ref", wide.functionId(WORKER))));
        // the mapping is created after the role may receive from the queue (CloudFormation checks it)
        JsonNode dependsOn = defaults.resources().get(defaults.functionId(WORKER)).path("DependsOn");
        assertThat(Synth.strings(dependsOn)).anyMatch(id -> id.startsWith("WorkerRoleDefaultPolicy"));
    }

    @Test
    void jobQueueUrl_andSendMessage_onExactlyTheFunctionsThatSubmitJobs() {
        String queueArn = "{\"Fn::GetAtt\":[\"" + defaults.queueId("JobQueue") + "\",\"Arn\"]}";
        for (Synth synth : List.of(defaults, withAutoImportAndPrefix)) {
            for (String handler : handlersOf(synth)) {
                JsonNode env = synth.function(handler).path("Properties").path("Environment").path("Variables");
                List<JsonNode> sends = synth.statementsOf(handler).stream()
                        .filter(s -> Synth.strings(s.path("Action")).contains("sqs:SendMessage")).toList();
                if (SUBMITTERS.contains(handler)) {
                    assertThat(env.path("JOB_QUEUE_URL").path("Ref").asText()).as(handler)
                            .isEqualTo(synth.queueId("JobQueue"));
                    assertThat(sends).as(handler).singleElement().satisfies(s -> {
                        assertThat(Synth.strings(s.path("Action"))).containsExactly("sqs:SendMessage");
                        assertThat(Synth.strings(s.path("Resource"))).containsExactly(queueArn);
                    });
                } else {
                    assertThat(env.has("JOB_QUEUE_URL")).as(handler).isFalse();
                    assertThat(sends).as(handler).isEmpty();
                }
            }
        }
        assertThat(handlersOf(withAutoImportAndPrefix)).contains(POLLER).containsAll(SUBMITTERS);
    }

    @Test
    void sweepAndPoller_runOneAtATime_withDeliberateRetries() {
        Synth on = withAutoImportAndPrefix;
        assertThat(on.function(SWEEP).path("Properties").path("ReservedConcurrentExecutions").asInt()).isEqualTo(1);
        assertThat(on.function(POLLER).path("Properties").path("ReservedConcurrentExecutions").asInt()).isEqualTo(1);
        for (String handler : List.of(GALLERY, DOWNLOAD, UPLOAD, ADMIN, WORKER)) {
            assertThat(on.function(handler).path("Properties").has("ReservedConcurrentExecutions")).as(handler).isFalse();
        }
        on.template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 2);
        // on the alias the schedules invoke (a function's own configuration would hold for $LATEST only)
        // the sweep only submits a job (idempotent): two retries; an hour at most
        assertThat(asyncConfigOf(on, SWEEP)).isEqualTo(List.of(2, 3600));
        // the poller: the next tick is the retry; a tick waits at most one interval (here 2 minutes)
        assertThat(asyncConfigOf(on, POLLER)).isEqualTo(List.of(0, 120));
        // without SnapStart (emulators) the schedules invoke the function, whose $LATEST carries them
        Synth plain = Synth.of(Map.of("autoImport", true, "snapStart", "false"));
        plain.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "FunctionName", Map.of("Ref", plain.functionId(SWEEP)), "Qualifier", "$LATEST",
                "MaximumRetryAttempts", 2, "MaximumEventAgeInSeconds", 3600));
        plain.template.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "cron(0 3 * * ? *)",
                "Targets", List.of(Match.objectLike(Map.of("Arn",
                        Map.of("Fn::GetAtt", List.of(plain.functionId(SWEEP), "Arn")))))));
        Synth daily = Synth.of(Map.of("autoImport", true, "autoImportIntervalMs", 86_400_000));
        daily.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "FunctionName", Map.of("Ref", daily.functionId(POLLER)), "MaximumEventAgeInSeconds", 21_600));
    }

    /** Retries and maximum event age of the asynchronous invocations of the alias "live" of {@code handler}'s function. */
    private static List<Integer> asyncConfigOf(Synth synth, String handler) {
        String function = synth.functionId(handler);
        String alias = "\"Ref\":\"" + synth.liveAliasId(handler) + "\"";
        List<JsonNode> configs = synth.resourcesOfType("AWS::Lambda::EventInvokeConfig").values().stream()
                .map(c -> c.path("Properties"))
                .filter(p -> p.path("FunctionName").path("Ref").asText().equals(function))
                .toList();
        assertThat(configs).as(handler).singleElement().satisfies(p -> assertThat(p.path("Qualifier").toString())
                .as("the qualifier is the alias 'live'").contains(alias));
        JsonNode config = configs.get(0);
        return List.of(config.path("MaximumRetryAttempts").asInt(), config.path("MaximumEventAgeInSeconds").asInt());
    }

    @Test
    void alarms_onJobsThatFailedForGood_andOnDeadLetters() {
        String workerLogs = defaults.function(WORKER).path("Properties").path("LoggingConfig").path("LogGroup")
                .path("Ref").asText();
        defaults.template.resourceCountIs("AWS::Logs::MetricFilter", 1);
        defaults.template.hasResourceProperties("AWS::Logs::MetricFilter", Map.of(
                "LogGroupName", Map.of("Ref", workerLogs),
                "FilterPattern", "\"JOB_FAILED\"",
                "MetricTransformations", List.of(Map.of("MetricNamespace", "PicPeak", "MetricName", "FailedJobs",
                        "MetricValue", "1", "Unit", "Count"))));
        defaults.template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "PicPeak", "MetricName", "FailedJobs", "Statistic", "Sum", "Period", 300,
                "Threshold", 1, "ComparisonOperator", "GreaterThanOrEqualToThreshold", "EvaluationPeriods", 1,
                "TreatMissingData", "notBreaching"));
        defaults.template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS", "MetricName", "ApproximateNumberOfMessagesVisible",
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(defaults.queueId("JobDeadLetters"), "QueueName")))),
                "Threshold", 1, "ComparisonOperator", "GreaterThanOrEqualToThreshold", "EvaluationPeriods", 1));
    }

    @Test
    void everyFunction_logsJson_isTracedActively_andHasErrorThrottleAndRecursionAlarms() {
        for (Synth synth : List.of(defaults, withAutoImportAndPrefix)) {
            Map<String, JsonNode> alarms = synth.resourcesOfType("AWS::CloudWatch::Alarm");
            for (String handler : handlersOf(synth)) {
                JsonNode p = synth.function(handler).path("Properties");
                assertThat(p.path("LoggingConfig").path("LogFormat").asText()).as(handler).isEqualTo("JSON");
                assertThat(p.path("LoggingConfig").path("ApplicationLogLevel").asText()).as(handler).isEqualTo("INFO");
                assertThat(p.path("TracingConfig").path("Mode").asText()).as(handler).isEqualTo("Active");
                String id = synth.functionId(handler);
                for (String metric : List.of("Errors", "Throttles", "RecursiveInvocationsDropped")) {
                    assertThat(alarms.values()).as(handler + " " + metric).anySatisfy(alarm -> {
                        JsonNode a = alarm.path("Properties");
                        assertThat(a.path("Namespace").asText()).isEqualTo("AWS/Lambda");
                        assertThat(a.path("MetricName").asText()).isEqualTo(metric);
                        assertThat(a.path("Dimensions").get(0).path("Value").path("Ref").asText()).isEqualTo(id);
                        assertThat(a.path("Statistic").asText()).isEqualTo("Sum");
                        assertThat(a.path("Threshold").asInt()).isEqualTo(1);
                        assertThat(a.path("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
                    });
                }
            }
            // errors, throttles and stopped recursive chains of every function, failed jobs, dead letters, API 5xx
            assertThat(alarms).hasSize(3 * handlersOf(synth).size() + 4); // + push import's dead letters
        }
    }

    @Test
    void theApi_alarmsOn5xx_andWritesJsonAccessLogs_withTheRequestId() {
        String apiId = only(defaults.resourcesOfType("AWS::ApiGatewayV2::Api"));
        defaults.template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/ApiGateway", "MetricName", "5xx", "Statistic", "Sum", "Threshold", 1,
                "Dimensions", List.of(Map.of("Name", "ApiId", "Value", Map.of("Ref", apiId)))));
        JsonNode stage = defaults.resourcesOfType("AWS::ApiGatewayV2::Stage").values().iterator().next().path("Properties");
        assertThat(stage.path("StageName").asText()).isEqualTo("$default");
        JsonNode access = stage.path("AccessLogSettings");
        String logGroup = access.path("DestinationArn").path("Fn::GetAtt").get(0).asText();
        assertThat(logGroup).startsWith("ApiAccessLogs");
        assertThat(defaults.resources().get(logGroup).path("Properties").path("RetentionInDays").asInt()).isEqualTo(30);
        JsonNode format = assertThatJson(access.path("Format").asText());
        assertThat(format.path("requestId").asText()).isEqualTo("$context.requestId");
        assertThat(format.path("status").asText()).isEqualTo("$context.status");
        assertThat(format.path("integrationError").asText()).isEqualTo("$context.integrationErrorMessage");
    }

    @Test
    void everyFunction_hasSnapStart_andIsInvokedThroughItsAliasLive() {
        Map<String, JsonNode> aliases = defaults.resourcesOfType("AWS::Lambda::Alias");
        for (String handler : List.of(GALLERY, DOWNLOAD, UPLOAD, ADMIN, WORKER, SWEEP)) {
            assertThat(defaults.liveAliasId(handler)).as(handler).isNotBlank();
            String id = defaults.functionId(handler);
            assertThat(defaults.function(handler).path("Properties").path("SnapStart").path("ApplyOn").asText())
                    .as(handler).isEqualTo("PublishedVersions");
            assertThat(aliases.values()).as(handler).anySatisfy(alias -> {
                assertThat(alias.path("Properties").path("Name").asText()).isEqualTo("live");
                assertThat(alias.path("Properties").path("FunctionName").path("Ref").asText()).isEqualTo(id);
            });
        }
        for (JsonNode integration : defaults.resourcesOfType("AWS::ApiGatewayV2::Integration").values()) {
            String target = integration.path("Properties").path("IntegrationUri").path("Ref").asText();
            assertThat(aliases).as("every integration invokes an alias").containsKey(target);
        }
    }

    private static JsonNode assertThatJson(String text) {
        try {
            return Synth.JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    @Test
    void eventBus_isCreated_andOutputsNameWhatAUserNeeds() {
        defaults.template.resourceCountIs("AWS::Events::EventBus", 1);
        assertThat(defaults.json.path("Outputs").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("ApiUrl", "BucketName", "CatalogTable", "EventBusName", "AdminTokenSecretArn",
                        "JobQueueUrl", "JobDeadLettersUrl", "JobAlarms", "FunctionAlarms", "CdnUrl",
                        "CdnDistributionId", "StorageEventQueueUrl");
        assertThat(defaults.json.path("Outputs").path("JobQueueUrl").path("Value").path("Ref").asText())
                .isEqualTo(defaults.queueId("JobQueue"));
    }

    @Test
    void anEmulatorEndpoint_reachesEveryClient_throughTheStandardVariables() {
        Synth local = Synth.of(Map.of("endpoint", "http://localhost.localstack.cloud:4566", "snapStart", "false"));
        for (String handler : handlersOf(local)) {
            JsonNode env = local.function(handler).path("Properties").path("Environment").path("Variables");
            assertThat(env.path("AWS_ENDPOINT_URL").asText()).isEqualTo("http://localhost.localstack.cloud:4566");
            assertThat(env.path("STORAGE_S3_ENDPOINT").asText()).isEqualTo("http://localhost.localstack.cloud:4566");
            assertThat(env.path("STORAGE_S3_SSL").asText()).isEqualTo("false");
            assertThat(local.function(handler).path("Properties").has("SnapStart")).isFalse();
        }
        local.template.resourceCountIs("AWS::Lambda::Alias", 0);
        for (String handler : handlersOf(defaults)) {
            JsonNode env = defaults.function(handler).path("Properties").path("Environment").path("Variables");
            assertThat(env.has("AWS_ENDPOINT_URL") || env.has("STORAGE_S3_ENDPOINT")).as(handler).isFalse();
        }
    }

    @Test
    void badContextValues_areAllReported_namingTheKey() {
        assertThatThrownBy(() -> StackSettings.from(Map.<String, Object>of("bucketName", "s3://Photos",
                "autoImport", "maybe", "autoImportIntervalMs", "1000", "adminTokenSecretArn", "my-token",
                "bucketPrefix", "a/../b", "endpoint", "localhost:4566/path", "jobConcurrency", "1")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bucketName: 's3://Photos'")
                .hasMessageContaining("autoImport: 'maybe' is not true or false")
                .hasMessageContaining("autoImportIntervalMs: '1000' is below the minimum of 5000 ms")
                .hasMessageContaining("adminTokenSecretArn: 'my-token'")
                .hasMessageContaining("bucketPrefix: 'a/../b'")
                .hasMessageContaining("endpoint: 'localhost:4566/path'")
                .hasMessageContaining("jobConcurrency: '1' is outside 2-1000");
        assertThatThrownBy(() -> StackSettings.from(Map.<String, Object>of("jobConcurrency", "1001")::get))
                .hasMessageContaining("jobConcurrency: '1001' is outside 2-1000");
        assertThatThrownBy(() -> StackSettings.from(Map.<String, Object>of("jobConcurrency", "four")::get))
                .hasMessageContaining("jobConcurrency: 'four' is not a whole number");
        assertThat(StackSettings.defaults().jobConcurrency()).isEqualTo(4);
        assertThat(StackSettings.from(Map.<String, Object>of("jobConcurrency", 1000)::get).jobConcurrency()).isEqualTo(1000);
    }

    private static List<String> handlersOf(Synth synth) {
        return synth.resourcesOfType("AWS::Lambda::Function").values().stream()
                .map(fn -> fn.path("Properties").path("Handler").asText().split("::")[0]).toList();
    }

    private static String only(Map<String, JsonNode> resources) {
        assertThat(resources).hasSize(1);
        return resources.keySet().iterator().next();
    }
}
