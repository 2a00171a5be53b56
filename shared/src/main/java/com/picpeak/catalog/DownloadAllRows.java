package com.picpeak.catalog;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static com.picpeak.catalog.CatalogKeys.downloadAllSk;
import static com.picpeak.catalog.CatalogKeys.eventPk;
import static com.picpeak.catalog.DynamoTable.instant;
import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;
import static com.picpeak.catalog.DynamoTable.str;

/** The Download All records of an event ({@code ARCHIVE#variant#revision} in its partition). */
final class DownloadAllRows {
    private final DynamoTable table;

    DownloadAllRows(DynamoTable table) {
        this.table = table;
    }

    void finishBuild(String slug, String variant, long revision, DownloadAllRecord.State state, long length,
                     String error) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":state", s(state.name()), ":length", n(length),
                ":error", s(error == null ? "" : error)));
        table.call(c -> c.updateItem(b -> b.tableName(table.name())
                .key(key(eventPk(slug), downloadAllSk(variant, revision)))
                .updateExpression("SET #state = :state, #length = :length, #error = :error")
                .expressionAttributeNames(Map.of("#state", "state", "#length", "length", "#error", "error"))
                .expressionAttributeValues(values)));
    }

    Optional<DownloadAllRecord> find(String slug, String variant, long revision) {
        return table.get(eventPk(slug), downloadAllSk(variant, revision)).map(i -> new DownloadAllRecord(slug, variant,
                revision, DownloadAllRecord.State.valueOf(i.get("state").s()), Long.parseLong(i.get("length").n()),
                instant(i, "leaseUntil"), blankToNull(str(i, "error"))));
    }

    void deleteExcept(String slug, String variant, long keepRevision) {
        QueryResponse response = table.queryPage(b -> b
                .keyConditionExpression("pk = :p AND begins_with(sk, :a)")
                .expressionAttributeValues(Map.of(":p", s(eventPk(slug)),
                        ":a", s(CatalogKeys.downloadAllPrefix(variant))))
                .projectionExpression("pk, sk"));
        table.deleteAll(response.items().stream()
                .filter(item -> !item.get("sk").s().equals(downloadAllSk(variant, keepRevision))).toList());
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
