package com.picpeak.catalog;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The {@link Catalog} in one DynamoDB table (key shapes: {@link CatalogKeys}), served by one part per kind of
 * data, all on the same {@link DynamoTable}: {@link EventRows} (events), {@link PhotoRows} (photos and their
 * content claims), {@link FileClaimRows} (file-name claims and tombstones), {@link DownloadAllRows} (Download All
 * records). Every row of an event shares its partition ({@code pk = EVENT#slug}), so a guest's request for a photo
 * is a GetItem inside its own event's partition: a photo id of another event cannot be found.
 */
public final class DynamoCatalog implements Catalog {
    private final DynamoTable table;
    private final EventRows events;
    private final PhotoRows photos;
    private final FileClaimRows fileClaims;
    private final DownloadAllRows downloadAlls;

    public DynamoCatalog(DynamoDbClient dynamo, String table) {
        this.table = new DynamoTable(dynamo, table);
        this.events = new EventRows(this.table);
        this.photos = new PhotoRows(this.table);
        this.fileClaims = new FileClaimRows(this.table);
        this.downloadAlls = new DownloadAllRows(this.table);
    }

    public String tableName() {
        return table.name();
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
                    .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(CatalogKeys.GSI1)
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
        events.create(event);
    }

    @Override
    public Optional<Event> findEvent(String slug) {
        return events.find(slug);
    }

    @Override
    public Page<Event> listEvents(int limit, String cursor) {
        return events.list(limit, cursor);
    }

    @Override
    public Event updateEvent(String slug, UnaryOperator<Event> change) {
        return events.update(slug, change);
    }

    @Override
    public void deleteEvent(String slug) {
        events.delete(slug);
    }

    // ---- file-name claims ----

    @Override
    public boolean claimFilename(String slug, String filename) {
        return fileClaims.claim(slug, filename);
    }

    @Override
    public Optional<String> leaseFilename(String slug, String filename, Instant now, Duration lease) {
        return fileClaims.lease(slug, filename, now, lease);
    }

    @Override
    public void releaseFilename(String slug, String filename) {
        fileClaims.release(slug, filename);
    }

    @Override
    public boolean releaseFilename(String slug, String filename, String claimToken) {
        return fileClaims.release(slug, filename, claimToken);
    }

    @Override
    public Optional<String> takeOverUnfinishedClaim(String slug, String filename, Instant now, Duration lease) {
        return fileClaims.takeOverUnfinished(slug, filename, now, lease);
    }

    @Override
    public Optional<FileClaim> findFileClaim(String slug, String filename) {
        return fileClaims.find(slug, filename);
    }

    @Override
    public Map<String, FileClaim> liveFileClaims(String slug, Instant now) {
        return fileClaims.live(slug, now);
    }

    @Override
    public int releaseInterruptedClaims() {
        int released = 0;
        try (Stream<Event> all = allEvents()) {
            for (Event event : (Iterable<Event>) all::iterator) {
                released += fileClaims.releaseInterrupted(event.slug());
            }
        }
        return released;
    }

    @Override
    public Optional<Tombstone> findTombstone(String slug, String photoId) {
        return fileClaims.findTombstone(slug, photoId);
    }

    @Override
    public void clearTombstone(String slug, String filename, String photoId) {
        fileClaims.clearTombstone(slug, filename, photoId);
    }

    // ---- photos ----

    @Override
    public void addPhoto(Photo photo, String claimToken, String objectEtag) {
        photos.add(photo, claimToken, objectEtag);
    }

    @Override
    public void replacePhoto(Photo current, Photo updated, String objectEtag) {
        photos.replace(current, updated, objectEtag);
    }

    @Override
    public Optional<Photo> findPhoto(String slug, String photoId) {
        return photos.find(slug, photoId);
    }

    @Override
    public Page<Photo> listPhotos(String slug, int limit, String cursor) {
        return photos.list(slug, limit, cursor);
    }

    @Override
    public boolean deletePhoto(String slug, String photoId) {
        return photos.delete(slug, photoId);
    }

    // ---- Download All records ----

    @Override
    public void finishDownloadAllBuild(String slug, String variant, long revision, DownloadAllRecord.State state,
                                       long length, String error) {
        downloadAlls.finishBuild(slug, variant, revision, state, length, error);
    }

    @Override
    public Optional<DownloadAllRecord> findDownloadAll(String slug, String variant, long revision) {
        return downloadAlls.find(slug, variant, revision);
    }

    @Override
    public void deleteDownloadAllRecordsExcept(String slug, String variant, long keepRevision) {
        downloadAlls.deleteExcept(slug, variant, keepRevision);
    }
}
