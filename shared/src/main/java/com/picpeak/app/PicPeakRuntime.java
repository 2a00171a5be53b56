package com.picpeak.app;

import com.picpeak.archive.ArchiveBuilds;
import com.picpeak.archive.ArchiveService;
import com.picpeak.archive.BackgroundArchiveBuilds;
import com.picpeak.archive.EventArchiver;
import com.picpeak.archive.LambdaArchiveBuilds;
import com.picpeak.catalog.Catalog;
import com.picpeak.autoimport.AutoImportState;
import com.picpeak.autoimport.ExternalFolders;
import com.picpeak.autoimport.PrefixWalker;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.notify.EventBridgeSink;
import com.picpeak.protect.ImageProtection;
import com.picpeak.protect.ProtectionStore;
import com.picpeak.notify.EventSink;
import com.picpeak.notify.WebhookSettings;
import com.picpeak.notify.WebhookStore;
import com.picpeak.notify.Webhooks;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.GalleryService;
import com.picpeak.gallery.GuestSessions;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.Thumbnailer;
import com.picpeak.media.WatermarkService;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.BlobStores;
import com.picpeak.storage.ConfigException;
import com.picpeak.storage.SentinelCheck;
import com.picpeak.storage.StorageConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything one process (a Lambda container or the local server) needs, built once from the
 * environment: configuration, the start-up check, storage, catalog and the services. Handlers only
 * translate HTTP to calls on these services.
 */
public final class PicPeakRuntime implements AutoCloseable {

    /** Where the code runs: it decides the delivery policy (response size cap) and who creates the table. */
    public enum Shape { LOCAL, SERVERLESS }

    private final Shape shape;
    private final StorageConfig storageConfig;
    private final AppConfig appConfig;
    private final String adminToken;
    private final SentinelCheck.Result startupCheck;
    private final BlobStore store;
    private final Catalog catalog;
    private final EventService events;
    private final GalleryService gallery;
    private final ImportService imports;
    private final WatermarkService watermarks;
    private final ArchiveService archives;
    private final EventArchiver archiver;
    private final ArchiveBuilds archiveBuilds;
    private final AutoImportState autoImportState;
    private final Webhooks webhooks;
    private final EventSink eventSink;
    private final ExternalFolders externalFolders;
    private final ImageProtection protection;
    private final Clock clock;

    private PicPeakRuntime(Shape shape, StorageConfig storageConfig, AppConfig appConfig, String adminToken,
                           SentinelCheck.Result startupCheck, BlobStore store, Catalog catalog, Clock clock,
                           String archiveBuilderFunction, DynamoTable table, WebhookSettings webhookSettings,
                           String eventBusName) {
        this.shape = shape;
        this.storageConfig = storageConfig;
        this.appConfig = appConfig;
        this.adminToken = adminToken;
        this.startupCheck = startupCheck;
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
        PasswordHasher hasher = new PasswordHasher();
        this.autoImportState = new AutoImportState(table);
        this.webhooks = new Webhooks(new WebhookStore(table), webhookSettings, clock);
        // AWS: the stack's bus, whose rules deliver; otherwise (local mode, tests) signed webhooks from here
        this.eventSink = eventBusName != null ? new EventBridgeSink(AwsClients.eventBridge(), eventBusName) : webhooks;
        this.externalFolders = new ExternalFolders(catalog, autoImportState, storageConfig.externalMediaRoot());
        this.events = new EventService(catalog, store, hasher, clock, eventSink);
        this.gallery = new GalleryService(catalog, hasher, new GuestSessions(GuestSessions.deriveKey(adminToken),
                GuestSessions.DEFAULT_VALIDITY, clock), clock);
        ImageProbe probe = new ImageProbe(appConfig.maxImagePixels());
        Thumbnailer renderer = new Thumbnailer();
        this.imports = new ImportService(catalog, store, probe, renderer, clock, appConfig.maxUploadBytes(), eventSink);
        this.watermarks = new WatermarkService(store, probe, renderer);
        this.protection = new ImageProtection(store, watermarks, renderer, new ProtectionStore(table), adminToken,
                appConfig.imageRequestsPerMinute(), clock);
        this.archives = new ArchiveService(catalog, store, watermarks, clock);
        this.archiver = new EventArchiver(catalog, store, archives, imports, clock);
        // Serverless: the stack names the builder function; without one (tests, sam local) a thread builds.
        this.archiveBuilds = shape == Shape.SERVERLESS && archiveBuilderFunction != null
                ? new LambdaArchiveBuilds(AwsClients.lambda(), archiveBuilderFunction)
                : new BackgroundArchiveBuilds(archives);
    }

