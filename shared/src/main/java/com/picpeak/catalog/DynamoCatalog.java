package com.picpeak.catalog;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The catalog in one DynamoDB table. Every row of an event shares its partition ({@code pk = EVENT#slug}):
 * <pre>
 *   sk = EVENT            the event (also in index gsi1: gsi1pk = EVENTS, gsi1sk = slug, for the admin list)
 *   sk = PHOTO#id         a photo (ids sort by upload time: a query returns upload order)
 *   sk = SHA256#hex       claim on the bytes: one photo per content per event
 *   sk = FILE#name        claim on a file name, taken before the object is written
 * </pre>
 * So a guest's request for a photo is a GetItem inside its own event's partition: a photo id of
 * another event cannot be found.
 */
public final class DynamoCatalog implements Catalog {
    public static final String GSI1 = "gsi1";
    private static final String EVENT_SK = "EVENT";
    private static final String EVENTS_GSI_PK = "EVENTS";
    private static final int UPDATE_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoTable rows;

    public DynamoCatalog(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.rows = new DynamoTable(dynamo, table);
    }

    public String tableName() {
        return table;
    }

    /** Creates the table (on-demand, with its index) unless it exists; safe at every start. */
    public static void createTableIfMissing(DynamoDbClient dynamo, String table) {
        try { // look first: a shared table's users need not be allowed to create it
            dynamo.describeTable(b -> b.tableName(table));
            return;
        } catch (ResourceNotFoundException missing) {
            // created below
        }
        try {
            dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attribute("pk"), attribute("sk"), attribute("gsi1pk"), attribute("gsi1sk"))
                    .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                    .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(GSI1)
                            .keySchema(key("gsi1pk", KeyType.HASH), key("gsi1sk", KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.ALL)).build()));
        } catch (ResourceInUseException alreadyThere) {
            // another process created it first: fine
        }
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    // ---- events ----

    @Override
    public void createEvent(Event event) {
        Map<String, AttributeValue> item = eventItem(event, 1);
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
        } catch (ConditionalCheckFailedException e) {
            throw new PicPeakException(ErrorCode.CONFLICT, "an event with slug '" + event.slug()
                    + "' already exists: choose another slug");
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<Event> findEvent(String slug) {
        return getItem(eventPk(slug), EVENT_SK).map(DynamoCatalog::toEvent);
    }

    @Override
    public Page<Event> listEvents(int limit, String cursor) {
        Map<String, AttributeValue> start = null;
        if (cursor != null) {
            String slug = decodeCursor(cursor);
            start = Map.of("pk", s(eventPk(slug)), "sk", s(EVENT_SK), "gsi1pk", s(EVENTS_GSI_PK), "gsi1sk", s(slug));
        }
        Map<String, AttributeValue> exclusiveStart = start;
        QueryResponse response = query(b -> b.tableName(table).indexName(GSI1)
                .keyConditionExpression("gsi1pk = :p").expressionAttributeValues(Map.of(":p", s(EVENTS_GSI_PK)))
                .exclusiveStartKey(exclusiveStart).limit(limit + 1));
        List<Event> events = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            events.add(toEvent(item));
        }
        return page(events, limit, e -> e.slug());
    }

    @Override
    public Event updateEvent(String slug, UnaryOperator<Event> change) {
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> current = getItem(eventPk(slug), EVENT_SK).orElseThrow(() -> eventNotFound(slug));
            long version = Long.parseLong(current.get("version").n());
            Event updated = change.apply(toEvent(current));
            if (!updated.slug().equals(slug)) {
                throw new IllegalArgumentException("an update cannot change the slug");
            }
            try {
                updateAdminFields(updated, version);
                return findEvent(slug).orElseThrow(() -> eventNotFound(slug));
            } catch (ConditionalCheckFailedException raced) {
                backOff(attempt); // someone changed the event in between: read again and re-apply
            } catch (SdkException e) {
                throw unavailable(e);
            }
        }
        throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug
                + "' is being changed by others right now: try again");
    }

    /**
     * Waits a random 1 ms to 2^attempt x 4 ms (at most 250 ms) before the next optimistic attempt: writers
     * that retry at once keep colliding, spread out they get through.
     */
    private static void backOff(int attempt) {
        long bound = Math.min(250, 4L << attempt);
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PicPeakException(ErrorCode.CONFLICT, "interrupted while retrying an event update", e);
        }
    }

    /**
     * Writes what an admin can change, guarded by the event's version. Revision and photo count are not
     * written here: photo writes ADD to them without touching the version, so they never conflict.
     */
    private void updateAdminFields(Event e, long version) {
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        setOrRemove(set, remove, values, "title", s(e.title()));
        setOrRemove(set, remove, values, "passwordHash", e.passwordHash() == null ? null : s(e.passwordHash()));
        setOrRemove(set, remove, values, "expiresAt", e.expiresAt() == null ? null : s(e.expiresAt().toString()));
        setOrRemove(set, remove, values, "active", bool(e.active()));
        setOrRemove(set, remove, values, "allowDownloads", bool(e.allowDownloads()));
        setOrRemove(set, remove, values, "watermarkDownloads", bool(e.watermarkDownloads()));
        setOrRemove(set, remove, values, "allowDirectS3Download", bool(e.allowDirectS3Download()));
        setOrRemove(set, remove, values, "heroPhotoId", e.heroPhotoId() == null ? null : s(e.heroPhotoId()));
        setOrRemove(set, remove, values, "heroKey", e.heroKey() == null ? null : s(e.heroKey()));
        setOrRemove(set, remove, values, "updatedAt", s(e.updatedAt().toString()));
        setOrRemove(set, remove, values, "archivedAt", e.archivedAt() == null ? null : s(e.archivedAt().toString()));
        setOrRemove(set, remove, values, "protection", protectionAttribute(e.protection()));
        values.put(":v", n(version));
        values.put(":one", n(1));
        String expression = "SET " + String.join(", ", set) + " ADD version :one"
                + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", s(eventPk(e.slug())), "sk", s(EVENT_SK)))
                .updateExpression(expression).conditionExpression("version = :v").expressionAttributeValues(values));
    }

    private static void setOrRemove(List<String> set, List<String> remove, Map<String, AttributeValue> values,
                                    String name, AttributeValue value) {
        if (value == null) {
            remove.add(name);
        } else {
            set.add(name + " = :" + name);
            values.put(":" + name, value);
        }
    }

    @Override
    public void deleteEvent(String slug) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse response = query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", s(eventPk(slug)))).projectionExpression("pk, sk")
                    .exclusiveStartKey(exclusiveStart));
            rows.deleteAll(response.items());
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
    }

    // ---- photos ----

    @Override
    public boolean claimFilename(String slug, String filename) {
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of("pk", s(eventPk(slug)), "sk", s(fileSk(filename)), "claimedAt", s(Instant.now().toString())))
                    .conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    /**
     * A claim with a lease: {@code leaseUntil} (epoch ms) and a token. Claims without a lease (taken for good,
     * or written before claims had leases) and claims of imported photos ({@code photoId}) never expire.
     */
    @Override
    public Optional<String> leaseFilename(String slug, String filename, Instant now, java.time.Duration lease) {
        String token = java.util.UUID.randomUUID().toString();
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of("pk", s(eventPk(slug)), "sk", s(fileSk(filename)), "claimedAt", s(now.toString()),
                            "leaseUntil", n(now.plus(lease).toEpochMilli()), "token", s(token)))
                    .conditionExpression("attribute_not_exists(pk) OR (attribute_not_exists(photoId) AND leaseUntil < :now)")
                    .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli()))));
            return Optional.of(token);
        } catch (ConditionalCheckFailedException taken) {
            return Optional.empty();
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void releaseFilename(String slug, String filename) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", s(eventPk(slug)), "sk", s(fileSk(filename)))));
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean releaseFilename(String slug, String filename, String claimToken) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", s(eventPk(slug)), "sk", s(fileSk(filename))))
                    .conditionExpression("#token = :token AND attribute_not_exists(photoId)")
                    .expressionAttributeNames(Map.of("#token", "token"))
                    .expressionAttributeValues(Map.of(":token", s(claimToken))));
            return true;
        } catch (ConditionalCheckFailedException takenOver) {
            return false; // someone else holds the name now: not ours to release
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    /** While a job archives, restores or deletes the event, its photo set must not change. */
    private TransactWriteItem eventNotBusy(String slug) {
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(table)
                .key(Map.of("pk", s(CatalogKeys.jobLockPk(CatalogKeys.EVENT_JOBS, slug)), "sk", s(CatalogKeys.LOCK_SK)))
                .conditionExpression("attribute_not_exists(pk)")).build();
    }

    private static PicPeakException eventBusy(String slug) {
        return new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is being archived, restored or "
                + "deleted right now: its photos cannot change until that job has ended (GET /api/admin/jobs)");
    }

    @Override
    public void addPhoto(Photo photo, String claimToken, String objectEtag) {
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
                TransactWriteItem.builder().put(p -> p.tableName(table).item(photoItem(photo))
                        .conditionExpression("attribute_not_exists(pk)")).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table)
                        .item(Map.of("pk", s(pk), "sk", s(shaSk(photo.sha256())), "photoId", s(photo.id())))
                        .conditionExpression("attribute_not_exists(pk)")).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table)
                        .key(Map.of("pk", s(pk), "sk", s(EVENT_SK)))
                        .updateExpression("ADD revision :one, photoCount :one SET updatedAt = :now")
                        .conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(Map.of(":one", n(1), ":now", s(photo.uploadedAt().toString()))))
                        .build(),
                eventNotBusy(photo.eventSlug()),
                // the name's claim now belongs to the photo: it never expires; with a token, it must still be ours
                TransactWriteItem.builder().update(u -> u.tableName(table)
                        .key(Map.of("pk", s(pk), "sk", s(fileSk(photo.filename()))))
                        .updateExpression("SET photoId = :id, claimedAt = if_not_exists(claimedAt, :at)"
                                + (objectEtag == null ? "" : ", objectEtag = :etag") + " REMOVE leaseUntil")
                        .conditionExpression(claimToken == null ? null : "#token = :token AND attribute_not_exists(photoId)")
                        .expressionAttributeNames(claimToken == null ? null : Map.of("#token", "token"))
                        .expressionAttributeValues(claimValues)).build());
        try {
            dynamo.transactWriteItems(b -> b.transactItems(writes));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (failedCheck(reasons, 3)) {
                throw eventBusy(photo.eventSlug());
            }
            if (failedCheck(reasons, 4)) {
                throw new PicPeakException(ErrorCode.CONFLICT, "the claim on '" + photo.filename() + "' of event '"
                        + photo.eventSlug() + "' ran out and was taken over by another import: this one added nothing");
            }
            if (failedCheck(reasons, 2)) {
                throw eventNotFound(photo.eventSlug());
            }
            if (failedCheck(reasons, 1)) {
                String existing = getItem(pk, shaSk(photo.sha256())).map(i -> i.get("photoId").s()).orElse("?");
                throw new PicPeakException(ErrorCode.DUPLICATE_PHOTO, "'" + photo.filename()
                        + "' has the same content as photo " + existing + " of event '" + photo.eventSlug()
                        + "': it was not added again");
            }
            if (failedCheck(reasons, 0)) {
                throw new PicPeakException(ErrorCode.CONFLICT, "photo id " + photo.id() + " exists already");
            }
            throw new PicPeakException(ErrorCode.CONFLICT, "the catalog refused the photo (" + e.getMessage()
                    + "): try again");
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    private static boolean failedCheck(List<CancellationReason> reasons, int index) {
        return reasons != null && reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    @Override
    public Optional<Photo> findPhoto(String slug, String photoId) {
        return getItem(eventPk(slug), photoSk(photoId)).map(DynamoCatalog::toPhoto);
    }

    @Override
    public Page<Photo> listPhotos(String slug, int limit, String cursor) {
        Map<String, AttributeValue> start = cursor == null ? null
                : Map.of("pk", s(eventPk(slug)), "sk", s(photoSk(decodeCursor(cursor))));
        QueryResponse response = query(b -> b.tableName(table)
                .keyConditionExpression("pk = :p AND begins_with(sk, :photo)")
                .expressionAttributeValues(Map.of(":p", s(eventPk(slug)), ":photo", s("PHOTO#")))
                .exclusiveStartKey(start).limit(limit + 1));
        List<Photo> photos = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            photos.add(toPhoto(item));
        }
        return page(photos, limit, Photo::id);
    }

    @Override
    public boolean deletePhoto(String slug, String photoId) {
        Optional<Photo> found = findPhoto(slug, photoId);
        if (found.isEmpty()) {
            return false;
        }
        Photo photo = found.get();
        String pk = eventPk(slug);
        List<TransactWriteItem> writes = List.of(
                TransactWriteItem.builder().delete(d -> d.tableName(table)
                        .key(Map.of("pk", s(pk), "sk", s(photoSk(photoId)))).conditionExpression("attribute_exists(pk)"))
                        .build(),
                TransactWriteItem.builder().delete(d -> d.tableName(table)
                        .key(Map.of("pk", s(pk), "sk", s(shaSk(photo.sha256()))))).build(),
                // the name's claim becomes the photo's tombstone: its name stays taken (the walker and the
                // watcher do not import its original again) until its objects are gone
                TransactWriteItem.builder().update(u -> u.tableName(table)
                        .key(Map.of("pk", s(pk), "sk", s(fileSk(photo.filename()))))
                        .updateExpression("SET tombstone = :id, originalKey = :key, deletedAt = :now "
                                + "REMOVE photoId, leaseUntil, #token")
                        .expressionAttributeNames(Map.of("#token", "token"))
                        .expressionAttributeValues(Map.of(":id", s(photoId), ":key", s(photo.key()),
                                ":now", s(Instant.now().toString()))))
                        .build(),
                TransactWriteItem.builder().update(u -> u.tableName(table).key(Map.of("pk", s(pk), "sk", s(EVENT_SK)))
                        .updateExpression("ADD revision :one, photoCount :minus SET updatedAt = :now")
                        .conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(Map.of(":one", n(1), ":minus", n(-1), ":now", s(Instant.now().toString()))))
                        .build(),
                eventNotBusy(slug));
        try {
            dynamo.transactWriteItems(b -> b.transactItems(writes));
            return true;
        } catch (TransactionCanceledException e) {
            if (failedCheck(e.cancellationReasons(), 4)) {
                throw eventBusy(slug);
            }
            if (failedCheck(e.cancellationReasons(), 0) || failedCheck(e.cancellationReasons(), 3)) {
                return false; // the photo or its whole event was deleted concurrently
            }
            throw unavailable(e);
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    @Override
    public int releaseInterruptedClaims() {
        int released = 0;
        try (java.util.stream.Stream<Event> events = allEvents()) {
            for (Event event : (Iterable<Event>) events::iterator) {
                List<Map<String, AttributeValue>> interrupted = new ArrayList<>();
                rows.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :f)")
                        .filterExpression("attribute_exists(leaseUntil) AND attribute_not_exists(photoId)")
                        .expressionAttributeValues(Map.of(":p", s(eventPk(event.slug())), ":f", s("FILE#"))),
                        interrupted::add);
                for (Map<String, AttributeValue> claim : interrupted) {
                    try {
                        dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", claim.get("pk"), "sk", claim.get("sk")))
                                .conditionExpression("#token = :token AND attribute_not_exists(photoId)")
                                .expressionAttributeNames(Map.of("#token", "token"))
                                .expressionAttributeValues(Map.of(":token", claim.get("token"))));
                        released++;
                    } catch (ConditionalCheckFailedException finishedMeanwhile) {
                        // not interrupted after all
                    } catch (SdkException e) {
                        throw unavailable(e);
                    }
                }
            }
        }
        return released;
    }

    @Override
    public Optional<FileClaim> findFileClaim(String slug, String filename) {
        return getItem(eventPk(slug), fileSk(filename)).map(i -> new FileClaim(filename, str(i, "photoId"),
                str(i, "objectEtag"), str(i, "tombstone")));
    }

    @Override
    public void replacePhoto(Photo current, Photo updated, String objectEtag) {
        if (!current.id().equals(updated.id()) || !current.key().equals(updated.key())) {
            throw new IllegalArgumentException("a replaced photo keeps its id and key");
        }
        String slug = current.eventSlug();
        String pk = eventPk(slug);
        if (current.sha256().equals(updated.sha256())) { // the same bytes written again: only the version is new
            try {
                dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", s(pk), "sk", s(fileSk(current.filename()))))
                        .updateExpression("SET objectEtag = :etag").conditionExpression("photoId = :id")
                        .expressionAttributeValues(Map.of(":etag", s(objectEtag), ":id", s(current.id()))));
                return;
            } catch (ConditionalCheckFailedException gone) {
                throw new PicPeakException(ErrorCode.CONFLICT, "photo " + current.id() + " of event '" + slug
                        + "' changed meanwhile: try again");
            } catch (SdkException e) {
                throw unavailable(e);
            }
        }
        List<TransactWriteItem> writes = List.of(
                TransactWriteItem.builder().put(p -> p.tableName(table).item(photoItem(updated))
                        .conditionExpression("sha256 = :old").expressionAttributeValues(Map.of(":old", s(current.sha256()))))
                        .build(),
                TransactWriteItem.builder().delete(d -> d.tableName(table)
                        .key(Map.of("pk", s(pk), "sk", s(shaSk(current.sha256()))))).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table)
                        .item(Map.of("pk", s(pk), "sk", s(shaSk(updated.sha256())), "photoId", s(updated.id())))
                        .conditionExpression("attribute_not_exists(pk)")).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table)
                        .key(Map.of("pk", s(pk), "sk", s(fileSk(current.filename()))))
                        .updateExpression("SET photoId = :id, objectEtag = :etag")
                        .expressionAttributeValues(Map.of(":id", s(updated.id()), ":etag", s(objectEtag)))).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table).key(Map.of("pk", s(pk), "sk", s(EVENT_SK)))
                        .updateExpression("ADD revision :one SET updatedAt = :now").conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(Map.of(":one", n(1), ":now", s(Instant.now().toString())))).build(),
                eventNotBusy(slug));
        try {
            dynamo.transactWriteItems(b -> b.transactItems(writes));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (failedCheck(reasons, 5)) {
                throw eventBusy(slug);
            }
            if (failedCheck(reasons, 2)) {
                String existing = getItem(pk, shaSk(updated.sha256())).map(i -> i.get("photoId").s()).orElse("?");
                throw new PicPeakException(ErrorCode.DUPLICATE_PHOTO, "'" + updated.filename() + "' now has the same "
                        + "content as photo " + existing + " of event '" + slug + "': it was not updated");
            }
            throw new PicPeakException(ErrorCode.CONFLICT, "photo " + current.id() + " of event '" + slug
                    + "' changed meanwhile: try again");
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<Tombstone> findTombstone(String slug, String photoId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        rows.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :f)")
                .filterExpression("tombstone = :id")
                .expressionAttributeValues(Map.of(":p", s(eventPk(slug)), ":f", s("FILE#"), ":id", s(photoId))),
                items::add);
        return items.stream().findFirst().map(i -> new Tombstone(photoId, i.get("sk").s().substring("FILE#".length()),
                i.get("originalKey").s()));
    }

    @Override
    public void clearTombstone(String slug, String filename, String photoId) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", s(eventPk(slug)), "sk", s(fileSk(filename))))
                    .conditionExpression("tombstone = :id").expressionAttributeValues(Map.of(":id", s(photoId))));
        } catch (ConditionalCheckFailedException gone) {
            // cleared already
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    // ---- archives ----

    @Override
    public void finishArchiveBuild(String slug, String variant, long revision, ArchiveRecord.State state, long length,
                                   String error) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":state", s(state.name()), ":length", n(length),
                ":error", s(error == null ? "" : error)));
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", s(eventPk(slug)), "sk", s(archiveSk(variant, revision))))
                    .updateExpression("SET #state = :state, #length = :length, #error = :error")
                    .expressionAttributeNames(Map.of("#state", "state", "#length", "length", "#error", "error"))
                    .expressionAttributeValues(values));
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<ArchiveRecord> findArchive(String slug, String variant, long revision) {
        return getItem(eventPk(slug), archiveSk(variant, revision)).map(i -> new ArchiveRecord(slug, variant, revision,
                ArchiveRecord.State.valueOf(i.get("state").s()), Long.parseLong(i.get("length").n()),
                instant(i, "leaseUntil"), blankToNull(str(i, "error"))));
    }

    @Override
    public void deleteArchiveRecordsExcept(String slug, String variant, long keepRevision) {
        QueryResponse response = query(b -> b.tableName(table)
                .keyConditionExpression("pk = :p AND begins_with(sk, :a)")
                .expressionAttributeValues(Map.of(":p", s(eventPk(slug)), ":a", s("ARCHIVE#" + variant + "#")))
                .projectionExpression("pk, sk"));
        rows.deleteAll(response.items().stream()
                .filter(item -> !item.get("sk").s().equals(archiveSk(variant, keepRevision))).toList());
    }

    private static String archiveSk(String variant, long revision) {
        return "ARCHIVE#" + variant + "#" + String.format("%012d", revision);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    // ---- mapping ----

    private static Map<String, AttributeValue> eventItem(Event e, long version) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(eventPk(e.slug())));
        item.put("sk", s(EVENT_SK));
        item.put("gsi1pk", s(EVENTS_GSI_PK));
        item.put("gsi1sk", s(e.slug()));
        item.put("slug", s(e.slug()));
        item.put("title", s(e.title()));
        putIfPresent(item, "passwordHash", e.passwordHash());
        putIfPresent(item, "expiresAt", e.expiresAt() == null ? null : e.expiresAt().toString());
        item.put("active", bool(e.active()));
        item.put("allowDownloads", bool(e.allowDownloads()));
        item.put("watermarkDownloads", bool(e.watermarkDownloads()));
        item.put("allowDirectS3Download", bool(e.allowDirectS3Download()));
        item.put("revision", n(e.revision()));
        putIfPresent(item, "heroPhotoId", e.heroPhotoId());
        putIfPresent(item, "heroKey", e.heroKey());
        item.put("photoCount", n(e.photoCount()));
        item.put("createdAt", s(e.createdAt().toString()));
        item.put("updatedAt", s(e.updatedAt().toString()));
        putIfPresent(item, "archivedAt", e.archivedAt() == null ? null : e.archivedAt().toString());
        item.put("protection", protectionAttribute(e.protection()));
        item.put("version", n(version));
        return item;
    }

    private static Event toEvent(Map<String, AttributeValue> i) {
        return new Event(i.get("slug").s(), i.get("title").s(), str(i, "passwordHash"), instant(i, "expiresAt"),
                i.get("active").bool(), i.get("allowDownloads").bool(), i.get("watermarkDownloads").bool(),
                i.get("allowDirectS3Download").bool(), Long.parseLong(i.get("revision").n()), str(i, "heroPhotoId"),
                str(i, "heroKey"), Long.parseLong(i.get("photoCount").n()), instant(i, "createdAt"),
                instant(i, "updatedAt"), instant(i, "archivedAt"), toProtection(i.get("protection")));
    }

    private static AttributeValue protectionAttribute(Protection p) {
        return AttributeValue.fromM(Map.of("level", s(p.level().name()), "watermarkViews", bool(p.watermarkViews()),
                "position", s(p.position().name()), "sizePercent", n(p.sizePercent()),
                "opacityPercent", n(p.opacityPercent()), "fragmentationLevel", n(p.fragmentationLevel())));
    }

    /** Rows written before protection existed have none: they get the default. */
    private static Protection toProtection(AttributeValue attribute) {
        if (attribute == null || !attribute.hasM()) {
            return Protection.DEFAULT;
        }
        Map<String, AttributeValue> m = attribute.m();
        return new Protection(Protection.Level.valueOf(m.get("level").s()), m.get("watermarkViews").bool(),
                Protection.Position.valueOf(m.get("position").s()), Integer.parseInt(m.get("sizePercent").n()),
                Integer.parseInt(m.get("opacityPercent").n()), Integer.parseInt(m.get("fragmentationLevel").n()));
    }

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

    // ---- helpers ----

    private Optional<Map<String, AttributeValue>> getItem(String pk, String sk) {
        try {
            var response = dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", s(pk), "sk", s(sk)))
                    .consistentRead(true));
            return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    private QueryResponse query(java.util.function.Consumer<software.amazon.awssdk.services.dynamodb.model.QueryRequest.Builder> request) {
        try {
            return dynamo.query(request);
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    /** Pages were fetched with limit + 1 items: the extra one only tells that there is a next page. */
    private static <T> Page<T> page(List<T> items, int limit, java.util.function.Function<T, String> cursorOf) {
        if (items.size() <= limit) {
            return new Page<>(items, null);
        }
        List<T> pageItems = items.subList(0, limit);
        return new Page<>(pageItems, encodeCursor(cursorOf.apply(pageItems.get(limit - 1))));
    }

    private static String encodeCursor(String value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            String value = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (value.isEmpty() || value.length() > 200) {
                throw new IllegalArgumentException();
            }
            return value;
        } catch (IllegalArgumentException e) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "cursor '" + cursor
                    + "' is not one this server issued: start again without a cursor");
        }
    }

    private static String eventPk(String slug) {
        return CatalogKeys.eventPk(slug);
    }

    private static String photoSk(String id) {
        return "PHOTO#" + id;
    }

    private static String shaSk(String sha256) {
        return "SHA256#" + sha256;
    }

    private static String fileSk(String filename) {
        return "FILE#" + filename;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = str(item, name);
        return value == null ? null : Instant.parse(value);
    }

    private static PicPeakException eventNotFound(String slug) {
        return new PicPeakException(ErrorCode.EVENT_NOT_FOUND, "there is no event '" + slug + "'");
    }

    private static PicPeakException unavailable(SdkException e) {
        return new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "the catalog (DynamoDB) did not answer: "
                + e.getMessage(), e);
    }
}
