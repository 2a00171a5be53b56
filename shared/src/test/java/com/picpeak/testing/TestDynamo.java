package com.picpeak.testing;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.picpeak.catalog.DynamoCatalog;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.UUID;

/**
 * DynamoDB Local embedded in this JVM (in memory), reached through the real SDK v2 client. One instance
 * per JVM; every test gets its own table so tests stay independent.
 */
public final class TestDynamo {
    private static AmazonDynamoDBLocal shared;

    private TestDynamo() {
    }

    public static synchronized DynamoDbClient client() {
        if (shared == null) {
            shared = DynamoDBEmbedded.create();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::shutdown));
        }
        return shared.dynamoDbClient();
    }

    /** A fresh, empty catalog table; returns its name. */
    public static String createTable() {
        String table = "picpeak-" + UUID.randomUUID().toString().substring(0, 8);
        DynamoCatalog.createTableIfMissing(client(), table);
        return table;
    }

    public static DynamoCatalog newCatalog() {
        return new DynamoCatalog(client(), createTable());
    }
}
