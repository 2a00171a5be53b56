package com.picpeak.app;

import com.picpeak.admin.DirectUploads;
import com.picpeak.downloadall.DownloadAllService;
import com.picpeak.eventarchive.EventArchiver;
import com.picpeak.zip.ZipParts;
import com.picpeak.autoimport.AutoImportPolls;
import com.picpeak.catalog.Catalog;
import com.picpeak.autoimport.AutoImportState;
import com.picpeak.gallery.EventDeletion;
import com.picpeak.jobs.JobJson;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobQueue;
import com.picpeak.jobs.JobRunner;
import com.picpeak.jobs.JobSettings;
import com.picpeak.jobs.JobStep;
import com.picpeak.jobs.JobStore;
import com.picpeak.jobs.JobWorker;
import com.picpeak.jobs.Jobs;
import com.picpeak.jobs.LocalJobQueue;
import com.picpeak.jobs.SqsJobQueue;
import com.picpeak.autoimport.ExternalFolders;
import com.picpeak.autoimport.PrefixWalker;
import com.picpeak.autoimport.PushImportLanes;
import com.picpeak.autoimport.PushImporter;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.ExpiredItems;
import com.picpeak.catalog.ScheduledRuns;
import com.picpeak.notify.EventBridgeSink;
import com.picpeak.protect.ImageProtection;
import com.picpeak.protect.ProtectionStore;
import com.picpeak.notify.DomainEventSink;
import com.picpeak.notify.WebhookSettings;
import com.picpeak.notify.WebhookStore;
import com.picpeak.notify.Webhooks;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.FavouriteStore;
import com.picpeak.gallery.Favourites;
import com.picpeak.gallery.ApiTokens;
import com.picpeak.gallery.ActivityCounts;
import com.picpeak.gallery.DownloadLimits;
import com.picpeak.gallery.GalleryService;
import com.picpeak.gallery.GuestStore;
import com.picpeak.gallery.Guests;
import com.picpeak.gallery.GuessStore;
import com.picpeak.gallery.GuestSessions;
import com.picpeak.gallery.PasswordGuesses;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.gallery.SessionIssuance;
import com.picpeak.ingest.ImportService;
import com.picpeak.ingest.Orphans;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.media.RenditionMaker;
import com.picpeak.rendition.RenditionClaims;
import com.picpeak.rendition.TierRenditions;
import com.picpeak.metrics.EmfMetrics;
import com.picpeak.metrics.LoggedMetrics;
import com.picpeak.metrics.Metrics;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.BlobStores;
import com.picpeak.storage.ByteRange;
import com.picpeak.storage.ConfigException;
import com.picpeak.storage.EnvReader;
import com.picpeak.storage.Keys;
import com.picpeak.storage.ProcessCredentials;
import com.picpeak.storage.SentinelCheck;
import com.picpeak.storage.StorageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.utils.Lazy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Everything one process (a Lambda container or the local server) needs, built once from the
 * environment: configuration, the start-up check, storage, catalog and the services. Handlers only
 * translate HTTP to calls on these services.
 */
