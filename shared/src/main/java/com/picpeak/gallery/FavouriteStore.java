package com.picpeak.gallery;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;
import static com.picpeak.catalog.DynamoTable.str;

/**
 * Selections and their favourites, rows of the event's partition (deleted with it):
 * <pre>
 *   EVENT#slug / SELECTION#owner         count, guestId (absent without identity), submittedAt, note, updatedAt
 *   EVENT#slug / FAV#owner#photoId       photoId, filename, markedAt
 * </pre>
 * A favourite and its selection's count change in one transaction: the count is raised only while it is below the
 * event's limit and the selection is not sent, so no two tabs (or instances) ever take it past the cap.
 */
public final class FavouriteStore {

    private final DynamoTable table;

    public FavouriteStore(DynamoTable table) {
        this.table = table;
    }

    /** A selection row: whose it is, how many favourites it holds, when it was sent (null: open) and its note. */
    public record Selection(String slug, String owner, String guestId, long count, Instant submittedAt, String note,
                            Instant updatedAt) {
        public boolean submitted() {
            return submittedAt != null;
        }
    }

    public record Favourite(String photoId, String filename, Instant markedAt) {
    }

    public enum Change { DONE, UNCHANGED, OVER_LIMIT, SUBMITTED }

    /**
     * Marks a photo: the favourite row and the count in one transaction, the count only below {@code limit} (null:
     * no cap) and while the selection is open.
     */
    public Change mark(String slug, String owner, String guestId, String photoId, String filename, Integer limit,
                       Instant now) {
        Map<String, AttributeValue> favourite = key(CatalogKeys.eventPk(slug), CatalogKeys.favouriteSk(owner, photoId));
        favourite.put("photoId", s(photoId));
        favourite.put("filename", s(filename));
        favourite.put("markedAt", s(now.toString()));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":one", n(1));
        values.put(":now", s(now.toString()));
        String condition = "attribute_not_exists(submittedAt)";
        if (limit != null) {
            condition += " AND (attribute_not_exists(#count) OR #count < :limit)";
            values.put(":limit", n(limit));
        }
        String set = "SET updatedAt = :now";
        if (guestId != null) {
            set += ", guestId = :guest";
            values.put(":guest", s(guestId));
        }
        TransactWriteItem put = TransactWriteItem.builder().put(p -> p.tableName(table.name()).item(favourite)
                .conditionExpression("attribute_not_exists(pk)")).build();
        TransactWriteItem count = countUpdate(slug, owner, set + " ADD #count :one", condition, values);
        return change(List.of(put, count), slug, owner);
    }

    /** Unmarks a photo (and lowers the count), while the selection is open. */
    public Change unmark(String slug, String owner, String photoId) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", n(-1)));
        TransactWriteItem delete = TransactWriteItem.builder().delete(d -> d.tableName(table.name())
                .key(key(CatalogKeys.eventPk(slug), CatalogKeys.favouriteSk(owner, photoId)))
                .conditionExpression("attribute_exists(pk)")).build();
        TransactWriteItem count = countUpdate(slug, owner, "ADD #count :one", "attribute_not_exists(submittedAt)",
                values);
        return change(List.of(delete, count), slug, owner);
    }

    /** Removes a favourite whatever its selection's state (its photo is gone, or its guest merged away). */
    public void drop(String slug, String owner, String photoId) {
        TransactWriteItem delete = TransactWriteItem.builder().delete(d -> d.tableName(table.name())
                .key(key(CatalogKeys.eventPk(slug), CatalogKeys.favouriteSk(owner, photoId)))
                .conditionExpression("attribute_exists(pk)")).build();
        TransactWriteItem count = countUpdate(slug, owner, "ADD #count :one", null, new HashMap<>(Map.of(":one", n(-1))));
        change(List.of(delete, count), slug, owner);
    }

    /** Adds a favourite whatever the cap and state (a merge of two guests' picks). */
    public void add(String slug, String owner, String guestId, Favourite favourite) {
        Map<String, AttributeValue> item = key(CatalogKeys.eventPk(slug), CatalogKeys.favouriteSk(owner, favourite.photoId()));
        item.put("photoId", s(favourite.photoId()));
        item.put("filename", s(favourite.filename()));
        item.put("markedAt", s(favourite.markedAt().toString()));
        TransactWriteItem put = TransactWriteItem.builder().put(p -> p.tableName(table.name()).item(item)
                .conditionExpression("attribute_not_exists(pk)")).build();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", n(1), ":guest", s(guestId)));
        change(List.of(put, countUpdate(slug, owner, "SET guestId = :guest ADD #count :one", null, values)), slug, owner);
    }

    private TransactWriteItem countUpdate(String slug, String owner, String expression, String condition,
                                          Map<String, AttributeValue> values) {
        Update.Builder update = Update.builder().tableName(table.name())
                .key(key(CatalogKeys.eventPk(slug), CatalogKeys.selectionSk(owner)))
                .updateExpression(expression).expressionAttributeNames(Map.of("#count", "count"))
                .expressionAttributeValues(values);
        if (condition != null) {
            update.conditionExpression(condition);
        }
        return TransactWriteItem.builder().update(update.build()).build();
    }

    /**
     * Runs the favourite's write (first) with its count's (second), telling which condition stopped it; transactions
     * that only collided with the same selection's others are tried again by {@link DynamoTable#transactWrite}.
     */
    private Change change(List<TransactWriteItem> writes, String slug, String owner) {
        try {
            table.transactWrite(writes);
            return Change.DONE;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            if (DynamoTable.failedCondition(reasons, 1)) {
                return selection(slug, owner).filter(Selection::submitted).isPresent() ? Change.SUBMITTED
                        : Change.OVER_LIMIT;
            }
            if (DynamoTable.failedCondition(reasons, 0)) {
                return selection(slug, owner).filter(Selection::submitted).isPresent() ? Change.SUBMITTED
                        : Change.UNCHANGED;
            }
            throw new PicPeakException(ErrorCode.CONFLICT, "this selection is being changed by other requests right "
                    + "now: try again");
        }
    }

    public Optional<Selection> selection(String slug, String owner) {
        return table.get(CatalogKeys.eventPk(slug), CatalogKeys.selectionSk(owner)).map(i -> toSelection(slug, i));
    }

    /** Every selection of the event, in owner order. */
    public List<Selection> selections(String slug) {
        List<Selection> selections = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :s)")
                .expressionAttributeValues(Map.of(":p", s(CatalogKeys.eventPk(slug)), ":s", s(CatalogKeys.SELECTION_PREFIX))),
                item -> selections.add(toSelection(slug, item)));
        return selections;
    }

    /** A selection's favourites in photo order (upload order). */
    public List<Favourite> favourites(String slug, String owner) {
        List<Favourite> favourites = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :f)")
                .expressionAttributeValues(Map.of(":p", s(CatalogKeys.eventPk(slug)),
                        ":f", s(CatalogKeys.favouritesPrefix(owner)))),
                item -> favourites.add(new Favourite(str(item, "photoId"), str(item, "filename"),
                        DynamoTable.instant(item, "markedAt"))));
        return favourites;
    }

    /** The owners of every selection holding the photo (a deleted photo leaves each). */
    public List<String> ownersOf(String slug, String photoId) {
        List<String> owners = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :f)")
                .filterExpression("photoId = :id").projectionExpression("sk")
                .expressionAttributeValues(Map.of(":p", s(CatalogKeys.eventPk(slug)), ":f", s(CatalogKeys.FAVOURITE_PREFIX),
                        ":id", s(photoId))),
                item -> {
                    String sk = str(item, "sk");
                    owners.add(sk.substring(CatalogKeys.FAVOURITE_PREFIX.length(), sk.lastIndexOf('#')));
                });
        return owners;
    }

    /** Sends the selection (creating its row if nothing was marked yet); false when it was sent already. */
    public boolean submit(String slug, String owner, String guestId, String note, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":now", s(now.toString()), ":zero", n(0)));
        String set = "SET submittedAt = :now, updatedAt = :now, #count = if_not_exists(#count, :zero)";
        if (note != null) {
            set += ", note = :note";
            values.put(":note", s(note));
        }
        if (guestId != null) {
            set += ", guestId = :guest";
            values.put(":guest", s(guestId));
        }
        String expression = set + (note == null ? " REMOVE note" : "");
        try {
            table.call(c -> c.updateItem(b -> b.tableName(table.name())
                    .key(key(CatalogKeys.eventPk(slug), CatalogKeys.selectionSk(owner)))
                    .updateExpression(expression).conditionExpression("attribute_not_exists(submittedAt)")
                    .expressionAttributeNames(Map.of("#count", "count")).expressionAttributeValues(values)));
            return true;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException sent) {
            return false;
        }
    }

    /** Opens a sent selection again (the note stays); false when there is no such selection. */
    public boolean unlock(String slug, String owner, Instant now) {
        try {
            table.call(c -> c.updateItem(b -> b.tableName(table.name())
                    .key(key(CatalogKeys.eventPk(slug), CatalogKeys.selectionSk(owner)))
                    .updateExpression("SET updatedAt = :now REMOVE submittedAt").conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":now", s(now.toString())))));
            return true;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException none) {
            return false;
        }
    }

    /** Removes a selection with its favourites. */
    public void remove(String slug, String owner) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (Favourite favourite : favourites(slug, owner)) {
            keys.add(key(CatalogKeys.eventPk(slug), CatalogKeys.favouriteSk(owner, favourite.photoId())));
        }
        keys.add(key(CatalogKeys.eventPk(slug), CatalogKeys.selectionSk(owner)));
        table.deleteAll(keys);
    }

    private static Selection toSelection(String slug, Map<String, AttributeValue> i) {
        String sk = str(i, "sk");
        AttributeValue count = i.get("count");
        return new Selection(slug, sk.substring(CatalogKeys.SELECTION_PREFIX.length()), str(i, "guestId"),
                count == null ? 0 : Long.parseLong(count.n()), DynamoTable.instant(i, "submittedAt"), str(i, "note"),
                DynamoTable.instant(i, "updatedAt"));
    }
}
