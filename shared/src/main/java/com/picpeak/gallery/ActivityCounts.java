package com.picpeak.gallery;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Event;
import com.picpeak.error.TooManyRequestsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;

/**
 * Views and downloads per photo, per downloader ({@link Downloader#activityKey}), per clock hour: one counter row per
 * downloader and hour ({@code EVENT#slug / ACTIVITY#hour#downloader}) updated with atomic adds, never a row per
 * request. A counted request is one {@code UpdateItem}: the row's totals ({@code views}, {@code downloads},
 * {@code archives}) and the photo's own counters ({@code v_<id>}, {@code d_<id>}) in one {@code ADD}. Rows expire
 * with the retention the admin configures ({@code PICPEAK_ACTIVITY_RETENTION_DAYS}, the table's {@code ttl}).
 *
 * <p>A download is counted where it is granted, after the download limit granted it: a single download (any size,
 * a guest or an API token) adds to its photo; a Download All adds one to {@code archives} and its photo count to
 * {@code archivePhotos} (not per photo: one expression cannot name thousands of photos). Counting never fails the
 * request it counts: a catalog error is logged and the request goes on.
 */
public final class ActivityCounts {
    private static final Logger log = LoggerFactory.getLogger(ActivityCounts.class);
    /** The most photo ids one view beacon may carry (a guest body is a few KB). */
    public static final int MAX_VIEWS_PER_BEACON = 100;
    /** The views one downloader may report in one hour (the beacon's rate limit, held by the counter row itself). */
    public static final long MAX_VIEWS_PER_HOUR = 20_000;
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    static final String VIEW_PREFIX = "v_";
    static final String DOWNLOAD_PREFIX = "d_";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);

    private final DynamoTable table;
    private final Duration retention;
    private final Clock clock;

    public ActivityCounts(DynamoTable table, Duration retention, Clock clock) {
        this.table = table;
        this.retention = retention;
        this.clock = clock;
    }

    /** The clock hour an instant falls in, as rows name it ({@code yyyy-MM-ddTHH}, UTC). */
    public static String hourOf(Instant instant) {
        return HOUR.format(instant);
    }

    /** One photo downloaded (granted): one atomic add. */
    public void countDownload(Event event, Downloader downloader, String photoId) {
        Map<String, String> names = new HashMap<>();
        names.put("#d", DOWNLOAD_PREFIX + photoId);
        add(event, downloader, "#downloads :one, #d :one", names, Map.of(":one", n(1)), null);
    }

    /** A Download All served (granted) with {@code photos} photos: one atomic add. */
    public void countArchive(Event event, Downloader downloader, long photos) {
        add(event, downloader, "#archives :one, #archivePhotos :photos", new HashMap<>(),
                Map.of(":one", n(1), ":photos", n(photos)), null);
    }

    /**
     * Views reported by the page's beacon: every id of the event among {@code photoIds} (at most
     * {@link #MAX_VIEWS_PER_BEACON}; unknown ids ignored) is counted once more, in one atomic add on the row of this
     * hour, refused with 429 once the downloader reported {@link #MAX_VIEWS_PER_HOUR} views this hour.
     *
     * @return how many views were counted
     */
    public int countViews(Event event, Downloader downloader, Collection<String> photoIds) {
        Set<String> known = knownPhotos(event.slug(), photoIds);
        Map<String, Integer> counted = new LinkedHashMap<>(); // the same photo twice in a batch: seen twice
        for (String id : photoIds) {
            if (known.contains(id)) {
                counted.merge(id, 1, Integer::sum);
            }
        }
        if (counted.isEmpty()) {
            return 0;
        }
        StringBuilder adds = new StringBuilder("#views :total");
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        int total = 0;
        int i = 0;
        for (Map.Entry<String, Integer> e : counted.entrySet()) {
            names.put("#v" + i, VIEW_PREFIX + e.getKey());
            values.put(":v" + i, n(e.getValue()));
            adds.append(", #v").append(i).append(" :v").append(i);
            total += e.getValue();
            i++;
        }
        values.put(":total", n(total));
        values.put(":cap", n(MAX_VIEWS_PER_HOUR - total));
        try {
            add(event, downloader, adds.toString(), names, values, "attribute_not_exists(#views) OR #views <= :cap");
        } catch (ConditionalCheckFailedException full) {
            Instant now = clock.instant();
            throw new TooManyRequestsException("more than " + MAX_VIEWS_PER_HOUR + " views reported this hour",
                    Duration.between(now, now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1))));
        }
        return total;
    }

    private void add(Event event, Downloader downloader, String adds, Map<String, String> names,
                     Map<String, AttributeValue> addValues, String condition) {
        Instant now = clock.instant();
        String hour = hourOf(now);
        Map<String, AttributeValue> values = new HashMap<>(addValues);
        values.put(":hour", s(hour));
        values.put(":who", s(downloader.activityKey()));
        values.put(":ttl", n(now.plus(retention).getEpochSecond()));
        for (String total : List.of("views", "downloads", "archives", "archivePhotos", "hour", "downloader", "ttl")) {
            if (adds.contains("#" + total + " ") || condition != null && condition.contains("#" + total)
                    || List.of("hour", "downloader", "ttl").contains(total)) { // every name, since some are reserved words
                names.put("#" + total, total);
            }
        }
        try {
            table.call(c -> c.updateItem(b -> {
                b.tableName(table.name())
                        .key(DynamoTable.key(CatalogKeys.eventPk(event.slug()), CatalogKeys.activitySk(hour, downloader.activityKey())))
                        .updateExpression("ADD " + adds + " SET #hour = :hour, #downloader = :who, #ttl = :ttl")
                        .expressionAttributeNames(names).expressionAttributeValues(values);
                if (condition != null) {
                    b.conditionExpression(condition);
                }
            }));
        } catch (ConditionalCheckFailedException refused) {
            throw refused;
        } catch (RuntimeException e) { // a count missed, never a download refused for it
            if (condition != null) {
                throw e;
            }
            log.warn("activity of gallery '{}' not counted: {}", event.slug(), e.getMessage());
        }
    }

    /** The ids of {@code photoIds} that are photos of the event: one batched read of their keys. */
    private Set<String> knownPhotos(String slug, Collection<String> photoIds) {
        Set<String> wanted = new HashSet<>(photoIds);
        if (wanted.isEmpty()) {
            return Set.of();
        }
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String id : wanted) {
            keys.add(DynamoTable.key(CatalogKeys.eventPk(slug), CatalogKeys.photoSk(id)));
        }
        Set<String> known = new HashSet<>();
        Map<String, KeysAndAttributes> request = Map.of(table.name(), KeysAndAttributes.builder().keys(keys)
                .projectionExpression("sk").build());
        for (int attempt = 0; attempt < 3 && !request.isEmpty(); attempt++) {
            Map<String, KeysAndAttributes> asked = request;
            var response = table.call(c -> c.batchGetItem(b -> b.requestItems(asked)));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table.name(), List.of())) {
                known.add(item.get("sk").s().substring(CatalogKeys.PHOTO_PREFIX.length()));
            }
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return known;
    }

    /** One counter row: a downloader's hour; {@code photos} maps a photo id to its views and downloads. */
    public record Row(String hour, String downloader, long views, long downloads, long archives, long archivePhotos,
                      Map<String, long[]> photos) {
    }

    /**
     * The rows of an event from the hour of {@code from} to the hour of {@code to} (both included; null: open), of
     * one downloader where {@code downloader} is given, in hour order.
     */
    public List<Row> rows(String slug, Instant from, Instant to, String downloader) {
        String low = CatalogKeys.ACTIVITY_PREFIX + (from == null ? "" : hourOf(from));
        String high = CatalogKeys.ACTIVITY_PREFIX + (to == null ? "~" : hourOf(to) + "#~");
        List<Row> rows = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND sk BETWEEN :low AND :high")
                .expressionAttributeValues(Map.of(":p", s(CatalogKeys.eventPk(slug)), ":low", s(low), ":high", s(high))),
                item -> {
                    String who = DynamoTable.str(item, "downloader");
                    if (downloader != null && !downloader.equals(who)) {
                        return;
                    }
                    Map<String, long[]> photos = new LinkedHashMap<>();
                    item.forEach((name, value) -> {
                        if (name.startsWith(VIEW_PREFIX)) {
                            photos.computeIfAbsent(name.substring(VIEW_PREFIX.length()), k -> new long[2])[0] = number(value);
                        } else if (name.startsWith(DOWNLOAD_PREFIX)) {
                            photos.computeIfAbsent(name.substring(DOWNLOAD_PREFIX.length()), k -> new long[2])[1] = number(value);
                        }
                    });
                    rows.add(new Row(DynamoTable.str(item, "hour"), who, number(item.get("views")),
                            number(item.get("downloads")), number(item.get("archives")),
                            number(item.get("archivePhotos")), photos));
                });
        return rows;
    }

    private static long number(AttributeValue value) {
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }
}