public final class PicPeakRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PicPeakRuntime.class);

    /** Where the code runs: it decides the delivery policy (response size cap) and who creates the table. */
    public enum Shape { LOCAL, SERVERLESS }

    private final Shape shape;
    private final StorageConfig storageConfig;
    private final AppConfig appConfig;
    private final AdminToken adminToken;
    private final SentinelCheck.Result startupCheck;
    private final BlobStore store;
    private final Catalog catalog;
    private final EventService events;
    private final Lazy<byte[]> keyMaterial;
    private final Lazy<GalleryService> gallery;
    private final Lazy<Guests> guests;
    private final Lazy<Favourites> favourites;
    private final DownloadLimits downloadLimits;
    private final ActivityCounts activity;
    private final ApiTokens apiTokens;
    /** How many requests one API token may make in a minute, across instances. */
    public static final long API_TOKEN_USES_PER_MINUTE = 600;
    private final ImportService imports;
    private final Orphans orphans;
    private final DirectUploads directUploads;
    private final RenditionMaker renditions;
    private final TierRenditions tiers;
    private final DownloadAllService downloadAll;
    private final EventArchiver archiver;
    private final EventDeletion deletions;
    private final AutoImportPolls autoImportPolls;
    private final JobSettings jobSettings;
    private final JobQueue jobQueue;
    private final Jobs jobs;
    private final Map<JobKind, JobStep> jobSteps;
    private final JobStore jobStore;
    /** Renamed after a SnapStart restore ({@link #renewAfterRestore}): every restored environment its own owner. */
    private volatile JobRunner jobRunner;
    private volatile JobWorker jobWorker;
    private final ExpiredItems expiredItems;
    private final ScheduledRuns scheduledRuns;
    private final AutoImportState autoImportState;
    private final Webhooks webhooks;
    private final DomainEventSink eventSink;
    private final ExternalFolders externalFolders;
    private final Lazy<ImageProtection> protection;
    private final Clock clock;
    private final Metrics metrics;
    private PushImportLanes pushImportLanes;

    private PicPeakRuntime(Shape shape, StorageConfig storageConfig, AppConfig appConfig, AdminToken adminToken,
                           SentinelCheck.Result startupCheck, BlobStore store, Catalog catalog, Clock clock,
                           JobSettings jobSettings, JobQueue jobQueue, DynamoTable table,
                           WebhookSettings webhookSettings, String eventBusName) {
        this.shape = shape;
        this.storageConfig = storageConfig;
        this.appConfig = appConfig;
        this.adminToken = adminToken;
        this.startupCheck = startupCheck;
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
        // Lambda: embedded metric format lines that CloudWatch turns into metrics; local mode: log lines
        this.metrics = shape == Shape.SERVERLESS ? new EmfMetrics(System.out, clock) : new LoggedMetrics();
        PasswordHasher hasher = new PasswordHasher();
        this.autoImportState = new AutoImportState(table);
        this.webhooks = new Webhooks(new WebhookStore(table), webhookSettings, clock);
        // AWS: the stack's bus, whose rules deliver; otherwise (local mode, tests) signed webhooks from here
        this.eventSink = eventBusName != null ? new EventBridgeSink(AwsClients::eventBridge, eventBusName) : webhooks;
        this.externalFolders = new ExternalFolders(catalog, autoImportState, storageConfig.externalMediaRoot());
        FavouriteStore favouriteStore = new FavouriteStore(table);
        this.events = new EventService(catalog, store, hasher, clock, eventSink, favouriteStore);
        // keys of sessions and fingerprints: from the catalog's random secret with the admin token (never the token
        // alone); derived when a guest request first needs them, so the job functions never read the token's secret
        this.apiTokens = new ApiTokens(table, API_TOKEN_USES_PER_MINUTE, clock);
        this.keyMaterial = new Lazy<>(() -> ServerSecret.keyMaterial(table, adminToken.current()));
        this.guests = new Lazy<>(() -> new Guests(new GuestStore(table), favouriteStore, keyMaterial.getValue(), clock));
        this.favourites = new Lazy<>(() -> new Favourites(catalog, favouriteStore, guests.getValue(), eventSink, clock));
        this.gallery = new Lazy<>(() -> new GalleryService(catalog, hasher, new GuestSessions(
                GuestSessions.deriveKey(keyMaterial.getValue()), GuestSessions.DEFAULT_VALIDITY, clock),
                new PasswordGuesses(new GuessStore(table), appConfig.passwordGuesses(), keyMaterial.getValue(), clock),
                new SessionIssuance(table, keyMaterial.getValue(), appConfig.sessionsPerMinute(), clock),
                guests.getValue(), apiTokens, clock));
        this.downloadLimits = new DownloadLimits(table, catalog, clock);
        this.activity = new ActivityCounts(table, appConfig.activityRetention(), clock);
        ImageProbe probe = new ImageProbe(appConfig.maxImagePixels(), appConfig.maxMetadataBytes());
        ImageScaler renderer = new ImageScaler();
        this.imports = new ImportService(catalog, store, probe, renderer, clock, appConfig.maxUploadBytes(), eventSink);
        imports.useMetrics(metrics);
        this.renditions = new RenditionMaker(store, probe, renderer);
        this.tiers = new TierRenditions(store, probe, renderer, renditions, new RenditionClaims(table), clock);
        this.protection = new Lazy<>(() -> ImageProtection.create(store, renditions, tiers, renderer,
                new ProtectionStore(table), keyMaterial.getValue(), appConfig.imageRequestsPerMinute(),
                appConfig.imageNetworkRequestsPerMinute(), appConfig.tierUrlWindow(), clock));
        this.jobSettings = jobSettings;
        this.jobQueue = jobQueue;
        JobStore jobStore = new JobStore(table);
        this.jobs = new Jobs(jobStore, jobQueue, jobSettings, clock);
        this.downloadAll = new DownloadAllService(catalog, store, renditions, tiers, clock);
        ZipParts zipParts = new ZipParts(store, table, jobs, clock);
        downloadAll.useJobs(jobs, zipParts);
        this.archiver = new EventArchiver(catalog, store, imports, jobs, zipParts, clock);
        // with a watcher (the local backend's), the walker or push import, a file in an event's folder without a row
        // is theirs to import: only thumbnails and, without them, import leftovers are orphans
        this.orphans = new Orphans(catalog, store, clock, storageConfig.backend() == StorageConfig.Backend.LOCAL
                || storageConfig.autoImport() || storageConfig.pushImport());
        this.deletions = new EventDeletion(catalog, store, jobs, clock);
        this.autoImportPolls = new AutoImportPolls(jobs, this::prefixWalker);
        this.directUploads = new DirectUploads(events, imports, catalog, store, jobs, clock);
        this.jobSteps = Map.of(
                JobKind.EVENT_ARCHIVE, archiver.archiveStep(jobSettings.partBytes()),
                JobKind.EVENT_ARCHIVE_PART, archiver.partStep(),
                JobKind.EVENT_RESTORE, archiver.restoreStep(),
                JobKind.EVENT_DELETE, deletions.step(),
                JobKind.ARCHIVE_SWEEP, archiver.sweepStep(orphans),
                JobKind.AUTO_IMPORT_POLL, autoImportPolls.step(),
                JobKind.DOWNLOAD_ALL_BUILD, downloadAll.buildStep(jobSettings.partBytes()),
                JobKind.DOWNLOAD_ALL_PART, downloadAll.partStep(),
                JobKind.DIRECT_UPLOAD_IMPORT, directUploads.importStep());
        this.jobStore = jobStore;
        nameJobOwner();
        this.expiredItems = new ExpiredItems(table);
        this.scheduledRuns = new ScheduledRuns(table);
    }

    /** A job runner and worker under a new owner name; local mode's queue hands its jobs to that worker. */
    private void nameJobOwner() {
        JobRunner named = jobRunner(JobRunner.newOwner(shape.name().toLowerCase()));
        this.jobRunner = named;
        this.jobWorker = new JobWorker(named, jobStore, jobQueue, clock);
        if (jobQueue instanceof LocalJobQueue local) {
            local.attach(jobWorker);
        }
    }

    /**
     * Parses the configuration (every problem at once), runs the start-up check (refusing to start on
     * failure) and wires the services.
     *
     * @param adminToken the admin token; in local mode generated when not configured; null in the serverless
     *                   shape, which requires {@code ADMIN_TOKEN} or {@code ADMIN_TOKEN_SECRET_ARN}
     */
    public static PicPeakRuntime start(Shape shape, Map<String, String> env, DynamoDbClient dynamo, String adminToken) {
        return start(shape, env, dynamo, adminToken, null);
    }

    /**
     * As {@link #start(Shape, Map, DynamoDbClient, String)}, with the SQS client of the job queue given (tests
     * point it at an in-process SQS server); null builds the standard one when {@code JOB_QUEUE_URL} is set.
     */
    public static PicPeakRuntime start(Shape shape, Map<String, String> env, DynamoDbClient dynamo, String adminToken,
                                       SqsClient sqs) {
        return start(shape, env, dynamo, adminToken, sqs, Clock.systemUTC());
    }

    /** As {@link #start(Shape, Map, DynamoDbClient, String, SqsClient)} on {@code clock} (tests move time). */
    public static PicPeakRuntime start(Shape shape, Map<String, String> env, DynamoDbClient dynamo, String adminToken,
                                       SqsClient sqs, Clock clock) {
        EnvReader reader = new EnvReader(env);
        StorageConfig storageConfig = null;
        AppConfig appConfig = null;
        try {
            storageConfig = StorageConfig.fromEnv(env);
        } catch (ConfigException e) {
            reader.addAll(e.problems());
        }
        try {
            appConfig = AppConfig.fromEnv(env);
        } catch (ConfigException e) {
            reader.addAll(e.problems());
        }
        WebhookSettings webhookSettings = WebhookSettings.fromEnv(reader);
        JobSettings jobSettings = JobSettings.fromEnv(reader);
        AdminToken admin = null;
        if (adminToken != null) {
            admin = AdminToken.fixed(adminToken);
        } else if (appConfig != null && appConfig.adminToken().isPresent()) {
            admin = AdminToken.fixed(appConfig.adminToken().get());
        } else if (appConfig != null && appConfig.adminTokenSecretArn().isPresent()) {
            // read when first needed (an admin request, a guest session's key): the job functions never need it
            AppConfig app = appConfig;
            admin = AdminToken.fromSecret(() -> app.resolveAdminToken(AwsClients::readAdminTokenSecret).orElseThrow(), clock);
        } else if (appConfig != null) {
            reader.problem(AppConfig.ADMIN_TOKEN, "is required in the serverless "
                    + "shape: set it, or " + AppConfig.ADMIN_TOKEN_SECRET_ARN + " to the Secrets Manager secret "
                    + "holding it (the stack does)");
        }
        reader.throwIfAny();
        SentinelCheck.Result check = SentinelCheck.requireOk(storageConfig, startupPatience(env));
        if (shape == Shape.LOCAL) {
            DynamoCatalog.createTableIfMissing(dynamo, appConfig.catalogTable());
        }
        String queueUrl = reader.text(JOB_QUEUE_URL);
        // Serverless: the stack's queue and worker function; without one (local mode, tests, sam local
        // without the queue) a bounded pool of threads in this process runs the jobs.
        JobQueue queue = queueUrl != null ? (sqs != null ? new SqsJobQueue(sqs, queueUrl) : new SqsJobQueue(AwsClients::sqs, queueUrl))
                : new LocalJobQueue(jobSettings.workers(), clock);
        return new PicPeakRuntime(shape, storageConfig, appConfig, admin, check, BlobStores.open(storageConfig),
                new DynamoCatalog(dynamo, appConfig.catalogTable()), clock, jobSettings, queue,
                new DynamoTable(dynamo, appConfig.catalogTable()), webhookSettings, reader.text(EVENT_BUS_NAME));
    }

    /** Set by Lambda: {@code snap-start} while a version is published with SnapStart (its init may take minutes). */
    public static final String LAMBDA_INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE";
    /** How long a SnapStart publish waits for its role to propagate and its store and secret to answer. */
    public static final Duration SNAPSTART_PUBLISH_PATIENCE = Duration.ofMinutes(2);

    /**
     * How long the start-up check may try again: at a SnapStart publish, which runs once right after the deploy
     * created the function's role, {@link #SNAPSTART_PUBLISH_PATIENCE}; elsewhere not at all (an on-demand init has
     * 10 s, and local mode refuses a broken configuration at once).
     */
    static Duration startupPatience(Map<String, String> env) {
        return "snap-start".equals(env.get(LAMBDA_INITIALIZATION_TYPE)) ? SNAPSTART_PUBLISH_PATIENCE : Duration.ZERO;
    }

    /** The EventBridge bus that receives domain events (set by the stack); unset: signed webhooks from here. */
    public static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";

    /** The SQS queue of jobs (set by the stack); unset: jobs run on threads of this process. */
    public static final String JOB_QUEUE_URL = "JOB_QUEUE_URL";

    public Shape shape() {
        return shape;
    }

    public StorageConfig storageConfig() {
        return storageConfig;
    }

    public AppConfig appConfig() {
        return appConfig;
    }

    /** The admin token's value as last read (for a request this process makes to itself: the SnapStart priming). */
    public String currentAdminToken() {
        return adminToken.current();
    }

    /**
     * What checks a presented admin token: compared in constant time and read again from its secret when due
     * ({@link AdminToken}).
     */
    public AdminToken adminTokenChecker() {
        return adminToken;
    }

    public SentinelCheck.Result startupCheck() {
        return startupCheck;
    }

    public BlobStore store() {
        return store;
    }

    public Catalog catalog() {
        return catalog;
    }

    public EventService events() {
        return events;
    }

    /** Guests' access (built on first use: its keys need the admin token; a failure is tried again next time). */
    public GalleryService gallery() {
        return gallery.getValue();
    }

    /** Scoped API tokens: created, listed and revoked by the admin; used on the guest API. */
    public ApiTokens apiTokens() {
        return apiTokens;
    }

    /** Events' download limits: photos granted per downloader, before the first byte. */
    /** Views and downloads per photo, downloader and hour (the activity report). */
    public ActivityCounts activity() {
        return activity;
    }

    public DownloadLimits downloadLimits() {
        return downloadLimits;
    }

    /** Direct uploads: a presigned PUT, then the import as a job. */
    /** An event's guests (guest identity, docs/selections.md). */
    public Guests guests() {
        return guests.getValue();
    }

    /** The guests' favourites and selections. */
    public Favourites favourites() {
        return favourites.getValue();
    }

    public DirectUploads directUploads() {
        return directUploads;
    }

    /** Files that failed imports left without a row (local mode at start; the sweep). */
    public Orphans orphans() {
        return orphans;
    }

    public ImportService imports() {
        return imports;
    }

    public TierRenditions tiers() {
        return tiers;
    }

    public RenditionMaker renditions() {
        return renditions;
    }

    /** What guests' image requests are answered with, by each event's protection level. */
    public ImageProtection protection() {
        return protection.getValue();
    }

    public DownloadAllService downloadAll() {
        return downloadAll;
    }

    public EventArchiver archiver() {
        return archiver;
    }

    /** Deleting events (a job). */
    public EventDeletion deletions() {
        return deletions;
    }

    /** Jobs: submitting, finding and listing them. */
    public Jobs jobs() {
        return jobs;
    }

    /** Runs jobs' steps in this process (the worker function, the poller, local mode's threads). */
    public JobRunner jobRunner() {
        return jobRunner;
    }

    /** Another runner of the same jobs under its own name (a second worker of this process, in tests). */
    public JobRunner jobRunner(String owner) {
        return new JobRunner(jobs.store(), jobSteps, jobSettings, clock, owner).useMetrics(metrics);
    }

    /** Runs a delivered job and hands on what is left (the worker function's and local mode's entry). */
    public JobWorker jobWorker() {
        return jobWorker;
    }

    /**
     * SnapStart priming of the job functions (worker, sweep, poller), before the snapshot: only reads. The start-up
     * check already made the sentinel HEAD; this reads an absent job (the catalog's client and connection), asks the
     * store for an absent object (the store's S3 client), reads the job queue's attributes (the SQS client), parses
     * a job document (JSON) and loads the image codecs, so the first job after a restore costs about what a warm one
     * does.
     */
    public void primeJobFunction() {
        warm("a job read", () -> jobs.find(PRIMING_ABSENT_ID));
        warm("an object's HEAD", () -> store.head(PRIMING_ABSENT_KEY));
        if (jobQueue instanceof SqsJobQueue sqs) {
            warm("the job queue's attributes", sqs::probe);
        }
        warm("a job document", () -> JobJson.tree(JobJson.write(Map.of("primedAt", clock.instant()))));
        warm("the image codecs", ImageProbe::loadCodecs);
    }

    /**
     * SnapStart priming of the HTTP functions, before the snapshot and beside the requests their priming sends through
     * the container, which stop at the absent event's 404: only reads, those the requests never reach, and only ones
     * every HTTP function's role allows. A page of the absent event's photos (the catalog's Query), the first byte of
     * the store's sentinel object (the store's GET, which Download All and the inline answers stream; the start-up
     * check made sure it exists, and an absent key would answer 403, not 404, where the role may list only a prefix)
     * an absent job (Download All's progress), and ImageIO's codecs (uploads, renditions, tiles), so the first request
     * after a restore costs about what a warm one does.
     */
    public void primeHttpFunction() {
        warm("a page of an event's photos", () -> catalog.listPhotos(PRIMING_ABSENT_EVENT, 1, null));
        warm("an object's GET", () -> {
            try (BlobRead read = store.get(Keys.SENTINEL, ByteRange.of(0, 0))) {
                read.stream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        warm("a job read", () -> jobs.find(PRIMING_ABSENT_ID));
        warm("the image codecs", ImageProbe::loadCodecs);
    }

    /**
     * One warm-up read of the priming: best effort, since a read that fails still built its client, and a publish
     * must not fail for a warm-up (the start-up check, which did run, is what refuses a broken configuration).
     */
    private static void warm(String what, Runnable read) {
        try {
            read.run();
        } catch (RuntimeException e) {
            log.warn("SnapStart priming: {} failed ({}); the first call after a restore does it", what, e.toString());
        }
    }

    /**
     * A job id of the right form that is never given (ids start with their creation time in base 36: this one's is
     * 1970), and a key outside every event's prefix.
     */
    static final String PRIMING_ABSENT_ID = "j0-00000000";
    static final String PRIMING_ABSENT_KEY = "picpeak-priming/absent-object";
    /** A valid slug no one creates: every priming read of an event finds nothing, so nothing is counted or written. */
    public static final String PRIMING_ABSENT_EVENT = "picpeak-priming-absent-event";

    /**
     * After a SnapStart restore: what the snapshot froze that belongs to its time or must be unique. Credentials are
     * dropped and fetched again, the admin token is read again by the next request that presents one (when it was
     * read before the snapshot; never inside the restore's 10 s hook), and the job runner takes a new owner name (every
     * restored environment would otherwise claim jobs under the same name).
     */
    public void renewAfterRestore() {
        ProcessCredentials.INSTANCE.renew();
        adminToken.readAgainWhenNextUsed();
        nameJobOwner();
    }

    /** Removes catalog items past their {@code ttl} (local mode's timer; DynamoDB does it in AWS). */
    public ExpiredItems expiredItems() {
        return expiredItems;
    }

    /** Which process runs a timer's interval, when several run the same timers on one catalog. */
    public ScheduledRuns scheduledRuns() {
        return scheduledRuns;
    }

    /** S3 auto-import polls as jobs ("poll now", and the schedule's). */
    public AutoImportPolls autoImportPolls() {
        return autoImportPolls;
    }

    /** Where operational figures go (CloudWatch embedded metric format in Lambda, log lines in local mode). */
    public Metrics metrics() {
        return metrics;
    }

    public Clock clock() {
        return clock;
    }

    public AutoImportState autoImportState() {
        return autoImportState;
    }

    public Webhooks webhooks() {
        return webhooks;
    }

    /** True when domain events go to EventBridge (whose rules deliver webhooks), not to our own webhooks. */
    public boolean eventsGoToEventBridge() {
        return eventSink instanceof EventBridgeSink;
    }

    public ExternalFolders externalFolders() {
        return externalFolders;
    }

    /** The S3 prefix walker; one poll per call of {@link PrefixWalker#poll()}. Only for the S3 backend. */
    public PrefixWalker prefixWalker() {
        if (storageConfig.backend() != StorageConfig.Backend.S3) {
            throw new IllegalStateException("the prefix walker is for the S3 backend; local mode watches folders");
        }
        return new PrefixWalker(catalog, store, imports, autoImportState, clock, storageConfig.autoImportInterval(),
                storageConfig.pushImport());
    }

    /**
     * Push import: applies the photo bucket's notifications through the one import path. Only for the S3 backend
     * (local mode's folder watcher is its own push).
     */
    public PushImporter pushImporter() {
        return newPushImporter();
    }

    /**
     * Local mode's push import: the notifications {@code POST /api/hooks/storage-events} accepted, applied by
     * {@code PICPEAK_STORAGE_EVENTS_CONCURRENCY} imports at once (made on first use, stopped by {@link #close}).
     */
    public synchronized PushImportLanes pushImportLanes() {
        if (pushImportLanes == null) {
            PushImporter importer = newPushImporter();
            pushImportLanes = new PushImportLanes(importer::apply, appConfig.storageEventsConcurrency(),
                    PUSH_QUEUE_PER_LANE);
        }
        return pushImportLanes;
    }

    /** Notifications waiting per lane: a burst of this many times the lanes is taken before senders are asked to wait. */
    static final int PUSH_QUEUE_PER_LANE = 5_000;

    private PushImporter newPushImporter() {
        StorageConfig.S3Settings s3 = storageConfig.s3().filter(x -> storageConfig.backend() == StorageConfig.Backend.S3)
                .orElseThrow(() -> new IllegalStateException("push import is for the S3 backend; local mode watches "
                        + "folders"));
        return new PushImporter(catalog, store, imports, autoImportState, s3.prefix(), s3.bucket(), metrics);
    }

    /**
     * Bytes a response may carry inline: unlimited in local mode (everything streams); under the
     * API Gateway/Lambda 6 MB cap in the serverless shape, where larger bodies go by presigned URL.
     */
    public long inlineResponseLimit() {
        return shape == Shape.SERVERLESS ? appConfig.inlineResponseBytes() : Long.MAX_VALUE;
    }

    @Override
    public void close() {
        webhooks.close();
        synchronized (this) {
            if (pushImportLanes != null) {
                pushImportLanes.close();
            }
        }
        if (jobQueue instanceof LocalJobQueue local) {
            local.close();
        }
        store.close();
    }
}
