package com.picpeak.gallery;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.error.TooManyRequestsException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

import static com.picpeak.catalog.DynamoTable.key;
import static com.picpeak.catalog.DynamoTable.n;

/**
 * How many guest sessions one client network (an IPv4 address, an IPv6 /64: {@link ClientAddresses#network}) is
 * issued per clock minute, across galleries and instances (a counter row per network and minute in the catalog,
 * like the image rate limit's): a session of an open gallery is free, so without this bound a new session would
 * be a new image rate limit.
 */
public final class SessionIssuance {
    private final DynamoTable table;
    private final byte[] key;
    private final long perMinute;
    private final Clock clock;

    /** @param perMinute sessions one network may be issued per minute */
    public SessionIssuance(DynamoTable table, byte[] keyMaterial, long perMinute, Clock clock) {
        this.table = table;
        this.key = Hmac.expand(keyMaterial, "picpeak session issuance v1");
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Counts one session for the client's network; 429 past the limit, until the minute ends. */
    public void admit(String clientAddress) {
        Instant now = clock.instant();
        long minute = now.getEpochSecond() / 60;
        String subject = HexFormat.of().formatHex(Hmac.sha256(key, "sessions|" + ClientAddresses.network(clientAddress)), 0, 8);
        var response = table.call(c -> c.updateItem(b -> b.tableName(table.name())
                .key(key(CatalogKeys.ratePk(subject, minute), CatalogKeys.RATE_SK))
                .updateExpression("ADD hits :one SET #ttl = :ttl")
                .expressionAttributeNames(Map.of("#ttl", "ttl"))
                .expressionAttributeValues(Map.of(":one", n(1), ":ttl", n((minute + 2) * 60)))
                .returnValues(ReturnValue.UPDATED_NEW)));
        if (Long.parseLong(response.attributes().get("hits").n()) > perMinute) {
            Duration wait = Duration.between(now, Instant.ofEpochSecond((minute + 1) * 60));
            throw new TooManyRequestsException("too many new sessions from your network (more than " + perMinute
                    + " a minute): use the one you have, or try again in " + TooManyRequestsException.wholeSeconds(wait)
                    + " s", wait);
        }
    }
}
