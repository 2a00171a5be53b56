package com.picpeak.gallery;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Event;
import com.picpeak.error.DownloadLimitException;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.picpeak.catalog.DynamoTable.s;

/**
 * An event's download limit, counted in distinct photos: the same photo again, at any size, is free. A photo is
 * granted before the first byte of it is sent and before any presigned URL of it is issued, by a conditional write
 * on one row per downloader ({@code EVENT#slug / DOWNLOADS#key}: the set of photo ids granted), so the limit holds
 * across instances, Lambda functions and concurrent requests; a presigned link cannot be taken back, so nothing is
 * counted afterwards.
 *
 * <ul>
 *   <li>One photo: one {@code UpdateItem} that adds the id to the set where the set has it already or has room
 *   ({@code contains(photos, :id) OR size(photos) < :limit}); refused, it is a 403 {@code download_limit} with
 *   what remains.</li>
 *   <li>Many (Download All): the set is read, the new ids must fit, and they are added on the condition that the
 *   set's size is still the one read. Since the set only grows (until the admin resets it), the result is at most
 *   the size read plus the new ones: within the limit whatever happened in between. A lost race reads again.</li>
 * </ul>
 * The set holds at most the limit's ids ({@link #MAX_LIMIT} of about 20 characters: well inside DynamoDB's 400 KB).
 *
 * <p>A photo granted is remembered in process ({@link #GRANTED_MEMO} entries), keyed with the event's
 * {@code updatedAt}, so a repeat download of it writes nothing. A grant is never taken back except by the admin's
 * reset, which changes the event's {@code updatedAt} (every instance reads the event row on each request, so every
 * memo misses from then on), and by a cut-off Download All, whose instance forgets what it gives back.
 */
public final class DownloadLimits {
    /** The largest limit: the granted ids of one downloader are one catalog row. */
    public static final int MAX_LIMIT = 10_000;
    /** How often a grant of many photos reads again after another grant changed the set in between. */
    static final int GRANT_ATTEMPTS = 16;
    private static final String PHOTOS = "photos";
    /** How many granted photos each process remembers (least recently used dropped first). */
    static final int GRANTED_MEMO = 20_000;

