package com.picpeak.protect;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;

/**
 * What image protection keeps, in the catalog table (never in process memory, so every Lambda instance
 * and local server sharing the catalog agree):
 * <pre>
 *   pk = ACCESS#token         sk = ACCESS   an image access token: event, photo, session, purpose, uses left, expiry
 *   pk = FINGERPRINT#id       sk = FP       the access log of one fingerprint: who received the images carrying it
 *   pk = RATE#client#minute   sk = RATE     image requests of one client in one minute (client: a keyed hash of
 *                                           the guest's session, or of its address where it has none)
 * </pre>
 * Rows carry {@code ttl} (epoch seconds) so DynamoDB removes them when they are of no more use.
 */
public final class ProtectionStore {
    static final Duration ACCESS_LOG_RETENTION = Duration.ofDays(400);

    private final DynamoTable table;

    public ProtectionStore(DynamoTable table) {
        this.table = table;
    }

    /** An access token's row. */
    public record AccessToken(String token, String slug, String photoId, String sessionId, String purpose,
                              int uses, Instant expiresAt) {
    }

    /** One fingerprint's access log entry. */
    public record AccessRecord(String fingerprintId, String slug, String photoId, String sessionId, String clientHash,
                               Instant firstServedAt, Instant lastServedAt, long serves, String lastVariant) {
    }

    // ---- access tokens ----

    public void putToken(AccessToken t) {
        Map<String, AttributeValue> item = key(CatalogKeys.accessPk(t.token()), CatalogKeys.ACCESS_SK);
        item.put("slug", s(t.slug()));
        item.put("photoId", s(t.photoId()));
        item.put("sessionId", s(t.sessionId()));
        item.put("purpose", s(t.purpose()));
        item.put("usesLeft", n(t.uses()));
        item.put("expiresAt", n(t.expiresAt().getEpochSecond()));
        item.put("ttl", n(t.expiresAt().plus(Duration.ofHours(1)).getEpochSecond()));
        table.call(c -> c.putItem(b -> b.tableName(table.name()).item(item).conditionExpression("attribute_not_exists(pk)")));
    }

    /**
     * Takes one use of the token if it exists, is for this event, photo, session and purpose, has uses left and
     * has not expired; one conditional write, so two instances never both take the last use.
     */
    public boolean consumeToken(String token, String slug, String photoId, String sessionId, String purpose,
                                Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":one", n(1));
        values.put(":now", n(now.getEpochSecond()));
        values.put(":slug", s(slug));
        values.put(":photo", s(photoId));
        values.put(":session", s(sessionId));
        values.put(":purpose", s(purpose));
        try {
            table.call(c -> c.updateItem(b -> b.tableName(table.name()).key(key(CatalogKeys.accessPk(token), CatalogKeys.ACCESS_SK))
                    .updateExpression("SET usesLeft = usesLeft - :one")
                    .conditionExpression("attribute_exists(pk) AND usesLeft >= :one AND expiresAt > :now AND slug = :slug "
                            + "AND photoId = :photo AND sessionId = :session AND purpose = :purpose")
                    .expressionAttributeValues(values)));
            return true;
        } catch (ConditionalCheckFailedException refused) {
            return false;
        }
    }

    // ---- access log ----

    /** Records one serve of an image carrying {@code fingerprintId} (first and last time, count, variant). */
    public void recordServe(String fingerprintId, String slug, String photoId, String sessionId, String clientHash,
                            String variant, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":slug", s(slug));
        values.put(":photo", s(photoId));
        values.put(":session", s(sessionId));
        values.put(":client", s(clientHash));
        values.put(":variant", s(variant));
        values.put(":now", s(now.toString()));
        values.put(":one", n(1));
        values.put(":ttl", n(now.plus(ACCESS_LOG_RETENTION).getEpochSecond()));
        table.call(c -> c.updateItem(b -> b.tableName(table.name()).key(key(CatalogKeys.fingerprintPk(fingerprintId), CatalogKeys.FINGERPRINT_SK))
                .updateExpression("SET slug = :slug, photoId = :photo, sessionId = :session, clientHash = :client, "
                        + "lastVariant = :variant, lastServedAt = :now, firstServedAt = if_not_exists(firstServedAt, :now), "
                        + "#ttl = :ttl ADD serves :one")
                .expressionAttributeNames(Map.of("#ttl", "ttl"))
                .expressionAttributeValues(values)));
    }

    public Optional<AccessRecord> findServe(String fingerprintId) {
        return table.get(CatalogKeys.fingerprintPk(fingerprintId), CatalogKeys.FINGERPRINT_SK).map(i -> new AccessRecord(fingerprintId, i.get("slug").s(),
                i.get("photoId").s(), i.get("sessionId").s(), i.get("clientHash").s(),
                Instant.parse(i.get("firstServedAt").s()), Instant.parse(i.get("lastServedAt").s()),
                Long.parseLong(i.get("serves").n()), i.get("lastVariant").s()));
    }

    // ---- rate limit ----

    /** Counts one request of the client in the minute of {@code now}; returns the count so far in that minute. */
    public long countRequest(String clientHash, Instant now) {
        long minute = now.getEpochSecond() / 60;
        var response = table.call(c -> c.updateItem(b -> b.tableName(table.name())
                .key(key(CatalogKeys.ratePk(clientHash, minute), CatalogKeys.RATE_SK))
                .updateExpression("ADD hits :one SET #ttl = :ttl")
                .expressionAttributeNames(Map.of("#ttl", "ttl"))
                .expressionAttributeValues(Map.of(":one", n(1), ":ttl", n((minute + 2) * 60)))
                .returnValues(ReturnValue.UPDATED_NEW)));
        return Long.parseLong(response.attributes().get("hits").n());
    }
}
