package com.picpeak.catalog;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.picpeak.catalog.CatalogKeys.EVENT_SK;
import static com.picpeak.catalog.CatalogKeys.eventPk;
import static com.picpeak.catalog.CatalogKeys.fileSk;
import static com.picpeak.catalog.CatalogKeys.photoSk;
import static com.picpeak.catalog.CatalogKeys.sha256Sk;
import static com.picpeak.catalog.DynamoTable.instant;
import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.putIfPresent;
import static com.picpeak.catalog.DynamoTable.s;

/**
 * The photo rows of the catalog ({@code PHOTO#id} in the event's partition) and the writes that change an event's
 * photo set: each is one transaction over the photo, its content claim ({@code SHA256#hex}), its file-name claim,
 * the event's revision and photo count, and a check that no job holds the event.
 */
final class PhotoRows {
    private final DynamoTable table;

    PhotoRows(DynamoTable table) {
        this.table = table;
    }

    /** While a job archives, restores or deletes the event, its photo set must not change. */
    private TransactWriteItem eventNotBusy(String slug) {
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(table.name())
                .key(key(CatalogKeys.jobLockPk(CatalogKeys.EVENT_JOBS, slug), CatalogKeys.LOCK_SK))
                .conditionExpression("attribute_not_exists(pk)")).build();
    }

    private static PicPeakException eventBusy(String slug) {
        return new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is being archived, restored or "
                + "deleted right now: its photos cannot change until that job has ended (GET /api/admin/jobs)");
    }

    void add(Photo photo, String claimToken, String objectEtag) {
        String pk = eventPk(photo.eventSlug());
        Map<String, AttributeValue> claimValues = new HashMap<>(Map.of(":id", s(photo.id()),
                ":at", s(photo.uploadedAt().toString())));
        if (claimToken != null) {
            claimValues.put(":token", s(claimToken));
        }
        if (objectEtag != null) {
            claimValues.put(":etag", s(objectEtag));
        }
        List<TransactWriteItem> writes = List.of(
                TransactWriteItem.builder().put(p -> p.tableName(table.name()).item(photoItem(photo))
                        .conditionExpression("attribute_not_exists(pk)")).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table.name())
                        .item(Map.of("pk", s(pk), "sk", s(sha256Sk(photo.sha256())), "photoId", s(photo.id())))
                        .conditionExpression("attribute_not_exists(pk)")).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table.name())
                        .key(key(pk, EVENT_SK))
                        .updateExpression("ADD revision :one, photoCount :one SET updatedAt = :now")
                        .conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(Map.of(":one", n(1), ":now", s(photo.uploadedAt().toString()))))
                        .build(),
                eventNotBusy(photo.eventSlug()),
                // the name's claim now belongs to the photo: it never expires; with a token, it must still be ours
                TransactWriteItem.builder().update(u -> u.tableName(table.name())
                        .key(key(pk, fileSk(photo.filename())))
                        .updateExpression("SET photoId = :id, claimedAt = if_not_exists(claimedAt, :at)"
                                + (objectEtag == null ? "" : ", objectEtag = :etag") + " REMOVE leaseUntil")
                        .conditionExpression(claimToken == null ? null : "#token = :token AND attribute_not_exists(photoId)")
                        .expressionAttributeNames(claimToken == null ? null : Map.of("#token", "token"))
                        .expressionAttributeValues(claimValues)).build());
        try {
            table.transactWrite(writes); // imports of one upload run in parallel, each adding to the event row
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (DynamoTable.failedCondition(reasons, 3)) {
                throw eventBusy(photo.eventSlug());
            }
            if (DynamoTable.failedCondition(reasons, 4)) {
                throw new PicPeakException(ErrorCode.CONFLICT, "the claim on '" + photo.filename() + "' of event '"
                        + photo.eventSlug() + "' ran out and was taken over by another import: this one added nothing");
            }
            if (DynamoTable.failedCondition(reasons, 2)) {
                throw EventRows.notFound(photo.eventSlug());
            }
            if (DynamoTable.failedCondition(reasons, 1)) {
                String existing = table.get(pk, sha256Sk(photo.sha256())).map(i -> i.get("photoId").s()).orElse("?");
                throw new PicPeakException(ErrorCode.DUPLICATE_PHOTO, "'" + photo.filename()
                        + "' has the same content as photo " + existing + " of event '" + photo.eventSlug()
                        + "': it was not added again");
            }
            if (DynamoTable.failedCondition(reasons, 0)) {
                throw new PicPeakException(ErrorCode.CONFLICT, "photo id " + photo.id() + " exists already");
            }
            throw new PicPeakException(ErrorCode.CONFLICT, "the catalog refused the photo (" + e.getMessage()
                    + "): try again");
        }
    }

    Optional<Photo> find(String slug, String photoId) {
        return table.get(eventPk(slug), photoSk(photoId)).map(PhotoRows::toPhoto);
    }

    Page<Photo> list(String slug, int limit, String cursor) {
        Map<String, AttributeValue> start = cursor == null ? null
                : Map.of("pk", s(eventPk(slug)), "sk", s(photoSk(Pages.decodeCursor(cursor))));
        // consistent: a page is cached by the revision read just before it, so it must show that revision's photos
        QueryResponse response = table.queryPage(b -> b.consistentRead(true)
                .keyConditionExpression("pk = :p AND begins_with(sk, :photo)")
                .expressionAttributeValues(Map.of(":p", s(eventPk(slug)), ":photo", s(CatalogKeys.PHOTO_PREFIX)))
                .exclusiveStartKey(start).limit(limit + 1));
        List<Photo> photos = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            photos.add(toPhoto(item));
        }
        return Pages.page(photos, limit, Photo::id);
    }

    boolean delete(String slug, String photoId) {
        Optional<Photo> found = find(slug, photoId);
        if (found.isEmpty()) {
            return false;
        }
        Photo photo = found.get();
        String pk = eventPk(slug);
        List<TransactWriteItem> writes = List.of(
                TransactWriteItem.builder().delete(d -> d.tableName(table.name())
                        .key(key(pk, photoSk(photoId))).conditionExpression("attribute_exists(pk)"))
                        .build(),
                TransactWriteItem.builder().delete(d -> d.tableName(table.name())
                        .key(key(pk, sha256Sk(photo.sha256())))).build(),
                // the name's claim becomes the photo's tombstone: its name stays taken (the walker and the
                // watcher do not import its original again) until its objects are gone
                TransactWriteItem.builder().update(u -> u.tableName(table.name())
                        .key(key(pk, fileSk(photo.filename())))
                        .updateExpression("SET tombstone = :id, originalKey = :key, deletedAt = :now "
                                + "REMOVE photoId, leaseUntil, #token")
                        .expressionAttributeNames(Map.of("#token", "token"))
                        .expressionAttributeValues(Map.of(":id", s(photoId), ":key", s(photo.key()),
                                ":now", s(Instant.now().toString()))))
                        .build(),
                TransactWriteItem.builder().update(u -> u.tableName(table.name()).key(key(pk, EVENT_SK))
                        .updateExpression("ADD revision :one, photoCount :minus SET updatedAt = :now")
                        .conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(Map.of(":one", n(1), ":minus", n(-1), ":now", s(Instant.now().toString()))))
                        .build(),
                eventNotBusy(slug));
        try {
            table.call(c -> c.transactWriteItems(b -> b.transactItems(writes)));
            return true;
        } catch (TransactionCanceledException e) {
            if (DynamoTable.failedCondition(e.cancellationReasons(), 4)) {
                throw eventBusy(slug);
            }
            if (DynamoTable.failedCondition(e.cancellationReasons(), 0) || DynamoTable.failedCondition(e.cancellationReasons(), 3)) {
                return false; // the photo or its whole event was deleted concurrently
            }
            throw DynamoTable.unavailable(e);
        }
    }

    void replace(Photo current, Photo updated, String objectEtag) {
        if (!current.id().equals(updated.id()) || !current.key().equals(updated.key())) {
            throw new IllegalArgumentException("a replaced photo keeps its id and key");
        }
        String slug = current.eventSlug();
        String pk = eventPk(slug);
        if (current.sha256().equals(updated.sha256())) { // the same bytes written again: only the version is new
            try {
                table.call(c -> c.updateItem(b -> b.tableName(table.name()).key(key(pk, fileSk(current.filename())))
                        .updateExpression("SET objectEtag = :etag").conditionExpression("photoId = :id")
                        .expressionAttributeValues(Map.of(":etag", s(objectEtag), ":id", s(current.id())))));
                return;
            } catch (ConditionalCheckFailedException gone) {
                throw new PicPeakException(ErrorCode.CONFLICT, "photo " + current.id() + " of event '" + slug
                        + "' changed meanwhile: try again");
            }
        }
        List<TransactWriteItem> writes = List.of(
                TransactWriteItem.builder().put(p -> p.tableName(table.name()).item(photoItem(updated))
                        .conditionExpression("sha256 = :old").expressionAttributeValues(Map.of(":old", s(current.sha256()))))
                        .build(),
                TransactWriteItem.builder().delete(d -> d.tableName(table.name())
                        .key(key(pk, sha256Sk(current.sha256())))).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table.name())
                        .item(Map.of("pk", s(pk), "sk", s(sha256Sk(updated.sha256())), "photoId", s(updated.id())))
                        .conditionExpression("attribute_not_exists(pk)")).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table.name())
                        .key(key(pk, fileSk(current.filename())))
                        .updateExpression("SET photoId = :id, objectEtag = :etag")
                        .expressionAttributeValues(Map.of(":id", s(updated.id()), ":etag", s(objectEtag)))).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table.name()).key(key(pk, EVENT_SK))
                        .updateExpression("ADD revision :one SET updatedAt = :now").conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(Map.of(":one", n(1), ":now", s(Instant.now().toString())))).build(),
                eventNotBusy(slug));
        try {
            table.transactWrite(writes); // imports of one upload run in parallel, each adding to the event row
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (DynamoTable.failedCondition(reasons, 5)) {
                throw eventBusy(slug);
            }
            if (DynamoTable.failedCondition(reasons, 2)) {
                String existing = table.get(pk, sha256Sk(updated.sha256())).map(i -> i.get("photoId").s()).orElse("?");
                throw new PicPeakException(ErrorCode.DUPLICATE_PHOTO, "'" + updated.filename() + "' now has the same "
                        + "content as photo " + existing + " of event '" + slug + "': it was not updated");
            }
            throw new PicPeakException(ErrorCode.CONFLICT, "photo " + current.id() + " of event '" + slug
                    + "' changed meanwhile: try again");
        }
    }

    // ---- mapping ----

    private static Map<String, AttributeValue> photoItem(Photo p) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(eventPk(p.eventSlug())));
        item.put("sk", s(photoSk(p.id())));
        item.put("id", s(p.id()));
        item.put("slug", s(p.eventSlug()));
        item.put("key", s(p.key()));
        item.put("thumbnailKey", s(p.thumbnailKey()));
        item.put("filename", s(p.filename()));
        item.put("contentType", s(p.contentType()));
        item.put("size", n(p.size()));
        item.put("crc32", n(p.crc32()));
        item.put("sha256", s(p.sha256()));
        item.put("width", n(p.width()));
        item.put("height", n(p.height()));
        putIfPresent(item, "takenAt", p.takenAt() == null ? null : p.takenAt().toString());
        item.put("uploadedAt", s(p.uploadedAt().toString()));
        item.put("source", s(p.source().wireName()));
        return item;
    }

    private static Photo toPhoto(Map<String, AttributeValue> i) {
        return new Photo(i.get("id").s(), i.get("slug").s(), i.get("key").s(), i.get("thumbnailKey").s(),
                i.get("filename").s(), i.get("contentType").s(), Long.parseLong(i.get("size").n()),
                Long.parseLong(i.get("crc32").n()), i.get("sha256").s(), Integer.parseInt(i.get("width").n()),
                Integer.parseInt(i.get("height").n()), instant(i, "takenAt"), instant(i, "uploadedAt"),
                PhotoSource.fromWireName(i.get("source").s()));
    }
}
