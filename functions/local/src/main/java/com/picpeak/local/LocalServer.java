package com.picpeak.local;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.picpeak.api.PicPeakApiApp;
import com.picpeak.api.RuntimeHolder;
import com.picpeak.app.AppConfig;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.autoimport.LocalFolderWatcher;
import com.picpeak.storage.StorageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Local mode: the API's Spring app on an embedded Tomcat, the catalog in DynamoDB Local running in this
 * process with its files under {@code $PICPEAK_DATA/db}, storage as configured (local by default).
 */
final class LocalServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalServer.class);
    static final String TOKEN_FILE = "admin-token";

    private final AmazonDynamoDBLocal dynamo;
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

    private LocalServer(AmazonDynamoDBLocal dynamo, PicPeakRuntime runtime, ConfigurableApplicationContext context) {
        this.dynamo = dynamo;
        this.runtime = runtime;
        this.context = context;
    }

    /** Starts everything or fails naming the cause (configuration, start-up check). */
    static LocalServer start(Map<String, String> env) throws IOException {
        StorageConfig storage = StorageConfig.fromEnv(env);
        AppConfig app = AppConfig.fromEnv(env);
        Path dataDir = storage.dataDir();
        // The embedded DynamoDB Local keeps the whole catalog in this one SQLite file; it and the data folder are
        // owner-only (the catalog holds password hashes and webhook secrets).
        Path catalogFile = OwnerOnly.catalogFile(dataDir);
        String token = app.adminToken().orElse(null);
        if (token == null) {
            token = loadOrCreateToken(dataDir.resolve(TOKEN_FILE));
        }
        AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create(catalogFile.toFile());
        PicPeakRuntime runtime;
        try {
            runtime = PicPeakRuntime.start(PicPeakRuntime.Shape.LOCAL, env, dynamo.dynamoDbClient(), token);
        } catch (RuntimeException e) {
            dynamo.shutdown();
            throw e;
        }
        // The embedded catalog is this process's alone: a name claimed by an import that was under way when
        // the last run was killed is free again, and the watcher's first look imports its file, once.
        int interrupted = runtime.catalog().releaseInterruptedClaims();
        if (interrupted > 0) {
            log.info("{} imports were interrupted when the server last stopped: their files are imported again", interrupted);
        }
        RuntimeHolder.install(runtime);
        SpringApplication spring = new SpringApplication(PicPeakApiApp.class);
        spring.setDefaultProperties(Map.of("server.port", String.valueOf(app.port())));
        ConfigurableApplicationContext context;
        try {
            context = spring.run();
        } catch (RuntimeException e) { // e.g. the port is taken: release the catalog and storage
            runtime.close();
            dynamo.shutdown();
            throw e;
        }
        LocalServer server = new LocalServer(dynamo, runtime, context);
        // jobs that were running or waiting when the server last stopped go on (after their lease has run out)
        int resumed = runtime.jobs().resumeUnfinished();
        if (resumed > 0) {
            log.info("resuming {} unfinished jobs", resumed);
        }
        server.sweeper.scheduleAtFixedRate(server::sweepExpired, 1, 24 * 60, TimeUnit.MINUTES);
        server.sweeper.scheduleWithFixedDelay(server::resumeStranded, 1, 1, TimeUnit.MINUTES);
        server.sweeper.scheduleWithFixedDelay(server::removeExpiredItems, 0, 10, TimeUnit.MINUTES);
        server.startAutoImport();
        log.info("PicPeak local mode on http://localhost:{}  storage: {}  catalog: {}  admin token: {}",
                server.port(), runtime.storageConfig().describe(), dataDir.resolve("db"),
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
            runtime.autoImportPolls().runScheduled(runtime.jobRunner(),
                    runtime.clock().instant().plus(runtime.storageConfig().autoImportInterval()));
        } catch (RuntimeException e) {
            log.warn("the auto-import poll failed (the next one tries again): {}", e.getMessage());
        }
    }

    private void sweepExpired() {
        try {
            runtime.archiver().sweep();
        } catch (RuntimeException e) {
            log.warn("the daily archive sweep could not start: {}", e.getMessage());
        }
    }

    /** DynamoDB Local has no TTL: tokens, counters, logs and finished jobs past their {@code ttl} go here. */
    private void removeExpiredItems() {
        try {
            int removed = runtime.expiredItems().sweep(runtime.clock().instant());
            if (removed > 0) {
                log.info("removed {} expired catalog items (tokens, counters, logs, finished jobs)", removed);
            }
        } catch (RuntimeException e) {
            log.warn("removing expired catalog items failed (tried again in 10 minutes): {}", e.getMessage());
        }
    }

    /** Jobs whose lease ran out while held by a process that died (this one before a restart, or another). */
    private void resumeStranded() {
        try {
            runtime.jobs().resumeStranded();
        } catch (RuntimeException e) {
            log.warn("looking for unfinished jobs failed (tried again in a minute): {}", e.getMessage());
        }
    }

    int port() {
        return ((ServletWebServerApplicationContext) context).getWebServer().getPort();
    }

    PicPeakRuntime runtime() {
        return runtime;
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
        dynamo.shutdown();
    }

    /** The saved admin token, or a new random one saved (owner-only) and printed once, at the first start. */
    static String loadOrCreateToken(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        try { // owner-only from the first byte, never briefly readable by others
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file); // Windows: the folder's own permissions apply
        }
        Files.writeString(file, token + "\n");
        System.out.println("Generated the admin token (saved in " + file + "): " + token);
        return token;
    }
}
