package com.picpeak.local;

import com.picpeak.app.AppConfig;
import com.picpeak.app.AwsClients;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.migrate.BackupService;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.BlobStores;
import com.picpeak.storage.LocalBlobStore;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.storage.StorageConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code backup} and {@code restore}: the catalog plus a manifest of every object, to a folder or an S3 prefix. */
final class BackupCommands {

    private BackupCommands() {
    }

    /** Where a backup goes or comes from: a local folder, or a prefix in the configured S3 bucket. */
    static final class Location {
        @Option(names = {"--dir"}, description = "a local folder")
        Path dir;

        @Option(names = {"--s3-prefix"}, description = "a key prefix in the bucket of STORAGE_S3_* (e.g. backups/2026-11-25)")
        String s3Prefix;

        BlobStore open(StorageConfig config) {
            if (dir != null) {
                return new LocalBlobStore(dir);
            }
            StorageConfig.S3Settings s3 = config.s3().orElseThrow(() -> new IllegalArgumentException(
                    "--s3-prefix needs STORAGE_S3_BUCKET and the other STORAGE_S3_* variables"));
            return S3BlobStore.create(s3.withPrefix(s3Prefix));
        }
    }

    /**
     * The catalog to back up or restore into: the one {@code PICPEAK_CATALOG} names, as {@code serve} uses it (the
     * embedded file, stop {@code serve} first; or the shared DynamoDB), or that of the AWS deployment.
     */
    static final class CatalogOption {
        @Option(names = "--catalog",
                description = "embedded (alias local: the file under $PICPEAK_DATA/db; stop serve first), dynamodb (the "
                        + "shared catalog: CATALOG_TABLE at AWS_ENDPOINT_URL_DYNAMODB / AWS_REGION, as serve uses it) or "
                        + "aws (CATALOG_TABLE of the AWS deployment, from the standard AWS environment). "
                        + "Default: PICPEAK_CATALOG (embedded)")
        String catalog;

        <T> T with(StorageConfig storage, AppConfig app, Map<String, String> env,
                   Function<DynamoCatalog, T> work) {
            return withClient(storage, app, env, dynamo -> work.apply(new DynamoCatalog(dynamo, app.catalogTable())));
        }

        /** Runs {@code work} with a client of the catalog's DynamoDB (the table is {@code app.catalogTable()}). */
        <T> T withClient(StorageConfig storage, AppConfig app, Map<String, String> env,
                         Function<DynamoDbClient, T> work) {
            if ("aws".equals(catalog)) {
                try (DynamoDbClient dynamo = AwsClients.dynamo()) {
                    return work.apply(dynamo);
                }
            }
            AppConfig.CatalogMode mode = switch (catalog == null ? app.catalog().wireName() : catalog) {
                case "embedded", "local" -> AppConfig.CatalogMode.EMBEDDED;
                case "dynamodb" -> AppConfig.CatalogMode.DYNAMODB;
                default -> throw new IllegalArgumentException("--catalog '" + catalog
                        + "' is not one of embedded, local, dynamodb, aws");
            };
            try (CatalogConnection connection = CatalogConnection.open(storage, app, env, mode)) {
                return work.apply(connection.client());
            }
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Write the catalog (events and photos, JSON lines) and a manifest of every object (key, size, "
                    + "sha256) to a folder (default $PICPEAK_DATA/backups/<time>) or an S3 prefix.")
    static final class Backup implements Callable<Integer> {
        private final Map<String, String> env;

        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true)
        Location to;

        @Mixin
        CatalogOption catalog = new CatalogOption();

        Backup(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws Exception {
            StorageConfig storage = StorageConfig.fromEnv(env);
            AppConfig app = AppConfig.fromEnv(env);
            if (to == null) {
                to = new Location();
                to.dir = OwnerOnly.folder(storage.dataDir().resolve("backups"))
                        .resolve(Instant.now().toString().replace(':', '-'));
            }
            if (to.dir != null) { // a backup holds the catalog (password hashes): owner-only, like the catalog itself
                OwnerOnly.createFolder(to.dir);
            }
            PrintWriter out = spec.commandLine().getOut();
            Path scratch = Files.createTempDirectory("picpeak-backup");
            try (BlobStore store = BlobStores.open(storage); BlobStore destination = to.open(storage)) {
                BackupService.BackupSummary summary = catalog.with(storage, app, env, c ->
                        new BackupService(c, store, Clock.systemUTC()).backup(destination, scratch));
                if (to.dir != null) {
                    OwnerOnly.restrict(List.of(to.dir.resolve(BackupService.CATALOG), to.dir.resolve(BackupService.MANIFEST),
                            to.dir.resolve(BackupService.SUMMARY), to.dir.resolve(LocalBlobStore.META_DIR)));
                }
                out.printf("backup written to %s: %d events, %d photos, manifest of %d objects (%.1f MB)%n",
                        destination.describe(), summary.events(), summary.photos(), summary.objects(), summary.bytes() / 1e6);
            } finally {
                BenchCommand.deleteTree(scratch);
            }
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Rebuild the catalog from a backup (events that exist are left alone), then check the "
                    + "storage against the backup's manifest. The whole backup is checked first: one bad row (a "
                    + "key, slug, file name or photo id the import path would never have written) restores nothing.",
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:restored, every manifest object is in the store",
                    "1:restored, some manifest objects are missing or different (listed)",
                    "2:configuration refused", "3:backup refused (each bad row named): nothing was restored"})
    static final class Restore implements Callable<Integer> {
        static final int BACKUP_REFUSED = 3;

        private final Map<String, String> env;

        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Location from;

        @Mixin
        CatalogOption catalog = new CatalogOption();

        Restore(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            StorageConfig storage = StorageConfig.fromEnv(env);
            AppConfig app = AppConfig.fromEnv(env);
            PrintWriter out = spec.commandLine().getOut();
            try (BlobStore store = BlobStores.open(storage); BlobStore source = from.open(storage)) {
                BackupService.RestoreSummary summary;
                try {
                    summary = catalog.with(storage, app, env, c -> new BackupService(c, store, Clock.systemUTC(),
                            storage.externalMediaRoot()).restore(source));
                } catch (PicPeakException e) {
                    if (e.errorCode() != ErrorCode.INVALID_BACKUP) {
                        throw e;
                    }
                    spec.commandLine().getErr().println(e.getMessage()); // "backup refused, nothing was restored", each bad row
                    return BACKUP_REFUSED;
                }
                out.printf("restored %d events and %d photos (%d events existed and were left alone); %d of %d objects "
                                + "in the manifest are missing or different in %s%n", summary.events(), summary.photos(),
                        summary.eventsSkipped(), summary.objectsMissingOrDifferent().size(), summary.objectsChecked(),
                        store.describe());
                summary.objectsMissingOrDifferent().stream().limit(20).forEach(key -> out.println("  missing or different: " + key));
                return summary.objectsMissingOrDifferent().isEmpty() ? 0 : 1;
            }
        }
    }
}
