package com.picpeak.gallery;

import com.picpeak.catalog.CatalogKeys;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.error.TooManyRequestsException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.picpeak.catalog.DynamoTable.n;
import static com.picpeak.catalog.DynamoTable.s;

/**
 * Scoped API tokens for automation (a script, n8n, a delivery bot): the admin creates one for one event or all
 * ({@code "*"}), with scopes, an expiry and a name; its secret is shown once and kept only as a SHA-256 hash. A token
 * sent as {@code Authorization: Bearer ppk_<id>.<secret>} opens the guest API of an event in its scope without a
 * password or session. It is looked up by its id with a consistent read on every request, so a revoked (deleted) or
 * expired token is refused at once. Every use is counted in its minute (rate limit, across instances) and recorded
 * (token, route, time; kept {@link #USE_RETENTION}).
 *
 * <pre>
 *   pk = APITOKENS                  sk = TOKEN#id        the token (name, events, scopes, expiry, hash, uses)
 *   pk = APITOKEN_USE#id            sk = time#random     one use: route (with the photo id), event (ttl)
 *   pk = APITOKEN_RATE#id           sk = MINUTE#minute   the uses of one minute (ttl)
 * </pre>
 */
public final class ApiTokens {
    /** What a token has as its text's start: a session token never does (it is base64 with a dot). */
    public static final String PREFIX = "ppk_";
    public static final String ALL_EVENTS = "*";
    public static final Duration USE_RETENTION = Duration.ofDays(30);
    public static final int MAX_NAME_LENGTH = 100;
    public static final int MAX_EVENTS = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a token may do. */
    public enum Scope {
        /** The event's info, listing, thumbnails, previews and photos as viewed. */
        LIST,
        /** Photos as downloaded (every size) and Download All. */
        DOWNLOAD,
        /** Uploads to the event (kept for the admin's upload routes; not yet accepted there). */
        UPLOAD;

        public String wireName() {
            return name().toLowerCase();
        }

