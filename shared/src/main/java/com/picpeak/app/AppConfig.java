package com.picpeak.app;

import com.picpeak.gallery.GuessPolicy;
import com.picpeak.gallery.TrustedProxies;
import com.picpeak.media.ImageProbe;
import com.picpeak.protect.ImageAccess;
import com.picpeak.protect.TierUrlTokens;
import com.picpeak.storage.ConfigException;
import com.picpeak.storage.EnvReader;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The application's own settings (storage has {@link com.picpeak.storage.StorageConfig}), parsed once
 * from the environment with every problem reported together.
 */
public record AppConfig(
        Optional<String> adminToken,
        Optional<String> adminTokenSecretArn,
        String catalogTable,
        int port,
        long maxUploadBytes,
        long maxImagePixels,
        long inlineResponseBytes,
        long imageRequestsPerMinute,
        long maxUploadRequestBytes,
        long maxGuestBodyBytes,
        long maxAdminJsonBytes,
        GuessPolicy passwordGuesses,
        TrustedProxies trustedProxies,
        int maxMetadataBytes,
        CatalogMode catalog,
        Duration jobPollInterval,
        Duration tierUrlWindow,
        long imageNetworkRequestsPerMinute,
        long sessionsPerMinute,
        Optional<String> storageEventsToken,
        int storageEventsConcurrency,
        Duration activityRetention) {

    /**
     * Where local mode keeps its catalog: DynamoDB Local inside this process ({@code embedded}, one instance), or a
     * DynamoDB reached over the network ({@code dynamodb}: AWS, or DynamoDB Local run as a server) that several
     * instances behind a load balancer share.
     */
    public enum CatalogMode {
        EMBEDDED, DYNAMODB;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String ADMIN_TOKEN = "ADMIN_TOKEN";
    /**
     * The bearer token of {@code POST /api/hooks/storage-events} (a store's webhook: MinIO's auth_token); without it
     * the route answers 404.
     */
    public static final String STORAGE_EVENTS_TOKEN = com.picpeak.storage.StorageConfig.STORAGE_EVENTS_TOKEN;
    /** How many notifications local mode imports at once (each file's notifications in order, one after another). */
    public static final String STORAGE_EVENTS_CONCURRENCY = "PICPEAK_STORAGE_EVENTS_CONCURRENCY";
    public static final int DEFAULT_STORAGE_EVENTS_CONCURRENCY = 4;
    /** Serverless shape: the Secrets Manager secret holding the admin token (ADMIN_TOKEN, when set, wins). */
    public static final String ADMIN_TOKEN_SECRET_ARN = "ADMIN_TOKEN_SECRET_ARN";
    public static final String CATALOG_TABLE = "CATALOG_TABLE";
    /** Local mode's catalog: {@code embedded} (default) or {@code dynamodb} (shared by several instances). */
    public static final String CATALOG = "PICPEAK_CATALOG";
    /**
     * Local mode: how often an instance looks in the catalog for jobs nobody works on (left by an instance that
     * stopped, this one before a restart or another one on a shared catalog).
     */
    public static final String JOB_POLL_MS = "PICPEAK_JOB_POLL_MS";
    public static final long DEFAULT_JOB_POLL_MS = 60_000;
    public static final String PORT = "PORT";
    public static final String MAX_UPLOAD_BYTES = "PICPEAK_MAX_UPLOAD_BYTES";
    public static final String MAX_IMAGE_PIXELS = "PICPEAK_MAX_IMAGE_PIXELS";
    public static final String INLINE_RESPONSE_BYTES = "PICPEAK_INLINE_RESPONSE_BYTES";
    /** Image requests one guest session may make per minute at protection level enhanced and above. */
    public static final String IMAGE_RATE_LIMIT = "PICPEAK_IMAGE_RATE_LIMIT";
    public static final long DEFAULT_IMAGE_RATE_LIMIT = 600;
    /**
     * Image requests (enhanced, maximum) all sessions of one client network (IPv4 address, IPv6 /64) may make per
     * minute; default five times {@link #IMAGE_RATE_LIMIT}.
     */
    public static final String IMAGE_NETWORK_RATE_LIMIT = "PICPEAK_IMAGE_NETWORK_RATE_LIMIT";
    /** Guest sessions one client network may be issued per minute, across galleries. */
    public static final String SESSIONS_PER_MINUTE = "PICPEAK_SESSIONS_PER_MINUTE";
    public static final long DEFAULT_SESSIONS_PER_MINUTE = 20;
    /** How long the activity report's hourly counters are kept (days; the rows' ttl). */
    public static final String ACTIVITY_RETENTION_DAYS = "PICPEAK_ACTIVITY_RETENTION_DAYS";
    public static final long DEFAULT_ACTIVITY_RETENTION_DAYS = 90;
    /** Request bodies, checked before anyone is authenticated (see {@link RequestLimits}). */
    public static final String MAX_UPLOAD_REQUEST_BYTES = "PICPEAK_MAX_UPLOAD_REQUEST_BYTES";
    public static final String MAX_GUEST_BODY_BYTES = "PICPEAK_MAX_GUEST_BODY_BYTES";
    public static final String MAX_ADMIN_JSON_BYTES = "PICPEAK_MAX_ADMIN_JSON_BYTES";
    /** An upload request (all its files): at least this, and never less than the largest photo. */
    public static final long DEFAULT_MAX_UPLOAD_REQUEST_BYTES = 4L * 1024 * 1024 * 1024;
    /** Guest routes take a password or a purpose: a few KB is plenty. */
    public static final long DEFAULT_MAX_GUEST_BODY_BYTES = 4096;
    public static final long DEFAULT_MAX_ADMIN_JSON_BYTES = 1024 * 1024;
    /** How far into a JPEG its image data may begin (the metadata before it is read into memory to find it). */
    public static final String MAX_METADATA_BYTES = "PICPEAK_MAX_METADATA_BYTES";
    /**
     * How long the signed tier URLs of basic and standard galleries stay the same for every guest (a CDN caches them
     * by URL for that long; each URL is good for one to two windows).
     */
    public static final String TIER_URL_WINDOW_SECONDS = "PICPEAK_TIER_URL_WINDOW_SECONDS";

    public static final long DEFAULT_MAX_UPLOAD_BYTES = 1024L * 1024 * 1024;
    public static final long DEFAULT_MAX_IMAGE_PIXELS = 100_000_000L;
    /**
     * API Gateway and Lambda cap a response at 6 MB, and a binary body grows by a third in base64:
     * 4.5 MB of bytes plus headers stays under it.
     */
    public static final long DEFAULT_INLINE_RESPONSE_BYTES = 4_500_000L;
    /** Lambda's synchronous invocation payload limit (request and response): 6 MB. */
    public static final long LAMBDA_PAYLOAD_BYTES = 6L * 1024 * 1024;
    /** What a response's JSON takes beside its body (status, headers, cookies), kept free under the limit. */
    static final long RESPONSE_ENVELOPE_BYTES = 64 * 1024;
    /**
     * The largest binary body a function can return: base64 makes 4 bytes of every 3, and the envelope must fit
     * beside it (4,669,440 bytes). A larger setting would fail every response near the cap (API Gateway answers 500).
     */
    public static final long MAX_INLINE_RESPONSE_BYTES = (LAMBDA_PAYLOAD_BYTES - RESPONSE_ENVELOPE_BYTES) / 4 * 3;
    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;
    /** Why a token {@link #isAdminTokenTooShort} is refused: the same words wherever the token came from. */
    public static final String SHORT_ADMIN_TOKEN = "is shorter than " + MIN_ADMIN_TOKEN_LENGTH
            + " characters: use a long random value (e.g. `openssl rand -hex 32`)";

    /**
     * The one rule of an admin token, wherever it comes from ({@code ADMIN_TOKEN}, its secret, local mode's token
     * file {@link AdminTokenFile}): at least {@link #MIN_ADMIN_TOKEN_LENGTH} characters.
     */
    public static boolean isAdminTokenTooShort(String token) {
        return token == null || token.length() < MIN_ADMIN_TOKEN_LENGTH;
    }

    public static AppConfig fromEnv(Map<String, String> variables) {
        EnvReader env = new EnvReader(variables);
        Optional<String> adminToken = Optional.ofNullable(env.text(ADMIN_TOKEN));
        if (adminToken.isPresent() && isAdminTokenTooShort(adminToken.get())) {
            env.problem(ADMIN_TOKEN, SHORT_ADMIN_TOKEN);
        }
        Optional<String> secretArn = Optional.ofNullable(env.text(ADMIN_TOKEN_SECRET_ARN));
        if (secretArn.isPresent() && !secretArn.get().matches("arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+")) {
            env.problem(ADMIN_TOKEN_SECRET_ARN, "'" + secretArn.get() + "' is not the ARN "
                    + "of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>)");
        }
        String table = env.text(CATALOG_TABLE, "picpeak");
        if (!table.matches("[A-Za-z0-9_.-]{3,255}")) {
            env.problem(CATALOG_TABLE, "'" + table
                    + "' is not a DynamoDB table name: 3-255 of A-Z a-z 0-9 _ . -");
        }
        CatalogMode catalog = CatalogMode.EMBEDDED;
        String catalogValue = env.text(CATALOG);
        if (catalogValue != null) {
            try {
                catalog = CatalogMode.valueOf(catalogValue.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                env.problem(CATALOG, "'" + catalogValue + "' is neither 'embedded' (DynamoDB "
                        + "Local inside this process, one instance) nor 'dynamodb' (a DynamoDB server several instances "
                        + "share: region, credentials and AWS_ENDPOINT_URL_DYNAMODB as the AWS SDK reads them)");
            }
        }
        long jobPoll = env.wholeNumber(JOB_POLL_MS, DEFAULT_JOB_POLL_MS, 100, 3_600_000);
        long port = env.wholeNumber(PORT, 8080, 0, 65535); // 0: any free port (tests, benchmarks)
        long maxUpload = env.wholeNumber(MAX_UPLOAD_BYTES, DEFAULT_MAX_UPLOAD_BYTES, 1, Long.MAX_VALUE);
        long maxPixels = env.wholeNumber(MAX_IMAGE_PIXELS, DEFAULT_MAX_IMAGE_PIXELS, 1, Long.MAX_VALUE);
        long inline = env.wholeNumber(INLINE_RESPONSE_BYTES, DEFAULT_INLINE_RESPONSE_BYTES, 0, MAX_INLINE_RESPONSE_BYTES);
        long imageRate = env.wholeNumber(IMAGE_RATE_LIMIT, DEFAULT_IMAGE_RATE_LIMIT, 1, 1_000_000);
        long networkRate = env.wholeNumber(IMAGE_NETWORK_RATE_LIMIT, ImageAccess.defaultNetworkLimit(Math.max(1, imageRate)),
                1, 5_000_000);
        long sessionsPerMinute = env.wholeNumber(SESSIONS_PER_MINUTE, DEFAULT_SESSIONS_PER_MINUTE, 1, 1_000_000);
        long maxUploadRequest = env.wholeNumber(MAX_UPLOAD_REQUEST_BYTES, Math.max(DEFAULT_MAX_UPLOAD_REQUEST_BYTES, maxUpload),
                1, Long.MAX_VALUE);
        if (maxUploadRequest < maxUpload && env.isSet(MAX_UPLOAD_REQUEST_BYTES)) {
            env.problem(MAX_UPLOAD_REQUEST_BYTES, "'" + maxUploadRequest + "' is less than "
                    + MAX_UPLOAD_BYTES + " (" + maxUpload + "): a photo of the largest size could never be uploaded; "
                    + "raise it or lower " + MAX_UPLOAD_BYTES);
        }
        long maxGuestBody = env.wholeNumber(MAX_GUEST_BODY_BYTES, DEFAULT_MAX_GUEST_BODY_BYTES, 256, 1024 * 1024);
        long maxAdminJson = env.wholeNumber(MAX_ADMIN_JSON_BYTES, DEFAULT_MAX_ADMIN_JSON_BYTES, 1024, 64 * 1024 * 1024);
        GuessPolicy guesses = GuessPolicy.fromEnv(env);
        TrustedProxies proxies = TrustedProxies.fromEnv(env);
        long maxMetadata = env.wholeNumber(MAX_METADATA_BYTES, ImageProbe.DEFAULT_MAX_METADATA_BYTES, ImageProbe.HEADER_BYTES,
                256L * 1024 * 1024);
        Optional<String> eventsToken = Optional.ofNullable(env.text(STORAGE_EVENTS_TOKEN));
        if (eventsToken.isPresent() && isAdminTokenTooShort(eventsToken.get())) {
            env.problem(STORAGE_EVENTS_TOKEN, SHORT_ADMIN_TOKEN);
        }
        long eventsConcurrency = env.wholeNumber(STORAGE_EVENTS_CONCURRENCY, DEFAULT_STORAGE_EVENTS_CONCURRENCY, 1, 64);
        long tierUrlWindow = env.wholeNumber(TIER_URL_WINDOW_SECONDS, TierUrlTokens.DEFAULT_WINDOW.getSeconds(), 60, 86_400);
        long activityDays = env.wholeNumber(ACTIVITY_RETENTION_DAYS, DEFAULT_ACTIVITY_RETENTION_DAYS, 1, 3650);
        env.throwIfAny();
        return new AppConfig(adminToken, secretArn, table, (int) port, maxUpload, maxPixels, inline, imageRate,
                maxUploadRequest, maxGuestBody, maxAdminJson, guesses, proxies, (int) maxMetadata, catalog,
                Duration.ofMillis(jobPoll), Duration.ofSeconds(tierUrlWindow), networkRate, sessionsPerMinute,
                eventsToken, (int) eventsConcurrency, Duration.ofDays(activityDays));
    }

    /**
     * The admin token: {@code ADMIN_TOKEN} when set (local mode, tests), else the value of the secret
     * {@code ADMIN_TOKEN_SECRET_ARN} names, read through {@code readSecret} (when first needed and on rotation:
     * {@link AdminToken}); empty when neither is set.
     *
     * @throws ConfigException naming {@code ADMIN_TOKEN_SECRET_ARN} when the secret cannot be read or is too short
     */
    public Optional<String> resolveAdminToken(Function<String, String> readSecret) {
        if (adminToken.isPresent() || adminTokenSecretArn.isEmpty()) {
            return adminToken;
        }
        String value = EnvReader.blankToNull(readSecret.apply(adminTokenSecretArn.get()));
        if (isAdminTokenTooShort(value)) {
            throw new ConfigException(List.of(new ConfigException.Problem(ADMIN_TOKEN_SECRET_ARN, "names a secret whose "
                    + "value is shorter than " + MIN_ADMIN_TOKEN_LENGTH + " characters: store a long random token in it")));
        }
        return Optional.of(value);
    }

    @Override
    public String toString() { // never print the token
        return "AppConfig[catalog=" + catalog.wireName() + ", catalogTable=" + catalogTable + ", port=" + port + ", maxUploadBytes=" + maxUploadBytes
                + ", maxImagePixels=" + maxImagePixels + ", inlineResponseBytes=" + inlineResponseBytes + ", imageRequestsPerMinute=" + imageRequestsPerMinute
                + ", imageNetworkRequestsPerMinute=" + imageNetworkRequestsPerMinute + ", sessionsPerMinute=" + sessionsPerMinute
                + ", maxUploadRequestBytes=" + maxUploadRequestBytes + ", maxGuestBodyBytes=" + maxGuestBodyBytes
                + ", maxAdminJsonBytes=" + maxAdminJsonBytes + ", passwordGuesses=" + passwordGuesses
                + ", trustedProxies=" + trustedProxies + ", maxMetadataBytes=" + maxMetadataBytes
                + ", jobPollInterval=" + jobPollInterval + ", storageEventsHook=" + (storageEventsToken.isPresent() ? "on" : "off")
                + ", storageEventsConcurrency=" + storageEventsConcurrency + ", activityRetention=" + activityRetention + "]";
    }
}
