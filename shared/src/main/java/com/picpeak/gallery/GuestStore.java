package com.picpeak.gallery;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;
import static com.picpeak.catalog.DynamoTable.str;

/**
 * An event's guests, rows of the event's partition (deleted with it):
 * <pre>
 *   EVENT#slug / GUEST#id          name, email, nameKey, pinHash, generation (raised by a new PIN), createdAt
 *   EVENT#slug / GUESTNAME#folded  guestId: the guest a name signs in as (identity "name")
 *   EVENT#slug / GUESTPIN#hash     guestId: the guest a PIN signs in as (identity "pin"; a keyed hash, never the PIN)
 * </pre>
 * A guest and its look-up rows are written in one transaction, each look-up row only where none is, so two guests
 * never share a name or a PIN.
 */
public final class GuestStore {
    private final DynamoTable table;

    public GuestStore(DynamoTable table) {
        this.table = table;
    }

    /** A guest row. {@code nameKey} and {@code pinHash} are the look-up rows it owns (null: none). */
    public record Guest(String slug, String id, String name, String email, String nameKey, String pinHash,
                        long generation, Instant createdAt) {
    }

    public Optional<Guest> find(String slug, String guestId) {
        return table.get(CatalogKeys.eventPk(slug), CatalogKeys.guestSk(guestId)).map(i -> toGuest(slug, i));
    }

    /** Every guest of the event, in id order. */
    public List<Guest> list(String slug) {
        List<Guest> guests = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :g)")
                .expressionAttributeValues(Map.of(":p", s(CatalogKeys.eventPk(slug)), ":g", s(CatalogKeys.GUEST_PREFIX))),
                item -> guests.add(toGuest(slug, item)));
        return guests;
    }

    /** The guest id a look-up row names, if there is one. */
    public Optional<String> byName(String slug, String nameKey) {
        return table.get(CatalogKeys.eventPk(slug), CatalogKeys.guestNameSk(nameKey)).map(i -> str(i, "guestId"));
    }

    public Optional<String> byPin(String slug, String pinHash) {
        return table.get(CatalogKeys.eventPk(slug), CatalogKeys.guestPinSk(pinHash)).map(i -> str(i, "guestId"));
    }

    /** Writes a new guest with its look-up rows; false when its name or PIN already belongs to another guest. */
    public boolean create(Guest guest) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(putNew(guestItem(guest)));
        if (guest.nameKey() != null) {
            writes.add(putNew(lookup(guest.slug(), CatalogKeys.guestNameSk(guest.nameKey()), guest.id())));
        }
        if (guest.pinHash() != null) {
            writes.add(putNew(lookup(guest.slug(), CatalogKeys.guestPinSk(guest.pinHash()), guest.id())));
        }
        return transact(writes);
    }

    /**
     * Replaces the guest row by {@code changed} (read as {@code current}: written only if its generation is still
     * the one read), moving its look-up rows where they changed; false when the new name or PIN is taken, or the
     * guest changed meanwhile.
     */
    public boolean replace(Guest current, Guest changed) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(p -> p.tableName(table.name()).item(guestItem(changed))
                .conditionExpression("generation = :g").expressionAttributeValues(Map.of(":g", n(current.generation()))))
                .build());
        moveLookup(writes, current.slug(), current.nameKey() == null ? null : CatalogKeys.guestNameSk(current.nameKey()),
                changed.nameKey() == null ? null : CatalogKeys.guestNameSk(changed.nameKey()), changed.id());
        moveLookup(writes, current.slug(), current.pinHash() == null ? null : CatalogKeys.guestPinSk(current.pinHash()),
                changed.pinHash() == null ? null : CatalogKeys.guestPinSk(changed.pinHash()), changed.id());
        return transact(writes);
    }

    /** Points a look-up row (a merged guest's name) at another guest, whatever it named before. */
    public void pointName(String slug, String nameKey, String guestId) {
        table.put(lookup(slug, CatalogKeys.guestNameSk(nameKey), guestId));
    }

    /** Removes the guest row and its look-up rows (those still naming it). */
    public void remove(Guest guest) {
        table.delete(CatalogKeys.eventPk(guest.slug()), CatalogKeys.guestSk(guest.id()));
        if (guest.pinHash() != null) {
            table.delete(CatalogKeys.eventPk(guest.slug()), CatalogKeys.guestPinSk(guest.pinHash()));
        }
        if (guest.nameKey() != null && byName(guest.slug(), guest.nameKey()).filter(guest.id()::equals).isPresent()) {
            table.delete(CatalogKeys.eventPk(guest.slug()), CatalogKeys.guestNameSk(guest.nameKey()));
        }
    }

    private void moveLookup(List<TransactWriteItem> writes, String slug, String oldSk, String newSk, String guestId) {
        if (oldSk != null && oldSk.equals(newSk)) {
            return;
        }
        if (oldSk != null) {
            writes.add(TransactWriteItem.builder().delete(d -> d.tableName(table.name())
                    .key(key(CatalogKeys.eventPk(slug), oldSk))).build());
        }
        if (newSk != null) {
            writes.add(putNew(lookup(slug, newSk, guestId)));
        }
    }

    /** False when a condition failed (a name or PIN taken); a mere collision with other writers is tried again. */
    private boolean transact(List<TransactWriteItem> writes) {
        try {
            table.transactWrite(writes);
            return true;
        } catch (TransactionCanceledException taken) {
            return false;
        }
    }

    private TransactWriteItem putNew(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table.name()).item(item)
                .conditionExpression("attribute_not_exists(pk)")).build();
    }

    private static Map<String, AttributeValue> lookup(String slug, String sk, String guestId) {
        Map<String, AttributeValue> item = key(CatalogKeys.eventPk(slug), sk);
        item.put("guestId", s(guestId));
        return item;
    }

    private static Map<String, AttributeValue> guestItem(Guest g) {
        Map<String, AttributeValue> item = key(CatalogKeys.eventPk(g.slug()), CatalogKeys.guestSk(g.id()));
        item.put("guestId", s(g.id()));
        item.put("name", s(g.name()));
        DynamoTable.putIfPresent(item, "email", g.email());
        DynamoTable.putIfPresent(item, "nameKey", g.nameKey());
        DynamoTable.putIfPresent(item, "pinHash", g.pinHash());
        item.put("generation", n(g.generation()));
        item.put("createdAt", s(g.createdAt().toString()));
        return item;
    }

    private static Guest toGuest(String slug, Map<String, AttributeValue> i) {
        return new Guest(slug, str(i, "guestId"), str(i, "name"), str(i, "email"), str(i, "nameKey"), str(i, "pinHash"),
                Long.parseLong(i.get("generation").n()), DynamoTable.instant(i, "createdAt"));
    }
}