    private final DynamoTable table;
    private final Catalog catalog;
    private final Clock clock;
    private final Map<String, Boolean> granted = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > GRANTED_MEMO;
                }
            });

    public DownloadLimits(DynamoTable table, Catalog catalog, Clock clock) {
        this.table = table;
        this.catalog = catalog;
        this.clock = clock;
    }

    private static String memoKey(Event event, Downloader downloader, String photoId) {
        return event.slug() + "|" + event.updatedAt() + "|" + downloader.limitKey() + "|" + photoId;
    }

    /** How many photos a downloader was granted, and the event's limit (null: none). */
    public record Usage(int used, Integer limit) {
        /** What may still be downloaded (null without a limit). */
        public Integer remaining() {
            return limit == null ? null : Math.max(0, limit - used);
        }
    }

    /** One downloader's count, as the admin sees it. */
    public record Count(String downloader, int used) {
    }

    /** What one downloader has used of the event's limit (without a limit: nothing is counted, 0). */
    public Usage usage(Event event, Downloader downloader) {
        if (!event.limitsDownloads()) {
            return new Usage(0, null);
        }
        return new Usage(grantedPhotos(event.slug(), downloader.limitKey()).size(), event.downloadLimit());
    }

    /**
     * Grants one photo to the downloader: free when it had it already or the event has no limit; else counted, or
     * refused with 403 {@code download_limit} when the limit is reached. One conditional write.
     */
    public void grant(Event event, Downloader downloader, String photoId) {
        if (!event.limitsDownloads() || granted.containsKey(memoKey(event, downloader, photoId))) {
            return;
        }
        int limit = event.downloadLimit();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":add", AttributeValue.fromSs(List.of(photoId)));
        values.put(":id", s(photoId));
        values.put(":now", s(clock.instant().toString()));
        // with a limit of 0 only a photo granted before (under a higher limit) is still free
        String condition = "contains(" + PHOTOS + ", :id)";
        if (limit > 0) {
            values.put(":limit", DynamoTable.n(limit));
            condition = "attribute_not_exists(" + PHOTOS + ") OR " + condition + " OR size(" + PHOTOS + ") < :limit";
        }
        String allowed = condition;
        try {
            table.call(c -> c.updateItem(b -> b.tableName(table.name())
                    .key(DynamoTable.key(CatalogKeys.eventPk(event.slug()), CatalogKeys.downloadsSk(downloader.limitKey())))
                    .updateExpression("ADD " + PHOTOS + " :add SET updatedAt = :now")
                    .conditionExpression(allowed).expressionAttributeValues(values)));
            granted.put(memoKey(event, downloader, photoId), Boolean.TRUE);
        } catch (ConditionalCheckFailedException full) {
            int used = grantedPhotos(event.slug(), downloader.limitKey()).size();
            throw refused(event, 1, Math.max(0, limit - used));
        }
    }

    /**
     * Grants every one of {@code photoIds} at once (Download All), or none: 403 {@code download_limit} with what
     * remains when the new ones do not fit.
     *
     * @return the ids newly counted by this grant (to {@link #giveBack} if they are never sent)
     */
    public Set<String> grantAll(Event event, Downloader downloader, Collection<String> photoIds) {
        if (!event.limitsDownloads()) {
            return Set.of();
        }
        int limit = event.downloadLimit();
        for (int attempt = 0; attempt < GRANT_ATTEMPTS; attempt++) {
            Set<String> have = grantedPhotos(event.slug(), downloader.limitKey());
            Set<String> fresh = new LinkedHashSet<>(photoIds);
            fresh.removeAll(have);
            if (fresh.isEmpty()) {
                return Set.of();
            }
            if (have.size() + fresh.size() > limit) {
                throw refused(event, fresh.size(), Math.max(0, limit - have.size()));
            }
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":add", AttributeValue.fromSs(new ArrayList<>(fresh)));
            values.put(":now", s(clock.instant().toString()));
            String condition;
            if (have.isEmpty()) {
                condition = "attribute_not_exists(" + PHOTOS + ")";
            } else {
                condition = "size(" + PHOTOS + ") = :had";
                values.put(":had", DynamoTable.n(have.size()));
            }
            try {
                table.call(c -> c.updateItem(b -> b.tableName(table.name())
                        .key(DynamoTable.key(CatalogKeys.eventPk(event.slug()), CatalogKeys.downloadsSk(downloader.limitKey())))
                        .updateExpression("ADD " + PHOTOS + " :add SET updatedAt = :now")
                        .conditionExpression(condition).expressionAttributeValues(values)));
                for (String id : photoIds) {
                    granted.put(memoKey(event, downloader, id), Boolean.TRUE);
                }
                return fresh;
            } catch (ConditionalCheckFailedException changed) {
                // another grant changed the set since it was read: read it again
            }
        }
        throw new PicPeakException(ErrorCode.CONFLICT, "the downloads of gallery '" + event.slug() + "' are being "
                + "counted by many requests at once: try again");
    }

    /** Takes back photos granted but never sent (a Download All cut off before them). */
    public void giveBack(Event event, Downloader downloader, Collection<String> photoIds) {
        if (!event.limitsDownloads() || photoIds.isEmpty()) {
            return;
        }
        for (String id : photoIds) {
            granted.remove(memoKey(event, downloader, id));
        }
        try {
            table.call(c -> c.updateItem(b -> b.tableName(table.name())
                    .key(DynamoTable.key(CatalogKeys.eventPk(event.slug()), CatalogKeys.downloadsSk(downloader.limitKey())))
                    .updateExpression("DELETE " + PHOTOS + " :gone")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":gone", AttributeValue.fromSs(new ArrayList<>(photoIds))))));
        } catch (ConditionalCheckFailedException reset) {
            // the admin started the count over meanwhile: nothing to give back
        }
    }

    /** Every downloader's count at the event (the admin's view). */
    public List<Count> counts(String slug) {
        List<Count> counts = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :d)")
                        .expressionAttributeValues(Map.of(":p", s(CatalogKeys.eventPk(slug)),
                                ":d", s(CatalogKeys.DOWNLOADS_PREFIX))),
                item -> counts.add(new Count(CatalogKeys.downloaderOf(item.get("sk").s()), photosOf(item).size())));
        return counts;
    }

    /**
     * Starts the counts over: one downloader's, or (null) every downloader's at the event. The event's
     * {@code updatedAt} changes first, so that no instance takes a photo for granted from then on.
     */
    public void reset(String slug, String downloaderKey) {
        catalog.updateEvent(slug, e -> { // later than before even on a clock that stands still (a test's)
            Instant now = clock.instant();
            return e.withActive(e.active(), now.isAfter(e.updatedAt()) ? now : e.updatedAt().plusMillis(1));
        });
        granted.clear();
        if (downloaderKey != null) {
            table.delete(CatalogKeys.eventPk(slug), CatalogKeys.downloadsSk(downloaderKey));
            return;
        }
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (Count count : counts(slug)) {
            keys.add(DynamoTable.key(CatalogKeys.eventPk(slug), CatalogKeys.downloadsSk(count.downloader())));
        }
        table.deleteAll(keys);
    }

    private Set<String> grantedPhotos(String slug, String limitKey) {
        Optional<Map<String, AttributeValue>> row = table.get(CatalogKeys.eventPk(slug), CatalogKeys.downloadsSk(limitKey));
        return row.map(DownloadLimits::photosOf).orElse(Set.of());
    }

    private static Set<String> photosOf(Map<String, AttributeValue> item) {
        AttributeValue photos = item.get(PHOTOS);
        return photos == null || !photos.hasSs() ? Set.of() : new LinkedHashSet<>(photos.ss());
    }

    private static DownloadLimitException refused(Event event, int asked, int remaining) {
        return new DownloadLimitException("gallery '" + event.slug() + "' allows " + event.downloadLimit()
                + " photo downloads" + (remaining == 0 ? ", and all of them are used"
                : "; " + remaining + " remain, " + asked + " asked for") + ": ask the photographer for more", remaining);
    }
}