        public static Scope parse(String name) {
            for (Scope scope : values()) {
                if (scope.wireName().equals(name)) {
                    return scope;
                }
            }
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "unknown scope '" + name + "': list, download, upload");
        }
    }

    /** A token as stored (never its secret). */
    public record Token(String id, String name, List<String> events, Set<Scope> scopes, Instant expiresAt,
                        Instant createdAt, long uses, Instant lastUsedAt) {
        public boolean covers(String slug) {
            return events.contains(ALL_EVENTS) || events.contains(slug);
        }
    }

    /** A token just created, with its secret: shown this once. */
    public record Created(Token token, String secret) {
    }

    private final DynamoTable table;
    private final Clock clock;
    private final long usesPerMinute;

    /** @param usesPerMinute how many requests one token may make in a minute, across instances */
    public ApiTokens(DynamoTable table, long usesPerMinute, Clock clock) {
        this.table = table;
        this.usesPerMinute = usesPerMinute;
        this.clock = clock;
    }

    public Created create(String name, List<String> events, Set<Scope> scopes, Instant expiresAt) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH || EventService.titleProblem(name) != null) {
            throw bad("\"name\" must be 1 to " + MAX_NAME_LENGTH + " characters, no control characters");
        }
        if (events == null || events.isEmpty() || events.size() > MAX_EVENTS) {
            throw bad("\"events\" must name 1 to " + MAX_EVENTS + " event slugs, or [\"*\"] for every event");
        }
        for (String slug : events) {
            if (!ALL_EVENTS.equals(slug)) {
                com.picpeak.catalog.Names.slug(slug);
            }
        }
        if (scopes == null || scopes.isEmpty()) {
            throw bad("\"scopes\" must hold at least one of list, download, upload");
        }
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw bad("\"expiresAt\" must be in the future");
        }
        byte[] idBytes = new byte[8];
        RANDOM.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = PREFIX + id + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Map<String, AttributeValue> item = DynamoTable.key(CatalogKeys.API_TOKENS_PK, CatalogKeys.apiTokenSk(id));
        item.put("name", s(name));
        item.put("events", AttributeValue.fromL(events.stream().map(DynamoTable::s).toList()));
        item.put("scopes", AttributeValue.fromSs(scopes.stream().map(Scope::wireName).toList()));
        if (expiresAt != null) {
            item.put("expiresAt", s(expiresAt.toString()));
        }
        item.put("hash", s(hash(secret)));
        item.put("createdAt", s(now.toString()));
        item.put("uses", n(0));
        table.call(c -> c.putItem(b -> b.tableName(table.name()).item(item).conditionExpression("attribute_not_exists(pk)")));
        return new Created(new Token(id, name, List.copyOf(events), EnumSet.copyOf(scopes), expiresAt, now, 0, null), secret);
    }

    /** Every token, newest first, without secrets. */
    public List<Token> list() {
        List<Token> tokens = new ArrayList<>();
        table.queryAll(b -> b.keyConditionExpression("pk = :p AND begins_with(sk, :t)")
                        .expressionAttributeValues(Map.of(":p", s(CatalogKeys.API_TOKENS_PK), ":t", s(CatalogKeys.API_TOKEN_PREFIX))),
                item -> tokens.add(toToken(item)));
        tokens.sort(Comparator.comparing(Token::createdAt).reversed());
        return tokens;
    }

    /** Revokes a token: it is refused from the next request on (404 when there is none). */
    public void revoke(String id) {
        try {
            table.call(c -> c.deleteItem(b -> b.tableName(table.name())
                    .key(DynamoTable.key(CatalogKeys.API_TOKENS_PK, CatalogKeys.apiTokenSk(id)))
                    .conditionExpression("attribute_exists(pk)")));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "there is no API token '" + id + "'");
        }
    }

    /** Whether a bearer value is an API token (rather than a guest session). */
    public static boolean isApiToken(String bearer) {
        return bearer != null && bearer.startsWith(PREFIX);
    }

    /**
     * The token a bearer value proves, used on {@code route} of event {@code slug} for {@code scope}: 401 when it is
     * unknown, revoked, expired or forged; 404 (as an unknown event) outside its events; 403 without the scope;
     * 429 past its uses of the minute. The use is counted and recorded.
     */
    public Token use(String bearer, String slug, Scope scope, String route) {
        Token token = verify(bearer);
        if (!token.covers(slug)) {
            throw new PicPeakException(ErrorCode.EVENT_NOT_FOUND, "there is no gallery '" + slug + "'");
        }
        if (!token.scopes().contains(scope)) {
            throw new PicPeakException(ErrorCode.FORBIDDEN, "the API token '" + token.name() + "' lacks the scope '"
                    + scope.wireName() + "'");
        }
        Instant now = clock.instant();
        long minute = now.getEpochSecond() / 60;
        Map<String, AttributeValue> counted = table.call(c -> c.updateItem(b -> b.tableName(table.name())
                .key(DynamoTable.key(CatalogKeys.apiTokenRatePk(token.id()), CatalogKeys.minuteSk(minute)))
                .updateExpression("ADD uses :one SET #ttl = :ttl")
                .expressionAttributeNames(Map.of("#ttl", "ttl"))
                .expressionAttributeValues(Map.of(":one", n(1), ":ttl", n((minute + 2) * 60)))
                .returnValues(ReturnValue.UPDATED_NEW))).attributes();
        if (Long.parseLong(counted.get("uses").n()) > usesPerMinute) {
            throw new TooManyRequestsException("the API token '" + token.name() + "' made more than " + usesPerMinute
                    + " requests this minute", Duration.ofSeconds(60 - now.getEpochSecond() % 60));
        }
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        Map<String, AttributeValue> use = DynamoTable.key(CatalogKeys.apiTokenUsePk(token.id()),
                now + "#" + HexFormat.of().formatHex(suffix));
        use.put("route", s(route));
        use.put("event", s(slug));
        use.put("ttl", n(now.plus(USE_RETENTION).getEpochSecond()));
        table.put(use);
        table.call(c -> c.updateItem(b -> b.tableName(table.name())
                .key(DynamoTable.key(CatalogKeys.API_TOKENS_PK, CatalogKeys.apiTokenSk(token.id())))
                .updateExpression("ADD uses :one SET lastUsedAt = :now").conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":one", n(1), ":now", s(now.toString())))));
        return token;
    }

    /** One recorded use of a token. */
    public record Use(Instant at, String event, String route) {
    }

    /** The token's recorded uses, newest first, at most {@code limit}. */
    public List<Use> uses(String id, int limit) {
        var page = table.queryPage(b -> b.keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s(CatalogKeys.apiTokenUsePk(id))))
                .scanIndexForward(false).limit(limit).consistentRead(true));
        return page.items().stream().map(i -> new Use(Instant.parse(i.get("sk").s().substring(0, i.get("sk").s()
                .lastIndexOf('#'))), i.get("event").s(), i.get("route").s())).toList();
    }

    private Token verify(String bearer) {
        int dot = bearer.indexOf('.');
        String id = dot > PREFIX.length() ? bearer.substring(PREFIX.length(), dot) : "";
        if (!id.matches("[0-9a-f]{16}")) {
            throw unauthorized();
        }
        Optional<Map<String, AttributeValue>> item = table.get(CatalogKeys.API_TOKENS_PK, CatalogKeys.apiTokenSk(id));
        if (item.isEmpty() || !MessageDigest.isEqual(hash(bearer).getBytes(StandardCharsets.US_ASCII),
                item.get().get("hash").s().getBytes(StandardCharsets.US_ASCII))) {
            throw unauthorized();
        }
        Token token = toToken(item.get());
        if (token.expiresAt() != null && !clock.instant().isBefore(token.expiresAt())) {
            throw unauthorized();
        }
        return token;
    }

    private static PicPeakException unauthorized() {
        return new PicPeakException(ErrorCode.UNAUTHORIZED, "the API token is unknown, revoked or expired");
    }

    private static Token toToken(Map<String, AttributeValue> item) {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        item.get("scopes").ss().forEach(name -> scopes.add(Scope.parse(name)));
        return new Token(CatalogKeys.apiTokenIdOf(item.get("sk").s()), item.get("name").s(),
                item.get("events").l().stream().map(AttributeValue::s).toList(), scopes,
                DynamoTable.instant(item, "expiresAt"), DynamoTable.instant(item, "createdAt"),
                item.containsKey("uses") ? Long.parseLong(item.get("uses").n()) : 0,
                DynamoTable.instant(item, "lastUsedAt"));
    }

    private static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PicPeakException bad(String message) {
        return new PicPeakException(ErrorCode.INVALID_REQUEST, message);
    }
}
