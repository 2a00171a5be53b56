package com.picpeak.infra;

import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.CfnStage;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.Unit;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.CronOptions;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.RecursiveLoop;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.MetricFilter;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.CorsRule;
import software.amazon.awscdk.services.s3.HttpMethods;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The serverless shape: an HTTP API whose routes go to four Java functions (gallery, download, upload,
 * admin), the job queue with its dead-letter queue and the worker it feeds, the daily archive sweep, the
 * auto-import poller on a schedule (when enabled), alarms on failed jobs, the photo bucket, the catalog
 * table, the event bus and the admin token secret. Every function has its own role allowing only what it uses.
 */
public final class PicPeakStack extends Stack {

    static final String API_HANDLERS = "com.picpeak.api.lambda.";
    static final String POLLER_HANDLER = "com.picpeak.poller.PollerHandler::handleRequest";
    /** The catalog's layout (shared catalog/CatalogKeys): string keys pk/sk and the index gsi1. */
    static final String CATALOG_INDEX = "gsi1";
    /** Direct uploads wait here between the presigned PUT and "complete" (shared Keys.directUpload). */
    static final String STAGED_UPLOADS_FOLDER = "uploads/";
    static final String FINGERPRINTED_FOLDER = "fingerprinted/";

    static final List<String> S3_OBJECT_READ_WRITE = List.of("s3:GetObject", "s3:PutObject");
    static final List<String> S3_OBJECT_READ_WRITE_DELETE = List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject");
    /** The worker writes large archives as multipart uploads: it may also list an upload's parts and abort it. */
    static final List<String> S3_OBJECT_READ_WRITE_DELETE_MULTIPART = List.of("s3:GetObject", "s3:PutObject",
            "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts");
    /**
     * The guest functions' catalog rights: reads, sessions, counters and access tokens; a rendition's claim is
     * released with a delete once its image is stored (TierRenditions); the Download All records of a restored event
     * are replaced in one batch when a guest first asks for them (DownloadAllService); the view beacon reads which
     * of its photo ids are the event's in one batch (ActivityCounts). The deployed-shape tests run every guest request
     * under these rights (DeployedShapeScenariosTest).
     */
    static final List<String> CATALOG_GUEST = List.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
            "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem");
    /** As {@link #CATALOG_GUEST}, and the job that builds an archive (created in a transaction with a condition check). */
    static final List<String> CATALOG_GUEST_AND_JOBS = List.of("dynamodb:GetItem", "dynamodb:Query",
            "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
            "dynamodb:ConditionCheckItem");
    /** Photo imports and job rows are transactions with condition checks (TransactWriteItems has no action of its own). */
    static final List<String> CATALOG_READ_WRITE = List.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem",
            "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem");
    /** Submitting a job: its row and its lock in one transaction with a condition check, or the job that holds it. */
    static final List<String> CATALOG_JOB_SUBMISSION = List.of("dynamodb:GetItem", "dynamodb:Query",
            "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem");
    /** Submitting a job: one message on the job queue. */
    static final List<String> JOB_QUEUE_SEND = List.of("sqs:SendMessage");
    /** What the event source mapping does with the worker's role: receive, delete what was handled, read attributes. */
    static final List<String> JOB_QUEUE_CONSUME = List.of("sqs:ReceiveMessage", "sqs:DeleteMessage",
            "sqs:GetQueueAttributes");
    static final String JOB_QUEUE_URL = "JOB_QUEUE_URL";
    /** TrustedProxies.CDN_ORIGIN_SECRET: the guest functions believe CloudFront's viewer address with it. */
    static final String CDN_ORIGIN_SECRET = "PICPEAK_CDN_ORIGIN_SECRET";
    /** The worker runs job steps for at most this long per message, then re-enqueues the rest. */
    static final Duration WORKER_TIMEOUT = Duration.minutes(5);
    /** Jobs that failed for good: the worker logs a line with this token (JSON or text). */
    static final String JOB_FAILED_TOKEN = "JOB_FAILED";
    static final String METRIC_NAMESPACE = "PicPeak";
    /** A batch of ten notifications, each an import with its thumbnail. */
    static final Duration STORAGE_EVENTS_TIMEOUT = Duration.seconds(120);

    private final StackSettings settings;
    private final IBucket bucket;
    private final Table table;
    private final EventBus bus;
    private final ISecret adminToken;
    private final Queue jobDeadLetters;
    private final Queue jobQueue;
    /** Every function, by construct id: each gets an errors and a throttles alarm. */
    private final Map<String, Function> functions = new LinkedHashMap<>();

    public PicPeakStack(Construct scope, String id, StackProps props, StackSettings settings, FunctionPackages packages) {
        super(scope, id, props);
        this.settings = settings;
        this.bucket = bucket();
        this.table = catalogTable();
        this.bus = EventBus.Builder.create(this, "DomainEvents")
                .description("PicPeak domain events (photo.uploaded, photo.deleted): add rules to deliver webhooks")
                .build();
        this.adminToken = adminTokenSecret();
        this.jobDeadLetters = Queue.Builder.create(this, "JobDeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        this.jobQueue = Queue.Builder.create(this, "JobQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                // AWS's advice for a Lambda event source: at least six times the function's timeout, so a message is
                // not handed out again while Lambda still retries an invocation of it that was throttled
                .visibilityTimeout(Duration.seconds(6 * WORKER_TIMEOUT.toSeconds().longValue()))
                .retentionPeriod(Duration.days(4))
                .deadLetterQueue(DeadLetterQueue.builder().queue(jobDeadLetters).maxReceiveCount(5).build())
                .build();
        Map<String, String> submitsJobs = Map.of(JOB_QUEUE_URL, jobQueue.getQueueUrl());

        Code api = Code.fromAsset(packages.api().toString());
        // The origin secret CloudFront adds to every origin request: the guest functions believe its
        // CloudFront-Viewer-Address only with it (rate limits and password throttling count viewers, not edges)
        Secret originSecret = cdnOriginSecret();
        Map<String, String> countsViewers = Map.of(CDN_ORIGIN_SECRET, originSecret.getSecretValue().unsafeUnwrap());

        // Gallery: guest pages, listing and photo serving; reads, plus the sentinel, renditions, tiles and
        // fingerprinted copies; image protection writes access tokens, the access log and rate counters; guests'
        // favourites are transactions of puts, updates and deletes, and a sent selection is a domain event.
        Function gallery = function("Gallery", API_HANDLERS + "GalleryHandler::handleRequest", api,
                1024, Duration.seconds(29), countsViewers, settings.snapStart());
        allowAdminTokenRead(gallery);
        allowStorage(gallery, S3_OBJECT_READ_WRITE);
        allowCatalog(gallery, CATALOG_GUEST, false);
        allowEvents(gallery);

        // Download All: streams or redirects; a cached archive not built yet becomes a job on the queue.
        Map<String, String> downloadEnvironment = new LinkedHashMap<>(submitsJobs);
        downloadEnvironment.putAll(countsViewers);
        Function download = function("Download", API_HANDLERS + "DownloadHandler::handleRequest", api,
                1024, Duration.seconds(29), downloadEnvironment, settings.snapStart());
        allowAdminTokenRead(download);
        allowStorage(download, S3_OBJECT_READ_WRITE);
        allowCatalog(download, CATALOG_GUEST_AND_JOBS, false);
        allowJobSubmission(download);

        // Upload: decodes images for thumbnails, so the most memory of the HTTP functions. A direct upload's import
        // is a job (a large file takes longer than API Gateway waits), hence the queue.
        Function upload = function("Upload", API_HANDLERS + "UploadHandler::handleRequest", api,
                2048, Duration.seconds(29), submitsJobs, settings.snapStart());
        allowAdminTokenRead(upload);
        allowStorage(upload, S3_OBJECT_READ_WRITE_DELETE);
        allowCatalog(upload, CATALOG_READ_WRITE, true);
        allowEvents(upload);
        allowJobSubmission(upload);

        // Admin: archive, restore, delete, sweep and poll requests become jobs on the queue.
        Function admin = function("Admin", API_HANDLERS + "AdminHandler::handleRequest", api,
                1536, Duration.seconds(29), submitsJobs, settings.snapStart());
        allowAdminTokenRead(admin);
        allowStorage(admin, S3_OBJECT_READ_WRITE_DELETE);
        allowCatalog(admin, CATALOG_READ_WRITE, true);
        allowEvents(admin);
        allowJobSubmission(admin);

        // Worker: runs job steps from the queue until its time is nearly up, then re-enqueues the rest; continuations
        // and the sweep job's archive jobs are new messages, hence the send right on the queue it reads.
        // SnapStart on the job functions too: their priming builds the SDK clients before the snapshot, so a restored
        // worker starts its first job without the client set-up (docs/lambda-runtime.md)
        // A job longer than one invocation continues in a message the worker sends to the queue that invokes it: a
        // chain that Lambda's recursive loop detection would stop at its 17th invocation (the message to the
        // dead-letter queue), so the worker allows it. Each chain is one job with a lease, a checkpoint and an attempts
        // limit, never a loop; the RecursiveInvocationsDropped alarms watch every function all the same.
        Function worker = function("Worker", API_HANDLERS + "JobWorkerHandler::handleRequest", api,
                2048, WORKER_TIMEOUT, submitsJobs, settings.snapStart(), fn -> fn.recursiveLoop(RecursiveLoop.ALLOW));
        allowStorage(worker, S3_OBJECT_READ_WRITE_DELETE_MULTIPART);
        allowCatalog(worker, CATALOG_READ_WRITE, true);
        allowEvents(worker);
        allowJobSubmission(worker);
        worker.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(JOB_QUEUE_CONSUME).resources(List.of(jobQueue.getQueueArn())).build());
        EventSourceMapping.Builder.create(this, "WorkerJobs")
                .target(live(worker))
                .eventSourceArn(jobQueue.getQueueArn())
                .batchSize(1) // one job per invocation: its steps fill the invocation's time
                .reportBatchItemFailures(true)
                // at most this many jobs run at once, whatever the backlog (SQS: 2 to 1000)
                .maxConcurrency(settings.jobConcurrency())
                .build();
        failedJobAlarms(worker);

        // The daily sweep only submits a sweep job (idempotent), so two asynchronous retries are safe. One run at
        // a time; a schedule event still waiting after an hour (throttled) is dropped: tomorrow's run comes.
        Function sweep = function("ArchiveSweep", API_HANDLERS + "ArchiveSweepHandler::handleRequest", api,
                1536, Duration.minutes(15), submitsJobs, settings.snapStart(), fn -> fn.reservedConcurrentExecutions(1));
        // it only submits the sweep job (the worker archives): the start-up check's sentinel, the job and its lock
        allowStorage(sweep, S3_OBJECT_READ_WRITE);
        allowCatalog(sweep, CATALOG_JOB_SUBMISSION, false);
        allowJobSubmission(sweep);
        // its SnapStart priming reads the queue's attributes (the SQS client built before the snapshot, nothing sent)
        sweep.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("sqs:GetQueueAttributes")).resources(List.of(jobQueue.getQueueArn())).build());
        Rule.Builder.create(this, "DailyArchiveSweep")
                .description("archives expired events every night")
                .schedule(Schedule.cron(CronOptions.builder().minute("0").hour("3").build()))
                .targets(List.of(new LambdaFunction(live(sweep, 2, Duration.hours(1)))))
                .build();

        if (settings.pushImport()) {
            pushImport(api);
        }

        if (settings.autoImport()) {
            // A poll lists every event prefix: it may take a while, but never longer than the next one is due.
            long timeoutSeconds = Math.min(900, Math.max(60, settings.scheduleMinutes() * 60));
            // No retries: the next scheduled tick is the retry, and a retried poll would only overlap it. One
            // poll at a time; a tick throttled behind a running poll waits at most one interval (the next is due).
            Function poller = function("Poller", POLLER_HANDLER, Code.fromAsset(packages.poller().toString()),
                    2048, Duration.seconds(timeoutSeconds), Map.of(), settings.snapStart(),
                    fn -> fn.reservedConcurrentExecutions(1));
            allowStorage(poller, S3_OBJECT_READ_WRITE_DELETE);
            allowCatalog(poller, CATALOG_READ_WRITE, true);
            allowEvents(poller);
            Rule.Builder.create(this, "AutoImportSchedule")
                    .description("runs the S3 auto-import poller every STORAGE_AUTO_IMPORT_INTERVAL_MS (whole minutes)")
                    .schedule(Schedule.rate(Duration.minutes(settings.scheduleMinutes())))
                    .targets(List.of(new LambdaFunction(live(poller, 0,
                            Duration.seconds(Math.min(6 * 3600, settings.scheduleMinutes() * 60))))))
                    .build();
        }

        HttpApi httpApi = HttpApi.Builder.create(this, "HttpApi")
                .description("PicPeak guest and admin API (payload 2.0)")
                .build();
        route(httpApi, "Gallery", live(gallery), List.of(
                "GET /gallery/{slug}", "ANY /api/gallery/{proxy+}", "GET /assets/{proxy+}", "GET /health"));
        // HTTP API has no implicit HEAD: the gallery page asks with HEAD until Download All can start.
        route(httpApi, "Download", live(download), List.of(
                "GET /gallery/{slug}/download-all", "HEAD /gallery/{slug}/download-all",
                "GET /api/gallery/{slug}/download-all", "HEAD /api/gallery/{slug}/download-all"));
        route(httpApi, "Upload", live(upload), List.of(
                "POST /api/admin/events/{slug}/photos", "POST /api/admin/events/{slug}/uploads",
                "POST /api/admin/events/{slug}/uploads/{uploadId}/complete"));
        route(httpApi, "Admin", live(admin), List.of(
                "ANY /api/admin/{proxy+}", "GET /admin", "GET /admin/{proxy+}"));

        apiAccessLogs(httpApi);
        functionAlarms(httpApi);

        CfnOutput.Builder.create(this, "ApiUrl").description("base URL of the guest and admin API")
                .value(httpApi.getApiEndpoint()).build();
        cdn(httpApi, originSecret);
        CfnOutput.Builder.create(this, "BucketName").value(bucket.getBucketName()).build();
        CfnOutput.Builder.create(this, "CatalogTable").value(table.getTableName()).build();
        CfnOutput.Builder.create(this, "EventBusName").value(bus.getEventBusName()).build();
        CfnOutput.Builder.create(this, "JobQueueUrl").description("the queue of jobs the worker function runs")
                .value(jobQueue.getQueueUrl()).build();
        CfnOutput.Builder.create(this, "JobDeadLettersUrl")
                .description("jobs whose message failed 5 times; the alarm JobDeadLettersAlarm watches it")
                .value(jobDeadLetters.getQueueUrl()).build();
        CfnOutput.Builder.create(this, "AdminTokenSecretArn")
                .description("read the admin token: aws secretsmanager get-secret-value --secret-id <this> "
                        + "--query SecretString --output text")
                .value(adminToken.getSecretArn()).build();
    }

    /**
     * Push import: the bucket sends its object events to EventBridge; a rule takes Object Created and Object Deleted
     * under {@code events/active/} to a queue (a dead-letter queue behind it, an alarm on that), and the StorageEvents
     * function imports from it through the one import path. Delivery is at least once: the function drops replays
     * and older notifications of a file (S3's sequencer), and reports a batch's failed messages for another delivery.
     */
    private void pushImport(Code api) {
        String root = settings.bucketPrefix().isEmpty() ? "" : settings.bucketPrefix() + "/";
        Queue deadLetters = Queue.Builder.create(this, "StorageEventDeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Queue events = Queue.Builder.create(this, "StorageEventQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(6 * STORAGE_EVENTS_TIMEOUT.toSeconds().longValue()))
                .retentionPeriod(Duration.days(4))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(5).build())
                .build();
        Rule.Builder.create(this, "StorageEventsRule")
                .description("photos dropped into (or deleted from) an event's folder of the bucket, to push import")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.s3"))
                        .detailType(List.of("Object Created", "Object Deleted"))
                        // sorted: Map.of's order changes from run to run, and the committed template must not
                        .detail(new java.util.TreeMap<>(Map.of("bucket", Map.of("name", List.of(bucket.getBucketName())),
                                "object", Map.of("key", List.of(Map.of("prefix", root + "events/active/"))))))
                        .build())
                .targets(List.of(new SqsQueue(events)))
                .build();
        // an import decodes the photo for its thumbnail: the Upload function's memory
        Function importer = function("StorageEvents", API_HANDLERS + "StorageEventsHandler::handleRequest", api,
                2048, STORAGE_EVENTS_TIMEOUT, Map.of(), settings.snapStart());
        allowStorage(importer, S3_OBJECT_READ_WRITE_DELETE);
        allowCatalog(importer, CATALOG_READ_WRITE, false);
        allowEvents(importer);
        importer.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(JOB_QUEUE_CONSUME).resources(List.of(events.getQueueArn())).build());
        EventSourceMapping.Builder.create(this, "StorageEventImports")
                .target(live(importer))
                .eventSourceArn(events.getQueueArn())
                .batchSize(10)
                .maxBatchingWindow(Duration.seconds(1)) // a burst is taken in batches; a single photo waits 1 s at most
                .reportBatchItemFailures(true)
                .maxConcurrency(settings.pushImportConcurrency())
                .build();
        Alarm dead = Alarm.Builder.create(this, "StorageEventDeadLettersAlarm")
                .alarmDescription("PicPeak: storage notifications on the dead-letter queue (imported 5 times without "
                        + "success; the walker, if on, reconciles them)")
                .metric(deadLetters.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum").period(Duration.minutes(5)).build()))
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        CfnOutput.Builder.create(this, "StorageEventQueueUrl")
                .description("storage notifications for push import; failed ones go to the dead-letter queue that the "
                        + dead.getAlarmName() + " alarm watches")
                .value(events.getQueueUrl()).build();
    }

    /** CloudFront in front of the API: assets and signed tiers cached by URL, the rest passed through. */
    private CdnDistribution cdn(HttpApi httpApi, Secret originSecret) {
        return new CdnDistribution(this, "Cdn", httpApi, originSecret.getSecretValue().unsafeUnwrap());
    }

    /**
     * The CDN's origin secret, generated at deploy. Nothing reads it at run time: CloudFormation resolves it into the
     * distribution's origin header and the guest functions' {@value #CDN_ORIGIN_SECRET}; a new one is a new
     * deployment (docs/deploy.md).
     */
    private Secret cdnOriginSecret() {
        return Secret.Builder.create(this, "CdnOriginSecret")
                .description("PicPeak: the header CloudFront adds to origin requests, so the API believes its viewer address")
                .generateSecretString(SecretStringGenerator.builder()
                        .passwordLength(48).excludePunctuation(true).includeSpace(false).build())
                .build();
    }

    /** The photo bucket: an existing one by name, or a private, encrypted, TLS-only, versioned one. */
    private IBucket bucket() {
        if (settings.bucketName().isPresent()) {
            return Bucket.fromBucketName(this, "Photos", settings.bucketName().get());
        }
        String root = settings.bucketPrefix().isEmpty() ? "" : settings.bucketPrefix() + "/";
        Bucket photos = Bucket.Builder.create(this, "Photos")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                // versions let an overwritten or deleted photo be recovered (README: Backups)
                .versioned(true)
                .lifecycleRules(List.of(
                        LifecycleRule.builder().id("abort-incomplete-multipart-uploads")
                                .abortIncompleteMultipartUploadAfter(Duration.days(7)).build(),
                        // Replaced Download All caches, archives of restored events and deleted photos live on
                        // as noncurrent versions: kept 30 days for recovery, then removed.
                        LifecycleRule.builder().id("expire-stale-versions")
                                .noncurrentVersionExpiration(Duration.days(30))
                                .expiredObjectDeleteMarker(true).build(),
                        // a presigned direct upload that was never completed; an imported one (removed once
                        // imported) keeps no 30-day noncurrent copy of itself
                        LifecycleRule.builder().id("expire-abandoned-direct-uploads")
                                .prefix(root + STAGED_UPLOADS_FOLDER).expiration(Duration.days(2))
                                .noncurrentVersionExpiration(Duration.days(1)).build(),
                        // a large download with a guest's fingerprint, stored only to be handed out by presigned URL
                        LifecycleRule.builder().id("expire-fingerprinted-downloads")
                                .prefix(root + FINGERPRINTED_FOLDER).expiration(Duration.days(1))
                                .noncurrentVersionExpiration(Duration.days(1)).build()))
                // the admin page uploads straight to the bucket with presigned PUTs (the URL is the credential)
                .cors(List.of(CorsRule.builder()
                        .allowedMethods(List.of(HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD))
                        .allowedOrigins(List.of("*")).allowedHeaders(List.of("*")).exposedHeaders(List.of("ETag"))
                        .maxAge(3600).build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        if (settings.pushImport()) {
            // push import: object events to EventBridge, set on the bucket itself (the L2 switch would add a custom
            // resource function); an existing bucket: enable it on the bucket yourself (docs/auto-import.md)
            ((CfnBucket) photos.getNode().getDefaultChild()).setNotificationConfiguration(
                    CfnBucket.NotificationConfigurationProperty.builder().eventBridgeConfiguration(
                            CfnBucket.EventBridgeConfigurationProperty.builder().eventBridgeEnabled(true).build()).build());
        }
        return photos;
    }

    private Table catalogTable() {
        Table catalog = Table.Builder.create(this, "Catalog")
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                // access tokens, rate counters, webhook logs and access-log entries carry an expiry
                .timeToLiveAttribute("ttl")
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        catalog.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder().indexName(CATALOG_INDEX)
                .partitionKey(Attribute.builder().name("gsi1pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("gsi1sk").type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());
        return catalog;
    }

    /** The admin token: an existing secret, or a generated one; the functions read it at start, by ARN. */
    private ISecret adminTokenSecret() {
        if (settings.adminTokenSecretArn().isPresent()) {
            return Secret.fromSecretCompleteArn(this, "AdminToken", settings.adminTokenSecretArn().get());
        }
        return Secret.Builder.create(this, "AdminToken")
                .description("PicPeak admin API bearer token (ADMIN_TOKEN)")
                .generateSecretString(SecretStringGenerator.builder()
                        .passwordLength(48).excludePunctuation(true).includeSpace(false).build())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    /**
     * Two alarms for jobs (no notification target: add an SNS action or look at the console): a job that failed for
     * good (the worker logs {@value #JOB_FAILED_TOKEN}), and any message on the dead-letter queue.
     */
    private void failedJobAlarms(Function worker) {
        MetricFilter failed = MetricFilter.Builder.create(this, "FailedJobsFilter")
                .logGroup(worker.getLogGroup())
                .filterPattern(FilterPattern.allTerms(JOB_FAILED_TOKEN))
                .metricNamespace(METRIC_NAMESPACE)
                .metricName("FailedJobs")
                .metricValue("1")
                .unit(Unit.COUNT)
                .build();
        Alarm failedJobs = Alarm.Builder.create(this, "FailedJobsAlarm")
                .alarmDescription("PicPeak: a job failed for good (worker log line " + JOB_FAILED_TOKEN + ")")
                .metric(failed.metric(MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build()))
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        Alarm deadLetters = Alarm.Builder.create(this, "JobDeadLettersAlarm")
                .alarmDescription("PicPeak: job messages on the dead-letter queue (delivered 5 times without success)")
                .metric(jobDeadLetters.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum").period(Duration.minutes(5)).build()))
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        CfnOutput.Builder.create(this, "JobAlarms").description("the CloudWatch alarms on failed jobs")
                .value(failedJobs.getAlarmName() + " " + deadLetters.getAlarmName()).build();
    }

    private Function function(String id, String handler, Code code, int memoryMb, Duration timeout,
                              Map<String, String> extraEnvironment, boolean snapStart) {
        return function(id, handler, code, memoryMb, timeout, extraEnvironment, snapStart, fn -> { });
    }

    /**
     * One function with its own role and log group. The role starts empty: logs of its own group only,
     * the admin token secret, then what the caller adds. {@code tune} sets what only some functions have
     * (reserved concurrency, asynchronous retries).
     */
    private Function function(String id, String handler, Code code, int memoryMb, Duration timeout,
                              Map<String, String> extraEnvironment, boolean snapStart, Consumer<Function.Builder> tune) {
        LogGroup logs = LogGroup.Builder.create(this, id + "Logs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Role role = Role.Builder.create(this, id + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("PicPeak " + id + " function")
                .build();
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                .resources(List.of(logs.getLogGroupArn())).build());

        Map<String, String> environment = new LinkedHashMap<>(runtimeEnvironment());
        environment.putAll(extraEnvironment);
        Function.Builder builder = Function.Builder.create(this, id)
                .description("PicPeak " + id)
                // java21 on Graviton; the bytecode stays release 17 (local mode runs on 17: docs/lambda-runtime.md)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(handler)
                .code(code)
                .memorySize(memoryMb)
                .timeout(timeout)
                .role(role)
                .logGroup(logs)
                // Lambda's JSON log format: its own records and the functions' (JSON lines through SLF4J) as JSON
                .loggingFormat(LoggingFormat.JSON)
                .applicationLogLevelV2(ApplicationLogLevel.INFO)
                .systemLogLevelV2(SystemLogLevel.INFO) // START and REPORT lines (duration, memory, init) are INFO
                .tracing(Tracing.ACTIVE)
                .environment(environment);
        if (snapStart) {
            builder.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        }
        tune.accept(builder);
        Function function = builder.build();
        functions.put(id, function);
        return function;
    }

    /**
     * The HTTP API's access log (one JSON line per request, with the request id the functions log too), kept a month.
     * Through the stage's CloudFormation properties: the L2 default stage takes no access log settings.
     */
    private void apiAccessLogs(HttpApi api) {
        LogGroup accessLogs = LogGroup.Builder.create(this, "ApiAccessLogs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        CfnStage stage = (CfnStage) api.getDefaultStage().getNode().getDefaultChild();
        stage.setAccessLogSettings(CfnStage.AccessLogSettingsProperty.builder()
                .destinationArn(accessLogs.getLogGroupArn())
                .format(ACCESS_LOG_FORMAT)
                .build());
    }

    /** The access log line: API Gateway's $context variables as JSON (requestId matches the functions' correlation id). */
    static final String ACCESS_LOG_FORMAT = "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\","
            + "\"requestTime\":\"$context.requestTime\",\"method\":\"$context.httpMethod\",\"routeKey\":\"$context.routeKey\","
            + "\"path\":\"$context.path\",\"status\":\"$context.status\",\"responseLength\":\"$context.responseLength\","
            + "\"latencyMs\":\"$context.responseLatency\",\"integrationStatus\":\"$context.integrationStatus\","
            + "\"integrationError\":\"$context.integrationErrorMessage\",\"userAgent\":\"$context.identity.userAgent\"}";

    /**
     * Alarms without a notification target (add an SNS action, or watch the console): any error or throttle of a
     * function within five minutes, and any 5xx answer of the API.
     */
    private void functionAlarms(HttpApi api) {
        List<String> names = new ArrayList<>();
        functions.forEach((id, function) -> {
            names.add(alarm(id + "ErrorsAlarm", "PicPeak " + id + ": the function failed (errors)",
                    function.metricErrors(sumOverFiveMinutes())).getAlarmName());
            names.add(alarm(id + "ThrottlesAlarm", "PicPeak " + id + ": invocations were throttled",
                    function.metricThrottles(sumOverFiveMinutes())).getAlarmName());
            // Lambda stopped a chain of invocations it took for a loop (the message went to the dead-letter queue)
            names.add(alarm(id + "RecursionAlarm", "PicPeak " + id + ": Lambda stopped a recursive chain of invocations",
                    function.metric("RecursiveInvocationsDropped", sumOverFiveMinutes())).getAlarmName());
        });
        names.add(alarm("Api5xxAlarm", "PicPeak API: answers with a 5xx status",
                api.metricServerError(sumOverFiveMinutes())).getAlarmName());
        CfnOutput.Builder.create(this, "FunctionAlarms").description("the CloudWatch alarms on functions and the API")
                .value(String.join(" ", names)).build();
    }

    private static MetricOptions sumOverFiveMinutes() {
        return MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build();
    }

    private Alarm alarm(String id, String description, IMetric metric) {
        return Alarm.Builder.create(this, id)
                .alarmDescription(description)
                .metric(metric)
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
    }

    /**
     * The admin token's secret: only the HTTP functions read it (admin requests, and the guest keys derived from it).
     * The job functions are given its ARN, as every function's configuration names it, but never read it (AdminToken
     * reads it when first needed).
     */
    private void allowAdminTokenRead(Function function) {
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("secretsmanager:GetSecretValue"))
                .resources(List.of(adminToken.getSecretArn())).build());
    }

    /** What every function reads at start (shared StorageConfig and AppConfig). */
    private Map<String, String> runtimeEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STORAGE_BACKEND", "s3");
        env.put("STORAGE_S3_BUCKET", bucket.getBucketName());
        env.put("STORAGE_S3_REGION", Aws.REGION); // an existing bucket must be in the stack's region
        if (!settings.bucketPrefix().isEmpty()) {
            env.put("STORAGE_S3_PREFIX", settings.bucketPrefix());
        }
        env.put("CATALOG_TABLE", table.getTableName());
        env.put("EVENT_BUS_NAME", bus.getEventBusName());
        env.put("ADMIN_TOKEN_SECRET_ARN", adminToken.getSecretArn());
        env.put("STORAGE_AUTO_IMPORT", Boolean.toString(settings.autoImport()));
        env.put("STORAGE_AUTO_IMPORT_INTERVAL_MS", Long.toString(settings.autoImportIntervalMs()));
        env.put("STORAGE_PUSH_IMPORT", Boolean.toString(settings.pushImport()));
        settings.endpoint().ifPresent(endpoint -> {
            // an emulator: S3 through the storage settings, every other client through the SDK's standard variable
            env.put("STORAGE_S3_ENDPOINT", endpoint);
            env.put("STORAGE_S3_SSL", Boolean.toString(endpoint.startsWith("https:")));
            env.put("AWS_ENDPOINT_URL", endpoint);
        });
        return env;
    }

    /** Objects under the prefix (or the whole bucket) with these actions; listing only under the prefix. */
    private void allowStorage(Function function, List<String> objectActions) {
        String prefix = settings.bucketPrefix();
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(objectActions)
                .resources(List.of(bucket.arnForObjects(prefix.isEmpty() ? "*" : prefix + "/*"))).build());
        PolicyStatement.Builder list = PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(bucket.getBucketArn()));
        if (!prefix.isEmpty()) {
            list.conditions(Map.of("StringLike", Map.of("s3:prefix", List.of(prefix + "/*"))));
        }
        function.addToRolePolicy(list.build());
    }

    private void allowCatalog(Function function, List<String> actions, boolean adminListIndex) {
        List<String> resources = new ArrayList<>(List.of(table.getTableArn()));
        if (adminListIndex) {
            resources.add(table.getTableArn() + "/index/" + CATALOG_INDEX);
        }
        function.addToRolePolicy(PolicyStatement.Builder.create().actions(actions).resources(resources).build());
    }

    /** Submitting jobs: send messages to the job queue, nothing else on it. */
    private void allowJobSubmission(Function function) {
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(JOB_QUEUE_SEND).resources(List.of(jobQueue.getQueueArn())).build());
    }

    private void allowEvents(Function function) {
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("events:PutEvents")).resources(List.of(bus.getEventBusArn())).build());
    }

    /**
     * The version API Gateway, the job queue and the schedules invoke: with SnapStart, only a published version runs
     * from the snapshot.
     */
    private IFunction live(Function function) {
        if (!settings.snapStart()) {
            return function;
        }
        return liveAlias(function).build();
    }

    /**
     * As {@link #live(Function)}, for a function a schedule invokes asynchronously, with its retries and the age past
     * which an event is dropped. They belong to what is invoked: the alias with SnapStart, else the function.
     */
    private IFunction live(Function function, int retryAttempts, Duration maxEventAge) {
        if (!settings.snapStart()) {
            function.configureAsyncInvoke(EventInvokeConfigOptions.builder()
                    .retryAttempts(retryAttempts).maxEventAge(maxEventAge).build());
            return function;
        }
        return liveAlias(function).retryAttempts(retryAttempts).maxEventAge(maxEventAge).build();
    }

    private Alias.Builder liveAlias(Function function) {
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "the alias 'live' publishes a version on every code or configuration change");
        return Alias.Builder.create(this, function.getNode().getId() + "Live")
                .aliasName("live").version(function.getCurrentVersion());
    }

    private void route(HttpApi api, String id, IFunction target, List<String> routeKeys) {
        HttpLambdaIntegration integration = new HttpLambdaIntegration(id + "Integration", target);
        for (String routeKey : routeKeys) {
            String[] methodAndPath = routeKey.split(" ", 2);
            api.addRoutes(AddRoutesOptions.builder()
                    .path(methodAndPath[1])
                    .methods(List.of(HttpMethod.valueOf(methodAndPath[0])))
                    .integration(integration)
                    .build());
        }
    }
}
