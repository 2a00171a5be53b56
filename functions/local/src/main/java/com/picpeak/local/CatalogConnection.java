package com.picpeak.local;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.picpeak.app.AppConfig;
import com.picpeak.app.SharedCatalog;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.storage.StorageConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The catalog local mode's commands open ({@code PICPEAK_CATALOG}): DynamoDB Local inside this process with its file
 * under {@code $PICPEAK_DATA/db} (one instance), or a DynamoDB server that several instances share. Either way the
 * table is there once this is open.
 */
final class CatalogConnection implements AutoCloseable {
    private final AmazonDynamoDBLocal embedded;
    private final DynamoDbClient client;
    private final String description;

    private CatalogConnection(AmazonDynamoDBLocal embedded, DynamoDbClient client, String description) {
        this.embedded = embedded;
        this.client = client;
        this.description = description;
    }

    /**
     * Opens the configured catalog.
     *
     * @throws SharedCatalog.Unreachable when a shared catalog does not answer (bounded time)
     */
    static CatalogConnection open(StorageConfig storage, AppConfig app, Map<String, String> env) {
        return open(storage, app, env, app.catalog());
    }

    /** As {@link #open(StorageConfig, AppConfig, Map)}, with the kind of catalog chosen on the command line. */
    static CatalogConnection open(StorageConfig storage, AppConfig app, Map<String, String> env,
                                  AppConfig.CatalogMode mode) {
        if (mode == AppConfig.CatalogMode.DYNAMODB) {
            return new CatalogConnection(null, SharedCatalog.open(env, app.catalogTable()),
                    "shared, " + SharedCatalog.describe(env, app.catalogTable()));
        }
        Path catalogFile;
        try { // DynamoDB Local retries forever on a file it cannot open: make its folder first (owner-only)
            catalogFile = OwnerOnly.catalogFile(storage.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + storage.dataDir().resolve("db"), e);
        }
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(catalogFile.toFile());
        try {
            DynamoCatalog.createTableIfMissing(local.dynamoDbClient(), app.catalogTable());
        } catch (RuntimeException e) {
            local.shutdown();
            throw e;
        }
        return new CatalogConnection(local, local.dynamoDbClient(), "embedded, " + catalogFile.getParent());
    }

    DynamoDbClient client() {
        return client;
    }

    /** True when other processes may use the same catalog at the same time. */
    boolean shared() {
        return embedded == null;
    }

    /** For the start-up line: which catalog, and where. */
    String description() {
        return description;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.shutdown();
        } else {
            client.close();
        }
    }
}
