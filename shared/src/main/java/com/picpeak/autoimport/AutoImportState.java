package com.picpeak.autoimport;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;

/**
 * What auto-import keeps between polls, in the catalog table (so the two-poll gate holds across Lambda
 * invocations and across walkers):
 * <pre>
 *   pk = EVENT#slug   sk = SIGHT#filename   a sighting (etag, size, seenAt, rejectedBecause)
 *   pk = EVENT#slug   sk = PUSH#filename    the last storage notification applied to the file (sequencer, version,
 *                                           kind, outcome): replays and older notifications are dropped against it
 *   pk = EVENT#slug   sk = EXTERNAL         the event's referenced folder under EXTERNAL_MEDIA_ROOT
 *                                           (also in gsi1: gsi1pk = EXTERNAL_FOLDERS, for the watcher)
 *   pk = AUTOIMPORT   sk = LAST_POLL        the last poll's report (JSON)
 * </pre>
 * Rows of an event live in its partition, so deleting the event removes them with it. What is imported already
 * (the file-name claims) is the catalog's to say: {@link com.picpeak.catalog.Catalog#liveFileClaims}.
 */
public final class AutoImportState {

    private final DynamoTable table;

    public AutoImportState(DynamoTable table) {
        this.table = table;
    }

    public Map<String, Sighting> sightings(String slug) {
        Map<String, Sighting> sightings = new HashMap<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :s)")
                .expressionAttributeValues(Map.of(":p", s(CatalogKeys.eventPk(slug)), ":s", s(CatalogKeys.SIGHT_PREFIX))),
                item -> {
                    Sighting sighting = toSighting(item);
                    sightings.put(sighting.filename(), sighting);
                });
        return sightings;
    }

    public void record(String slug, Sighting sighting) {
        Map<String, AttributeValue> item = key(CatalogKeys.eventPk(slug), CatalogKeys.sightSk(sighting.filename()));
        item.put("etag", s(sighting.etag()));
        item.put("size", n(sighting.size()));
        item.put("seenAt", n(sighting.seenAt().toEpochMilli()));
        if (sighting.rejectedBecause() != null) {
            item.put("rejectedBecause", s(sighting.rejectedBecause()));
        }
        table.put(item);
    }

    public void forget(String slug, String filename) {
        table.delete(CatalogKeys.eventPk(slug), CatalogKeys.sightSk(filename));
    }

    // ---- push import: the last notification applied per file ----

    /** What push import applied last to one file of an event. {@code sequencer} is padded (or null: none sent). */
    public record PushMark(String sequencer, String version, StorageNotification.Kind kind, String outcome) {
    }

    public Optional<PushMark> pushMark(String slug, String filename) {
        return table.get(CatalogKeys.eventPk(slug), CatalogKeys.pushSk(filename)).map(item -> new PushMark(
                item.containsKey("seq") ? item.get("seq").s() : null, item.get("version").s(),
                StorageNotification.Kind.valueOf(item.get("kind").s()), item.get("outcome").s()));
    }

    /**
     * Records {@code mark} as applied, unless a notification with a later sequencer was recorded meanwhile (another
     * delivery, on another function instance): then the later one stays and this returns false.
     */
    public boolean recordPushMark(String slug, String filename, PushMark mark) {
        Map<String, AttributeValue> item = key(CatalogKeys.eventPk(slug), CatalogKeys.pushSk(filename));
        if (mark.sequencer() != null) {
            item.put("seq", s(mark.sequencer()));
        }
        item.put("version", s(mark.version()));
        item.put("kind", s(mark.kind().name()));
        item.put("outcome", s(mark.outcome()));
        if (mark.sequencer() == null) {
            table.put(item);
            return true;
        }
        try {
            table.call(c -> c.putItem(b -> b.tableName(table.name()).item(item)
                    .conditionExpression("attribute_not_exists(sk) OR attribute_not_exists(seq) OR seq < :seq")
                    .expressionAttributeValues(Map.of(":seq", s(mark.sequencer())))));
            return true;
        } catch (ConditionalCheckFailedException laterOneRecorded) {
            return false;
        }
    }

    // ---- referenced folders ----

    public void linkExternalFolder(String slug, String folder) {
        Map<String, AttributeValue> item = key(CatalogKeys.eventPk(slug), CatalogKeys.EXTERNAL_SK);
        item.put("folder", s(folder));
        item.put("gsi1pk", s(CatalogKeys.EXTERNAL_FOLDERS_GSI_PK));
        item.put("gsi1sk", s(slug));
        table.put(item);
    }

    public Optional<String> externalFolder(String slug) {
        return table.get(CatalogKeys.eventPk(slug), CatalogKeys.EXTERNAL_SK).map(item -> item.get("folder").s());
    }

    /** Every event that references a folder: slug to folder. */
    public Map<String, String> externalFolders() {
        Map<String, String> folders = new HashMap<>();
        table.queryAll(b -> b.indexName(CatalogKeys.GSI1).consistentRead(false)
                .keyConditionExpression("gsi1pk = :p").expressionAttributeValues(Map.of(":p", s(CatalogKeys.EXTERNAL_FOLDERS_GSI_PK))),
                item -> folders.put(item.get("gsi1sk").s(), item.get("folder").s()));
        return folders;
    }

    // ---- last poll ----

    public void saveLastPoll(PollReport report) {
        Map<String, AttributeValue> item = key(CatalogKeys.AUTOIMPORT_PK, CatalogKeys.LAST_POLL_SK);
        item.put("report", s(report.toJson()));
        table.put(item);
    }

    public Optional<PollReport> lastPoll() {
        return table.get(CatalogKeys.AUTOIMPORT_PK, CatalogKeys.LAST_POLL_SK).map(item -> PollReport.fromJson(item.get("report").s()));
    }

    private static Sighting toSighting(Map<String, AttributeValue> item) {
        AttributeValue rejected = item.get("rejectedBecause");
        return new Sighting(CatalogKeys.sightedFilename(item.get("sk").s()), item.get("etag").s(),
                Long.parseLong(item.get("size").n()), Instant.ofEpochMilli(Long.parseLong(item.get("seenAt").n())),
                rejected == null ? null : rejected.s());
    }

}
