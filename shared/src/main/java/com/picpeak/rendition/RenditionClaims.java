package com.picpeak.rendition;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;

/**
 * Who is making a rendition right now, in the catalog table so that every instance agrees:
 * <pre>
 *   pk = RENDITION#slug#photoId   sk = tier-version   leaseUntil (epoch ms), token, ttl
 * </pre>
 * A claim is taken when none exists or its lease ran out (its maker was killed), and released by its token once
 * the rendition is stored. {@code ttl} lets DynamoDB remove a row whose maker died.
 */
public final class RenditionClaims {
    private final DynamoTable table;

    public RenditionClaims(DynamoTable table) {
        this.table = table;
    }

    /** The claim's token, or empty while another maker holds a live claim. */
    public Optional<String> take(String slug, String photoId, String rendition, Instant now, Duration lease) {
        String token = UUID.randomUUID().toString();
        Instant until = now.plus(lease);
        try {
            table.call(c -> c.putItem(b -> b.tableName(table.name())
                    .item(Map.of("pk", s(pk(slug, photoId)), "sk", s(rendition), "leaseUntil", n(until.toEpochMilli()),
                            "token", s(token), "ttl", n(until.plus(Duration.ofHours(1)).getEpochSecond())))
                    .conditionExpression("attribute_not_exists(pk) OR leaseUntil < :now")
                    .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli())))));
            return Optional.of(token);
        } catch (ConditionalCheckFailedException held) {
            return Optional.empty();
        }
    }

    /** Releases the claim while it is still this token's (a maker whose lease was taken over removes nothing). */
    public void release(String slug, String photoId, String rendition, String token) {
        try {
            table.call(c -> c.deleteItem(b -> b.tableName(table.name()).key(key(pk(slug, photoId), rendition))
                    .conditionExpression("#token = :token")
                    .expressionAttributeNames(Map.of("#token", "token"))
                    .expressionAttributeValues(Map.of(":token", s(token)))));
        } catch (ConditionalCheckFailedException takenOver) {
            // another maker took the claim over after our lease ran out: it is theirs to release
        }
    }

    private static String pk(String slug, String photoId) {
        return CatalogKeys.renditionClaimPk(slug, photoId);
    }
}
