package com.picpeak.catalog;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static com.picpeak.catalog.CatalogKeys.eventPk;
import static com.picpeak.catalog.CatalogKeys.fileSk;
import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;
import static com.picpeak.catalog.DynamoTable.str;

/**
 * The file-name claims of an event ({@code FILE#name} in its partition): taken for good, or with a lease and a
 * token while an import runs; the photo's once it is imported (see {@link PhotoRows}); its tombstone once the
 * photo is deleted, until its objects are gone.
 */
final class FileClaimRows {
    private final DynamoTable table;

    FileClaimRows(DynamoTable table) {
        this.table = table;
    }

    boolean claim(String slug, String filename) {
        try {
            table.call(c -> c.putItem(b -> b.tableName(table.name())
                    .item(Map.of("pk", s(eventPk(slug)), "sk", s(fileSk(filename)), "claimedAt", s(Instant.now().toString())))
                    .conditionExpression("attribute_not_exists(pk)")));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    /**
     * A claim with a lease: {@code leaseUntil} (epoch ms) and a token. Claims without a lease (taken for good,
     * or written before claims had leases) and claims of imported photos ({@code photoId}) never expire.
     */
    Optional<String> lease(String slug, String filename, Instant now, Duration lease) {
        String token = UUID.randomUUID().toString();
        try {
            table.call(c -> c.putItem(b -> b.tableName(table.name())
                    .item(Map.of("pk", s(eventPk(slug)), "sk", s(fileSk(filename)), "claimedAt", s(now.toString()),
                            "leaseUntil", n(now.plus(lease).toEpochMilli()), "token", s(token)))
                    .conditionExpression("attribute_not_exists(pk) OR (attribute_not_exists(photoId) AND leaseUntil < :now)")
                    .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli())))));
            return Optional.of(token);
        } catch (ConditionalCheckFailedException taken) {
            return Optional.empty();
        }
    }

    Optional<String> takeOverUnfinished(String slug, String filename, Instant now, Duration lease) {
        String token = UUID.randomUUID().toString();
        try {
            table.call(c -> c.putItem(b -> b.tableName(table.name())
                    .item(Map.of("pk", s(eventPk(slug)), "sk", s(fileSk(filename)), "claimedAt", s(now.toString()),
                            "leaseUntil", n(now.plus(lease).toEpochMilli()), "token", s(token)))
                    .conditionExpression("attribute_exists(pk) AND attribute_exists(leaseUntil) "
                            + "AND attribute_not_exists(photoId) AND attribute_not_exists(tombstone)")));
            return Optional.of(token);
        } catch (ConditionalCheckFailedException notUnfinished) {
            return Optional.empty();
        }
    }

    void release(String slug, String filename) {
        table.delete(eventPk(slug), fileSk(filename));
    }

    boolean release(String slug, String filename, String claimToken) {
        try {
            table.call(c -> c.deleteItem(b -> b.tableName(table.name()).key(key(eventPk(slug), fileSk(filename)))
                    .conditionExpression("#token = :token AND attribute_not_exists(photoId)")
                    .expressionAttributeNames(Map.of("#token", "token"))
                    .expressionAttributeValues(Map.of(":token", s(claimToken)))));
            return true;
        } catch (ConditionalCheckFailedException takenOver) {
            return false; // someone else holds the name now: not ours to release
        }
    }

    /** Releases the leased claims of the event that have no photo, whatever their lease; returns how many. */
    int releaseInterrupted(String slug) {
        List<Map<String, AttributeValue>> interrupted = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :f)")
                .filterExpression("attribute_exists(leaseUntil) AND attribute_not_exists(photoId)")
                .expressionAttributeValues(Map.of(":p", s(eventPk(slug)), ":f", s(CatalogKeys.FILE_PREFIX))),
                interrupted::add);
        int released = 0;
        for (Map<String, AttributeValue> claim : interrupted) {
            try {
                table.call(c -> c.deleteItem(b -> b.tableName(table.name())
                        .key(Map.of("pk", claim.get("pk"), "sk", claim.get("sk")))
                        .conditionExpression("#token = :token AND attribute_not_exists(photoId)")
                        .expressionAttributeNames(Map.of("#token", "token"))
                        .expressionAttributeValues(Map.of(":token", claim.get("token")))));
                released++;
            } catch (ConditionalCheckFailedException finishedMeanwhile) {
                // not interrupted after all
            }
        }
        return released;
    }

    Optional<FileClaim> find(String slug, String filename) {
        return table.get(eventPk(slug), fileSk(filename)).map(i -> new FileClaim(filename, str(i, "photoId"),
                str(i, "objectEtag"), str(i, "tombstone")));
    }

    Map<String, FileClaim> live(String slug, Instant now) {
        Map<String, FileClaim> claims = new HashMap<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :f)")
                .projectionExpression("sk, photoId, leaseUntil, objectEtag, tombstone")
                .expressionAttributeValues(Map.of(":p", s(eventPk(slug)), ":f", s(CatalogKeys.FILE_PREFIX))),
                i -> {
                    AttributeValue leaseUntil = i.get("leaseUntil");
                    boolean expired = !i.containsKey("photoId") && leaseUntil != null
                            && Long.parseLong(leaseUntil.n()) < now.toEpochMilli();
                    if (!expired) {
                        String name = CatalogKeys.filenameOf(i.get("sk").s());
                        claims.put(name, new FileClaim(name, str(i, "photoId"), str(i, "objectEtag"), str(i, "tombstone")));
                    }
                });
        return claims;
    }

    Optional<Tombstone> findTombstone(String slug, String photoId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :f)")
                .filterExpression("tombstone = :id")
                .expressionAttributeValues(Map.of(":p", s(eventPk(slug)), ":f", s(CatalogKeys.FILE_PREFIX),
                        ":id", s(photoId))),
                items::add);
        return items.stream().findFirst().map(i -> new Tombstone(photoId, CatalogKeys.filenameOf(i.get("sk").s()),
                i.get("originalKey").s()));
    }

    void clearTombstone(String slug, String filename, String photoId) {
        try {
            table.call(c -> c.deleteItem(b -> b.tableName(table.name()).key(key(eventPk(slug), fileSk(filename)))
                    .conditionExpression("tombstone = :id").expressionAttributeValues(Map.of(":id", s(photoId)))));
        } catch (ConditionalCheckFailedException gone) {
            // cleared already
        }
    }
}
