package com.picpeak.local;

import com.picpeak.api.PicPeakApiApp;
import com.picpeak.api.RuntimeHolder;
import com.picpeak.app.AdminTokenFile;
import com.picpeak.app.AppConfig;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.autoimport.LocalFolderWatcher;
import com.picpeak.storage.ConfigException;
import com.picpeak.storage.StorageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Local mode: the API's Spring app on an embedded Tomcat, the catalog in DynamoDB Local running in this
 * process with its files under {@code $PICPEAK_DATA/db} (or, with {@code PICPEAK_CATALOG=dynamodb}, a DynamoDB
 * server shared by several instances behind a load balancer), storage as configured (local by default).
 */
final class LocalServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalServer.class);
    static final String TOKEN_FILE = "admin-token";

    /** The oldest unfinished jobs one poll looks at (each poll reads at most the catalog pages that hold them). */
    static final int JOB_POLL_LIMIT = 100;
    /** The archive sweep's interval: once a day (UTC), by one instance of those on a shared catalog. */
    private static final Duration SWEEP_EVERY = Duration.ofDays(1);
    /** How often expired items are removed (a scan of the table: one instance per interval does it). */
    private static final Duration EXPIRED_ITEMS_EVERY = Duration.ofMinutes(10);

    private final CatalogConnection catalog;
    private final PicPeakRuntime runtime;
    private final ConfigurableApplicationContext context;
    /** A dropped file is imported once it has not changed for this long. */
    private static final Duration WATCH_SETTLE = Duration.ofSeconds(1);
    /** How often the watcher looks for new events (folders are not listed then, only registered). */
    private static final Duration WATCH_RESCAN = Duration.ofSeconds(3);
    private LocalFolderWatcher watcher;
    /**
     * The daily archive sweep and the S3 walker's polls of local mode (the serverless shape has scheduled
     * functions for them): two threads, so a long sweep never holds up a poll.
     */
    private final ScheduledExecutorService sweeper =
            Executors.newScheduledThreadPool(2, runnable -> {
                Thread thread = new Thread(runnable, "sweep-and-poll");
                thread.setDaemon(true);
                return thread;
            });

    private LocalServer(CatalogConnection catalog, PicPeakRuntime runtime, ConfigurableApplicationContext context) {
        this.catalog = catalog;
        this.runtime = runtime;
        this.context = context;
    }

    /**
     * Starts everything or fails naming the cause (configuration, start-up check, a shared catalog that does not
     * answer).
     */
    static LocalServer start(Map<String, String> env) throws IOException {
        StorageConfig storage = StorageConfig.fromEnv(env);
        AppConfig app = AppConfig.fromEnv(env);
        boolean sharedCatalog = app.catalog() == AppConfig.CatalogMode.DYNAMODB;
        if (sharedCatalog && app.adminToken().isEmpty()) {
            // a token generated here would be known to this instance only: the others would refuse it
            throw new ConfigException(List.of(new ConfigException.Problem(AppConfig.ADMIN_TOKEN, "is required with "
                    + AppConfig.CATALOG + "=dynamodb: every instance on the shared catalog must accept the same admin "
                    + "token (and derive the same session keys from it); set the same long random value on each "
                    + "(e.g. `openssl rand -hex 32`)")));
        }
        Path dataDir = storage.dataDir();
        OwnerOnly.folder(dataDir); // the token file, the upload spool and the embedded catalog live here
        String token = app.adminToken().orElse(null);
        if (token == null) {
            token = loadOrCreateToken(dataDir.resolve(TOKEN_FILE));
        }
        // The embedded catalog keeps everything in one SQLite file; it and the data folder are owner-only (the
        // catalog holds password hashes and webhook secrets).
        CatalogConnection catalog = CatalogConnection.open(storage, app, env);
        log.info("catalog: {}", catalog.description());
        if (sharedCatalog && storage.backend() == StorageConfig.Backend.LOCAL) {
            log.warn("{}=local with a shared catalog: every instance must see the same files at {} (a shared "
                    + "filesystem such as NFS or EFS mounted there), or photos uploaded through one instance are "
                    + "missing on the others; {}=s3 needs nothing shared but the bucket",
                    StorageConfig.STORAGE_BACKEND, storage.localRoot(), StorageConfig.STORAGE_BACKEND);
        }
        PicPeakRuntime runtime;
        try {
            runtime = PicPeakRuntime.start(PicPeakRuntime.Shape.LOCAL, env, catalog.client(), token);
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
        if (catalog.shared()) {
            // Other instances may be importing right now: their claims are left to their leases, which the next
            // import of the name takes over once run out (the walker's next poll, a watcher's next start).
            log.info("shared catalog: imports interrupted on any instance are taken over when their claims' leases run out");
        } else {
            // The embedded catalog is this process's alone: a name claimed by an import that was under way when
            // the last run was killed is free again, and the watcher's first look imports its file, once.
            int interrupted = runtime.catalog().releaseInterruptedClaims();
            if (interrupted > 0) {
                log.info("{} imports were interrupted when the server last stopped: their files are imported again", interrupted);
            }
        }
        ConfigurableApplicationContext context;
        synchronized (RuntimeHolder.class) { // the Spring context takes its runtime from the holder while it starts
            RuntimeHolder.install(runtime);
            SpringApplication spring = new SpringApplication(PicPeakApiApp.class, LocalTomcat.class);
            spring.setDefaultProperties(Map.of("server.port", String.valueOf(app.port())));
            try {
                context = spring.run();
            } catch (RuntimeException e) { // e.g. the port is taken: release the catalog and storage
                runtime.close();
                catalog.close();
                throw e;
            }
        }
        LocalServer server = new LocalServer(catalog, runtime, context);
        // Jobs that were running or waiting when the server last stopped go on (after their lease has run out). On a
        // shared catalog, only those nobody works on: the others' live jobs are theirs.
        int resumed = catalog.shared() ? runtime.jobs().resumeStranded(JOB_POLL_LIMIT) : runtime.jobs().resumeUnfinished();
        if (resumed > 0) {
            log.info("resuming {} unfinished jobs", resumed);
        }
        long jobPoll = app.jobPollInterval().toMillis();
        // files a killed import left without a row (its claim released above): before the watcher's first look
        server.sweeper.execute(server::reconcileOrphans);
        server.sweeper.scheduleAtFixedRate(server::sweepExpired, 1, SWEEP_EVERY.toMinutes(), TimeUnit.MINUTES);
        server.sweeper.scheduleWithFixedDelay(server::resumeStranded, jobPoll, jobPoll, TimeUnit.MILLISECONDS);
        server.sweeper.scheduleWithFixedDelay(server::removeExpiredItems, 0, EXPIRED_ITEMS_EVERY.toMinutes(), TimeUnit.MINUTES);
        server.startAutoImport();
        log.info("PicPeak local mode on http://localhost:{}  storage: {}  catalog: {}  admin token: {}",
                server.port(), runtime.storageConfig().describe(), catalog.description(),
                app.adminToken().isPresent() ? "from ADMIN_TOKEN" : "in " + dataDir.resolve(TOKEN_FILE));
        return server;
    }

    /**
     * Local mode's auto-import: the folder watcher for the local backend's event folders and for referenced
     * folders; with S3 and {@code STORAGE_AUTO_IMPORT=true}, the prefix walker on a timer; signed webhooks
     * delivered by a background thread.
     */
    private void startAutoImport() {
        StorageConfig storage = runtime.storageConfig();
        boolean localBackend = storage.backend() == StorageConfig.Backend.LOCAL;
        if (localBackend || storage.externalMediaRoot().isPresent()) {
            watcher = new LocalFolderWatcher(runtime.catalog(), runtime.store(), runtime.imports(),
                    runtime.autoImportState(), localBackend ? Optional.of(storage.localRoot()) : Optional.empty(),
                    storage.externalMediaRoot(), runtime.clock(), WATCH_SETTLE, WATCH_RESCAN);
            watcher.start();
        }
        if (!localBackend && storage.autoImport()) {
            long every = storage.autoImportInterval().toMillis();
            sweeper.scheduleWithFixedDelay(this::pollPrefixes, every, every, TimeUnit.MILLISECONDS);
            log.info("S3 auto-import: polling every active event's prefix every {} ms", every);
        }
        if (!runtime.eventsGoToEventBridge()) {
            runtime.webhooks().startDispatcher(Duration.ofSeconds(1));
        }
    }

    /** A poll within one interval; what it leaves goes to the next one (the same job, resumed). */
    private void pollPrefixes() {
        try {
            Instant now = runtime.clock().instant();
            // every instance on a shared catalog runs this timer: the first of an interval polls, the others skip it
            if (!runtime.scheduledRuns().claim("autoimport-poll", now, runtime.storageConfig().autoImportInterval())) {
                return;
            }
            runtime.autoImportPolls().runScheduled(runtime.jobRunner(),
                    now.plus(runtime.storageConfig().autoImportInterval()));
        } catch (RuntimeException e) {
            log.warn("the auto-import poll failed (the next one tries again): {}", e.getMessage());
        }
    }

    private void sweepExpired() {
        try {
            if (!runtime.scheduledRuns().claim("archive-sweep", runtime.clock().instant(), SWEEP_EVERY)) {
                return; // another instance on the shared catalog swept today
            }
            runtime.archiver().sweep();
        } catch (RuntimeException e) {
            log.warn("the daily archive sweep could not start: {}", e.getMessage());
        }
    }

    /** At start: thumbnails and import leftovers without a photo row (the daily sweep does it again). */
    private void reconcileOrphans() {
        try {
            runtime.orphans().reconcileAll();
        } catch (RuntimeException e) {
            log.warn("reconciling files without a photo row failed (the daily sweep tries again): {}", e.getMessage());
        }
    }

    /** DynamoDB Local has no TTL: tokens, counters, logs and finished jobs past their {@code ttl} go here. */
    private void removeExpiredItems() {
        try {
            if (!runtime.scheduledRuns().claim("expired-items", runtime.clock().instant(), EXPIRED_ITEMS_EVERY)) {
                return; // another instance on the shared catalog scans this interval
            }
            int removed = runtime.expiredItems().sweep(runtime.clock().instant());
            if (removed > 0) {
                log.info("removed {} expired catalog items (tokens, counters, logs, finished jobs)", removed);
            }
        } catch (RuntimeException e) {
            log.warn("removing expired catalog items failed (tried again in 10 minutes): {}", e.getMessage());
        }
    }

    /**
     * Jobs nobody works on: held by a process that died (this one before a restart, or another instance on a shared
     * catalog) once their lease ran out, or queued by one that died before running them.
     */
    private void resumeStranded() {
        try {
            runtime.jobs().resumeStranded(JOB_POLL_LIMIT);
        } catch (RuntimeException e) {
            log.warn("looking for unfinished jobs failed (tried again in a minute): {}", e.getMessage());
        }
    }

    /** The folder watcher (local backend or referenced folders), or empty: what its last round found. */
    Optional<LocalFolderWatcher> folderWatcher() {
        return Optional.ofNullable(watcher);
    }

    int port() {
        return ((ServletWebServerApplicationContext) context).getWebServer().getPort();
    }

    PicPeakRuntime runtime() {
        return runtime;
    }

    /** The embedded server (tests look at its Tomcat). */
    WebServer webServer() {
        return ((ServletWebServerApplicationContext) context).getWebServer();
    }

    /** Blocks until the server stops (Ctrl-C closes the Spring context through its shutdown hook). */
    void awaitShutdown() throws InterruptedException {
        while (context.isActive()) {
            synchronized (this) {
                wait(500);
            }
        }
        close();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        if (watcher != null) {
            watcher.close();
        }
        if (context.isActive()) {
            context.close();
        }
        runtime.close();
        catalog.close();
    }

    /**
     * The saved admin token (held to the rule of {@code ADMIN_TOKEN}: a short or empty file stops the start), or a
     * new random one written by rename (owner-only) and printed once, at the first start.
     */
    static String loadOrCreateToken(Path file) throws IOException {
        Optional<String> saved = AdminTokenFile.read(file);
        if (saved.isPresent()) {
            return saved.get();
        }
        String token = AdminTokenFile.create(file);
        System.out.println("Generated the admin token (saved in " + file + "): " + token);
        return token;
    }
}