    /**
     * Parses the configuration (every problem at once), runs the start-up check (refusing to start on
     * failure) and wires the services.
     *
     * @param adminToken the admin token; in local mode generated when not configured; null in the serverless
     *                   shape, which requires {@code ADMIN_TOKEN} or {@code ADMIN_TOKEN_SECRET_ARN}
     */
    public static PicPeakRuntime start(Shape shape, Map<String, String> env, DynamoDbClient dynamo, String adminToken) {
        List<ConfigException.Problem> problems = new ArrayList<>();
        StorageConfig storageConfig = null;
        AppConfig appConfig = null;
        try {
            storageConfig = StorageConfig.fromEnv(env);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        try {
            appConfig = AppConfig.fromEnv(env);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        WebhookSettings webhookSettings = WebhookSettings.fromEnv(env, problems);
        String token = adminToken;
        if (token == null && appConfig != null) {
            try {
                token = appConfig.resolveAdminToken(AwsClients::readAdminTokenSecret).orElse(null);
                if (token == null) {
                    problems.add(new ConfigException.Problem(AppConfig.ADMIN_TOKEN, "is required in the serverless "
                            + "shape: set it, or " + AppConfig.ADMIN_TOKEN_SECRET_ARN + " to the Secrets Manager secret "
                            + "holding it (the stack does)"));
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        SentinelCheck.Result check = SentinelCheck.requireOk(storageConfig);
        if (shape == Shape.LOCAL) {
            DynamoCatalog.createTableIfMissing(dynamo, appConfig.catalogTable());
        }
        return new PicPeakRuntime(shape, storageConfig, appConfig, token, check, BlobStores.open(storageConfig),
                new DynamoCatalog(dynamo, appConfig.catalogTable()), Clock.systemUTC(),
                blankToNull(env.get(ARCHIVE_BUILDER_FUNCTION)), new DynamoTable(dynamo, appConfig.catalogTable()),
                webhookSettings, blankToNull(env.get(EVENT_BUS_NAME)));
    }

    /** The EventBridge bus that receives domain events (set by the stack); unset: signed webhooks from here. */
    public static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";

    /** The Lambda function that builds Download All archives (set by the stack; serverless only). */
    public static final String ARCHIVE_BUILDER_FUNCTION = "ARCHIVE_BUILDER_FUNCTION";

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    public Shape shape() {
        return shape;
    }

    public StorageConfig storageConfig() {
        return storageConfig;
    }

    public AppConfig appConfig() {
        return appConfig;
    }

    public String adminToken() {
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

    public GalleryService gallery() {
        return gallery;
    }

    public ImportService imports() {
        return imports;
    }

    public WatermarkService watermarks() {
        return watermarks;
    }

    /** What guests' image requests are answered with, by each event's protection level. */
    public ImageProtection protection() {
        return protection;
    }

    public ArchiveService archives() {
        return archives;
    }

    public EventArchiver archiver() {
        return archiver;
    }

    public ArchiveBuilds archiveBuilds() {
        return archiveBuilds;
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

    /** Where domain events go: the EventBridge bus, or {@link #webhooks()}. */
    public EventSink eventSink() {
        return eventSink;
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
        return new PrefixWalker(catalog, store, imports, autoImportState, clock, storageConfig.autoImportInterval());
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
        if (archiveBuilds instanceof BackgroundArchiveBuilds background) {
            background.close();
        }
        store.close();
    }
}
