package com.picpeak.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The storage configuration, parsed once from the environment (through {@link EnvReader}, as every setting is).
 * Nothing else in the project reads these variables. Every problem is collected and reported together
 * ({@link ConfigException}), each naming the variable, the bad value (never a secret) and the fix.
 */
public record StorageConfig(
        Backend backend,
        Path dataDir,
        Path localRoot,
        Optional<S3Settings> s3,
        boolean autoImport,
        Duration autoImportInterval,
        Optional<Path> externalMediaRoot,
        boolean pushImport) {

    public static final String STORAGE_BACKEND = "STORAGE_BACKEND";
    public static final String STORAGE_LOCAL_ROOT = "STORAGE_LOCAL_ROOT";
    public static final String STORAGE_S3_BUCKET = "STORAGE_S3_BUCKET";
    public static final String STORAGE_S3_REGION = "STORAGE_S3_REGION";
    public static final String STORAGE_S3_ACCESS_KEY = "STORAGE_S3_ACCESS_KEY";
    public static final String STORAGE_S3_SECRET_KEY = "STORAGE_S3_SECRET_KEY";
    public static final String STORAGE_S3_ENDPOINT = "STORAGE_S3_ENDPOINT";
    public static final String STORAGE_S3_PREFIX = "STORAGE_S3_PREFIX";
    public static final String STORAGE_S3_FORCE_PATH_STYLE = "STORAGE_S3_FORCE_PATH_STYLE";
    public static final String STORAGE_S3_SSL = "STORAGE_S3_SSL";
    public static final String STORAGE_AUTO_IMPORT = "STORAGE_AUTO_IMPORT";
    public static final String STORAGE_AUTO_IMPORT_INTERVAL_MS = "STORAGE_AUTO_IMPORT_INTERVAL_MS";
    /**
     * Push import: the store sends a notification per object (S3 through EventBridge to the import function; MinIO and
     * other S3-compatible stores to {@code POST /api/hooks/storage-events}), and the walker becomes the reconciler of
     * what was missed, hourly unless {@link #STORAGE_AUTO_IMPORT_INTERVAL_MS} says otherwise. Default: on when
     * {@link #STORAGE_EVENTS_TOKEN} is set.
     */
    public static final String STORAGE_PUSH_IMPORT = "STORAGE_PUSH_IMPORT";
    /** The bearer token a store's webhook sends to {@code POST /api/hooks/storage-events} (MinIO's auth_token). */
    public static final String STORAGE_EVENTS_TOKEN = "PICPEAK_STORAGE_EVENTS_TOKEN";
    public static final String EXTERNAL_MEDIA_ROOT = "EXTERNAL_MEDIA_ROOT";
    public static final String PICPEAK_DATA = "PICPEAK_DATA";

    public static final String DEFAULT_REGION = "us-east-1";
    public static final long DEFAULT_AUTO_IMPORT_INTERVAL_MS = 300_000;
    /** The walker's default interval when push import is on: it only reconciles what notifications missed. */
    public static final long DEFAULT_RECONCILE_INTERVAL_MS = 3_600_000;
    /** Below this a poll would list every event prefix so often that request costs run away. */
    public static final long MIN_AUTO_IMPORT_INTERVAL_MS = 5_000;

    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,254}");

    public enum Backend { LOCAL, S3 }

    /** Everything needed to reach one bucket (and prefix) of an S3-compatible store. */
    public record S3Settings(
            String bucket,
            String region,
            Optional<String> accessKey,
            Optional<String> secretKey,
            Optional<URI> endpoint,
            String prefix,
            boolean forcePathStyle,
            boolean ssl) {

        /** Same store and bucket, another key prefix (normalised like {@code STORAGE_S3_PREFIX}). */
        public S3Settings withPrefix(String newPrefix) {
            return new S3Settings(bucket, region, accessKey, secretKey, endpoint,
                    normalisePrefix(newPrefix), forcePathStyle, ssl);
        }

        public String describe() {
            return "bucket=" + bucket
                    + " prefix=" + (prefix.isEmpty() ? "(none)" : prefix)
                    + " endpoint=" + endpoint.map(URI::toString).orElse("(aws)")
                    + " region=" + region;
        }

        @Override
        public String toString() { // never print the secret
            return "S3Settings[" + describe() + " credentials="
                    + (accessKey.isPresent() ? "static" : "default-chain") + "]";
        }
    }

    /** Parses the real process environment. */
    public static StorageConfig fromEnv() {
        return fromEnv(System.getenv());
    }

    /**
     * Parses a configuration from environment variables.
     *
     * @throws ConfigException listing every problem found, not just the first
     */
    public static StorageConfig fromEnv(Map<String, String> env) {
        EnvReader p = new EnvReader(env);

        Backend backend = Backend.LOCAL;
        String backendValue = p.text(STORAGE_BACKEND);
        if (backendValue != null) {
            switch (backendValue.toLowerCase(Locale.ROOT)) {
                case "local" -> backend = Backend.LOCAL;
                case "s3" -> backend = Backend.S3;
                default -> p.problem(STORAGE_BACKEND, "'" + backendValue
                        + "' is not a storage backend: set it to 'local' or 's3'");
            }
        }

        Path dataDir = p.path(PICPEAK_DATA, "./data");
        Path localRoot = p.text(STORAGE_LOCAL_ROOT) != null
                ? p.path(STORAGE_LOCAL_ROOT, null)
                : (dataDir == null ? null : dataDir.resolve("storage"));

        boolean anyS3Variable = p.names().stream().anyMatch(k -> k.startsWith("STORAGE_S3_"));
        Optional<S3Settings> s3 = Optional.empty();
        if (backend == Backend.S3 || anyS3Variable) {
            s3 = parseS3(p, backend == Backend.S3);
        }

        boolean autoImport = p.yesNo(STORAGE_AUTO_IMPORT, false);
        boolean pushImport = p.yesNo(STORAGE_PUSH_IMPORT, p.text(STORAGE_EVENTS_TOKEN) != null);
        long intervalMs = p.wholeNumber(STORAGE_AUTO_IMPORT_INTERVAL_MS,
                pushImport ? DEFAULT_RECONCILE_INTERVAL_MS : DEFAULT_AUTO_IMPORT_INTERVAL_MS,
                MIN_AUTO_IMPORT_INTERVAL_MS, Long.MAX_VALUE, "ms between polls, each listing every event prefix");

        Optional<Path> externalRoot = Optional.empty();
        if (p.text(EXTERNAL_MEDIA_ROOT) != null) {
            Path root = p.path(EXTERNAL_MEDIA_ROOT, null);
            if (root != null && !Files.isDirectory(root)) {
                p.problem(EXTERNAL_MEDIA_ROOT, "'" + root + "' is not an existing folder: create it, "
                        + "mount it, or unset " + EXTERNAL_MEDIA_ROOT);
            } else if (root != null) {
                externalRoot = Optional.of(root);
            }
        }

        p.throwIfAny();
        return new StorageConfig(backend, dataDir, localRoot, s3, autoImport,
                Duration.ofMillis(intervalMs), externalRoot, pushImport);
    }

    private static Optional<S3Settings> parseS3(EnvReader p, boolean required) {
        String bucket = p.text(STORAGE_S3_BUCKET);
        if (bucket == null) {
            if (required) {
                p.problem(STORAGE_S3_BUCKET, "is required when " + STORAGE_BACKEND
                        + "=s3: set it to the name of the bucket that holds the photos");
            }
        } else if (bucket.startsWith("s3://") || bucket.contains("/")) {
            p.problem(STORAGE_S3_BUCKET, "'" + bucket + "' must be a bare bucket name: drop any 's3://' "
                    + "and put a folder inside the bucket in " + STORAGE_S3_PREFIX);
        } else if (!BUCKET.matcher(bucket).matches()) {
            p.problem(STORAGE_S3_BUCKET, "'" + bucket + "' is not a valid bucket name: use letters, "
                    + "digits, '.', '-' or '_' (3 to 255 characters)");
        }

        String region = p.text(STORAGE_S3_REGION);
        if (region == null) {
            region = DEFAULT_REGION;
        } else if (!REGION.matcher(region).matches()) {
            p.problem(STORAGE_S3_REGION, "'" + region + "' is not a region name: use e.g. 'us-east-1', "
                    + "'eu-central-1', or 'auto' for Cloudflare R2");
        }

        String accessKey = p.text(STORAGE_S3_ACCESS_KEY);
        String secretKey = p.text(STORAGE_S3_SECRET_KEY);
        if ((accessKey == null) != (secretKey == null)) {
            String missing = accessKey == null ? STORAGE_S3_ACCESS_KEY : STORAGE_S3_SECRET_KEY;
            String present = accessKey == null ? STORAGE_S3_SECRET_KEY : STORAGE_S3_ACCESS_KEY;
            p.problem(missing, "is missing while " + present + " is set: set both, or neither to use the "
                    + "default AWS credential chain (instance or Lambda role)");
        }

        Boolean sslExplicit = p.yesNoOrNull(STORAGE_S3_SSL);
        boolean ssl = sslExplicit == null || sslExplicit;
        Optional<URI> endpoint = Optional.empty();
        String endpointValue = p.text(STORAGE_S3_ENDPOINT);
        if (endpointValue != null) {
            endpoint = parseEndpoint(p, endpointValue, ssl, sslExplicit != null);
        }

        if ("auto".equals(region) && endpointValue == null) {
            p.problem(STORAGE_S3_REGION, "'auto' only works with an endpoint (Cloudflare R2): set "
                    + STORAGE_S3_ENDPOINT + " or use the bucket's AWS region");
        }

        Boolean pathStyleExplicit = p.yesNoOrNull(STORAGE_S3_FORCE_PATH_STYLE);
        // Most S3-compatible stores (MinIO, a local S3 server) have no wildcard DNS for bucket subdomains.
        boolean forcePathStyle = pathStyleExplicit != null ? pathStyleExplicit : endpointValue != null;

        String prefix = p.text(STORAGE_S3_PREFIX);
        String normalisedPrefix = "";
        if (prefix != null) {
            try {
                normalisedPrefix = normalisePrefix(prefix);
            } catch (IllegalArgumentException e) {
                p.problem(STORAGE_S3_PREFIX, "'" + prefix + "' " + e.getMessage());
            }
        }

        if (bucket == null) {
            return Optional.empty();
        }
        return Optional.of(new S3Settings(bucket, region, Optional.ofNullable(accessKey),
                Optional.ofNullable(secretKey), endpoint, normalisedPrefix, forcePathStyle, ssl));
    }

    private static Optional<URI> parseEndpoint(EnvReader p, String value, boolean ssl, boolean sslExplicit) {
        String withScheme = value.contains("://") ? value : (ssl ? "https://" : "http://") + value;
        URI uri;
        try {
            uri = new URI(withScheme);
        } catch (URISyntaxException e) {
            p.problem(STORAGE_S3_ENDPOINT, "'" + value + "' is not a URL: use e.g. "
                    + "'https://<account>.r2.cloudflarestorage.com' or 'minio.local:9000'");
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            p.problem(STORAGE_S3_ENDPOINT, "'" + value + "' must use http or https");
            return Optional.empty();
        }
        if (uri.getHost() == null) {
            p.problem(STORAGE_S3_ENDPOINT, "'" + value + "' has no host name: use e.g. 'minio.local:9000'");
            return Optional.empty();
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            p.problem(STORAGE_S3_ENDPOINT, "'" + value + "' must not contain a path: put the bucket in "
                    + STORAGE_S3_BUCKET + " and a folder in " + STORAGE_S3_PREFIX);
            return Optional.empty();
        }
        if (sslExplicit && value.contains("://") && scheme.equals("https") != ssl) {
            p.problem(STORAGE_S3_SSL, "'" + p.text(STORAGE_S3_SSL) + "' contradicts the scheme of "
                    + STORAGE_S3_ENDPOINT + " '" + value + "': drop the scheme from the endpoint or make them agree");
        }
        return Optional.of(URI.create(scheme + "://" + uri.getRawAuthority()));
    }

    /** Removes leading/trailing slashes and refuses segments that would escape or confuse the key space. */
    static String normalisePrefix(String prefix) {
        String trimmed = prefix.trim();
        if (trimmed.contains("\\")) {
            throw new IllegalArgumentException("contains a backslash: use '/' between folders");
        }
        String stripped = trimmed.replaceAll("^/+", "").replaceAll("/+$", "");
        if (stripped.isEmpty()) {
            return "";
        }
        for (String segment : stripped.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("contains an empty, '.' or '..' folder: use a plain path "
                        + "such as 'picpeak' or 'studio/photos'");
            }
        }
        return stripped;
    }

    /** One line for logs and the {@code check} command. */
    public String describe() {
        return switch (backend) {
            case LOCAL -> "local root=" + localRoot;
            case S3 -> "s3 " + s3.orElseThrow().describe();
        };
    }
}
