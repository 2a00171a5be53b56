package com.picpeak.catalog;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static com.picpeak.catalog.CatalogKeys.EVENTS_GSI_PK;
import static com.picpeak.catalog.CatalogKeys.EVENT_SK;
import static com.picpeak.catalog.CatalogKeys.eventPk;
import static com.picpeak.catalog.DynamoTable.bool;
import static com.picpeak.catalog.DynamoTable.instant;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.putIfPresent;
import static com.picpeak.catalog.DynamoTable.s;
import static com.picpeak.catalog.DynamoTable.str;

/**
 * The event rows of the catalog ({@code EVENT#slug / EVENT}, listed through gsi1): create, read, list, change
 * (optimistically, by the row's version) and delete with every row of its partition.
 */
final class EventRows {
    private static final int UPDATE_ATTEMPTS = 8;

    private final DynamoTable table;

    EventRows(DynamoTable table) {
        this.table = table;
    }

    void create(Event event) {
        Map<String, AttributeValue> item = eventItem(event, 1);
        try {
            table.call(c -> c.putItem(b -> b.tableName(table.name()).item(item)
                    .conditionExpression("attribute_not_exists(pk)")));
        } catch (ConditionalCheckFailedException e) {
            throw new PicPeakException(ErrorCode.CONFLICT, "an event with slug '" + event.slug()
                    + "' already exists: choose another slug");
        }
    }

    Optional<Event> find(String slug) {
        return table.get(eventPk(slug), EVENT_SK).map(EventRows::toEvent);
    }

    Page<Event> list(int limit, String cursor) {
        Map<String, AttributeValue> start = null;
        if (cursor != null) {
            String slug = Pages.decodeCursor(cursor);
            start = Map.of("pk", s(eventPk(slug)), "sk", s(EVENT_SK), "gsi1pk", s(EVENTS_GSI_PK), "gsi1sk", s(slug));
        }
        Map<String, AttributeValue> exclusiveStart = start;
        QueryResponse response = table.queryPage(b -> b.indexName(CatalogKeys.GSI1)
                .keyConditionExpression("gsi1pk = :p").expressionAttributeValues(Map.of(":p", s(EVENTS_GSI_PK)))
                .exclusiveStartKey(exclusiveStart).limit(limit + 1));
        List<Event> events = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            events.add(toEvent(item));
        }
        return Pages.page(events, limit, Event::slug);
    }

    Event update(String slug, UnaryOperator<Event> change) {
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> current = table.get(eventPk(slug), EVENT_SK).orElseThrow(() -> notFound(slug));
            long version = Long.parseLong(current.get("version").n());
            Event updated = change.apply(toEvent(current));
            if (!updated.slug().equals(slug)) {
                throw new IllegalArgumentException("an update cannot change the slug");
            }
            try {
                updateAdminFields(updated, version);
                return find(slug).orElseThrow(() -> notFound(slug));
            } catch (ConditionalCheckFailedException raced) {
                DynamoTable.contentionPause(attempt); // someone changed the event in between: read again and re-apply
            }
        }
        throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug
                + "' is being changed by others right now: try again");
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
        setOrRemove(set, remove, values, "downloadSizes", downloadSizesAttribute(e.downloadSizes()));
        setOrRemove(set, remove, values, "guestIdentity", s(e.guests().identity().name()));
        setOrRemove(set, remove, values, "favouritesLimit",
                e.guests().favouritesLimit() == null ? null : n(e.guests().favouritesLimit()));
        setOrRemove(set, remove, values, "downloadLimit", e.downloadLimit() == null ? null : n(e.downloadLimit()));
        values.put(":v", n(version));
        values.put(":one", n(1));
        String expression = "SET " + String.join(", ", set) + " ADD version :one"
                + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        table.call(c -> c.updateItem(b -> b.tableName(table.name()).key(DynamoTable.key(eventPk(e.slug()), EVENT_SK))
                .updateExpression(expression).conditionExpression("version = :v").expressionAttributeValues(values)));
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

    /** Removes every row of the event's partition, a page at a time. */
    void delete(String slug) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse response = table.queryPage(b -> b.keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", s(eventPk(slug)))).projectionExpression("pk, sk")
                    .exclusiveStartKey(exclusiveStart));
            table.deleteAll(response.items());
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
    }

    static PicPeakException notFound(String slug) {
        return new PicPeakException(ErrorCode.EVENT_NOT_FOUND, "there is no event '" + slug + "'");
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
        item.put("downloadSizes", downloadSizesAttribute(e.downloadSizes()));
        item.put("guestIdentity", s(e.guests().identity().name()));
        if (e.guests().favouritesLimit() != null) {
            item.put("favouritesLimit", n(e.guests().favouritesLimit()));
        }
        if (e.downloadLimit() != null) {
            item.put("downloadLimit", n(e.downloadLimit()));
        }
        item.put("version", n(version));
        return item;
    }

    private static Event toEvent(Map<String, AttributeValue> i) {
        return new Event(i.get("slug").s(), i.get("title").s(), str(i, "passwordHash"), instant(i, "expiresAt"),
                i.get("active").bool(), i.get("allowDownloads").bool(), i.get("watermarkDownloads").bool(),
                i.get("allowDirectS3Download").bool(), Long.parseLong(i.get("revision").n()), str(i, "heroPhotoId"),
                str(i, "heroKey"), Long.parseLong(i.get("photoCount").n()), instant(i, "createdAt"),
                instant(i, "updatedAt"), instant(i, "archivedAt"), toProtection(i.get("protection")),
                toDownloadSizes(i.get("downloadSizes")), toGuestPolicy(i),
                i.containsKey("downloadLimit") ? Integer.valueOf(i.get("downloadLimit").n()) : null);
    }

    /** Rows written before guest identity existed have none: anonymous guests, no cap. */
    private static GuestPolicy toGuestPolicy(Map<String, AttributeValue> i) {
        String identity = str(i, "guestIdentity");
        AttributeValue limit = i.get("favouritesLimit");
        return new GuestPolicy(identity == null ? GuestPolicy.Identity.NONE : GuestPolicy.Identity.valueOf(identity),
                limit == null ? null : Integer.valueOf(limit.n()));
    }

    private static AttributeValue downloadSizesAttribute(List<String> sizes) {
        return AttributeValue.fromL(sizes.stream().map(DynamoTable::s).toList());
    }

    /** Rows written before the setting existed have none: the event's default (the original only). */
    private static List<String> toDownloadSizes(AttributeValue attribute) {
        if (attribute == null || !attribute.hasL()) {
            return null;
        }
        return attribute.l().stream().map(AttributeValue::s).toList();
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
}
