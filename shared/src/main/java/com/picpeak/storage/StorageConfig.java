package com.picpeak.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The storage configuration, parsed once from the environment. Nothing else in the project reads
 * these variables. Every problem is collected and reported together ({@link ConfigException}),
 * each naming the variable, the bad value (never a secret) and the fix.
 */
public record StorageConfig(
        Backend backend,
        Path dataDir,
        Path localRoot,
        Optional<S3Settings> s3,
        boolean autoImport,
        Duration autoImportInterval,
        Optional<Path> externalMediaRoot) {

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
    public static final String EXTERNAL_MEDIA_ROOT = "EXTERNAL_MEDIA_ROOT";
    public static final String PICPEAK_DATA = "PICPEAK_DATA";

    public static final String DEFAULT_REGION = "us-east-1";
    public static final long DEFAULT_AUTO_IMPORT_INTERVAL_MS = 300_000;
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
        Parser p = new Parser(env);

        Backend backend = Backend.LOCAL;
        String backendValue = p.get(STORAGE_BACKEND);
        if (backendValue != null) {
            switch (backendValue.toLowerCase(Locale.ROOT)) {
                case "local" -> backend = Backend.LOCAL;
                case "s3" -> backend = Backend.S3;
                default -> p.error(STORAGE_BACKEND, "'" + backendValue
                        + "' is not a storage backend: set it to 'local' or 's3'");
            }
        }

        Path dataDir = p.path(PICPEAK_DATA, "./data");
        Path localRoot = p.get(STORAGE_LOCAL_ROOT) != null
                ? p.path(STORAGE_LOCAL_ROOT, null)
                : (dataDir == null ? null : dataDir.resolve("storage"));

        boolean anyS3Variable = env.keySet().stream()
                .anyMatch(k -> k.startsWith("STORAGE_S3_") && p.get(k) != null);
        Optional<S3Settings> s3 = Optional.empty();
        if (backend == Backend.S3 || anyS3Variable) {
            s3 = parseS3(p, backend == Backend.S3);
        }

        boolean autoImport = p.bool(STORAGE_AUTO_IMPORT, false);
        long intervalMs = DEFAULT_AUTO_IMPORT_INTERVAL_MS;
        String intervalValue = p.get(STORAGE_AUTO_IMPORT_INTERVAL_MS);
        if (intervalValue != null) {
            try {
                intervalMs = Long.parseLong(intervalValue);
                if (intervalMs < MIN_AUTO_IMPORT_INTERVAL_MS) {
                    p.error(STORAGE_AUTO_IMPORT_INTERVAL_MS, "'" + intervalValue + "' is below the minimum of "
                            + MIN_AUTO_IMPORT_INTERVAL_MS + " ms: every poll lists every event prefix, so set "
                            + MIN_AUTO_IMPORT_INTERVAL_MS + " or more (default " + DEFAULT_AUTO_IMPORT_INTERVAL_MS + ")");
                }
            } catch (NumberFormatException e) {
                p.error(STORAGE_AUTO_IMPORT_INTERVAL_MS, "'" + intervalValue
                        + "' is not a whole number of milliseconds: set e.g. 300000 for five minutes");
            }
        }

        Optional<Path> externalRoot = Optional.empty();
        if (p.get(EXTERNAL_MEDIA_ROOT) != null) {
            Path root = p.path(EXTERNAL_MEDIA_ROOT, null);
            if (root != null && !Files.isDirectory(root)) {
                p.error(EXTERNAL_MEDIA_ROOT, "'" + root + "' is not an existing folder: create it, "
                        + "mount it, or unset " + EXTERNAL_MEDIA_ROOT);
            } else if (root != null) {
                externalRoot = Optional.of(root);
            }
        }

        p.throwIfAny();
        return new StorageConfig(backend, dataDir, localRoot, s3, autoImport,
                Duration.ofMillis(intervalMs), externalRoot);
    }

    private static Optional<S3Settings> parseS3(Parser p, boolean required) {
        String bucket = p.get(STORAGE_S3_BUCKET);
        if (bucket == null) {
            if (required) {
                p.error(STORAGE_S3_BUCKET, "is required when " + STORAGE_BACKEND
                        + "=s3: set it to the name of the bucket that holds the photos");
            }
        } else if (bucket.startsWith("s3://") || bucket.contains("/")) {
            p.error(STORAGE_S3_BUCKET, "'" + bucket + "' must be a bare bucket name: drop any 's3://' "
                    + "and put a folder inside the bucket in " + STORAGE_S3_PREFIX);
        } else if (!BUCKET.matcher(bucket).matches()) {
            p.error(STORAGE_S3_BUCKET, "'" + bucket + "' is not a valid bucket name: use letters, "
                    + "digits, '.', '-' or '_' (3 to 255 characters)");
        }

        String region = p.get(STORAGE_S3_REGION);
        if (region == null) {
            region = DEFAULT_REGION;
        } else if (!REGION.matcher(region).matches()) {
            p.error(STORAGE_S3_REGION, "'" + region + "' is not a region name: use e.g. 'us-east-1', "
                    + "'eu-central-1', or 'auto' for Cloudflare R2");
        }

        String accessKey = p.get(STORAGE_S3_ACCESS_KEY);
        String secretKey = p.get(STORAGE_S3_SECRET_KEY);
        if ((accessKey == null) != (secretKey == null)) {
            String missing = accessKey == null ? STORAGE_S3_ACCESS_KEY : STORAGE_S3_SECRET_KEY;
            String present = accessKey == null ? STORAGE_S3_SECRET_KEY : STORAGE_S3_ACCESS_KEY;
            p.error(missing, "is missing while " + present + " is set: set both, or neither to use the "
                    + "default AWS credential chain (instance or Lambda role)");
        }

        Boolean sslExplicit = p.boolOrNull(STORAGE_S3_SSL);
        boolean ssl = sslExplicit == null || sslExplicit;
        Optional<URI> endpoint = Optional.empty();
        String endpointValue = p.get(STORAGE_S3_ENDPOINT);
        if (endpointValue != null) {
            endpoint = parseEndpoint(p, endpointValue, ssl, sslExplicit != null);
        }

        if ("auto".equals(region) && endpointValue == null) {
            p.error(STORAGE_S3_REGION, "'auto' only works with an endpoint (Cloudflare R2): set "
                    + STORAGE_S3_ENDPOINT + " or use the bucket's AWS region");
        }

        Boolean pathStyleExplicit = p.boolOrNull(STORAGE_S3_FORCE_PATH_STYLE);
        // Most S3-compatible stores (MinIO, a local S3 server) have no wildcard DNS for bucket subdomains.
        boolean forcePathStyle = pathStyleExplicit != null ? pathStyleExplicit : endpointValue != null;

        String prefix = p.get(STORAGE_S3_PREFIX);
        String normalisedPrefix = "";
        if (prefix != null) {
            try {
                normalisedPrefix = normalisePrefix(prefix);
            } catch (IllegalArgumentException e) {
                p.error(STORAGE_S3_PREFIX, "'" + prefix + "' " + e.getMessage());
            }
        }

        if (bucket == null) {
            return Optional.empty();
        }
        return Optional.of(new S3Settings(bucket, region, Optional.ofNullable(accessKey),
                Optional.ofNullable(secretKey), endpoint, normalisedPrefix, forcePathStyle, ssl));
    }

    private static Optional<URI> parseEndpoint(Parser p, String value, boolean ssl, boolean sslExplicit) {
        String withScheme = value.contains("://") ? value : (ssl ? "https://" : "http://") + value;
        URI uri;
        try {
            uri = new URI(withScheme);
        } catch (URISyntaxException e) {
            p.error(STORAGE_S3_ENDPOINT, "'" + value + "' is not a URL: use e.g. "
                    + "'https://<account>.r2.cloudflarestorage.com' or 'minio.local:9000'");
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            p.error(STORAGE_S3_ENDPOINT, "'" + value + "' must use http or https");
            return Optional.empty();
        }
        if (uri.getHost() == null) {
            p.error(STORAGE_S3_ENDPOINT, "'" + value + "' has no host name: use e.g. 'minio.local:9000'");
            return Optional.empty();
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            p.error(STORAGE_S3_ENDPOINT, "'" + value + "' must not contain a path: put the bucket in "
                    + STORAGE_S3_BUCKET + " and a folder in " + STORAGE_S3_PREFIX);
            return Optional.empty();
        }
        if (sslExplicit && value.contains("://") && scheme.equals("https") != ssl) {
            p.error(STORAGE_S3_SSL, "'" + p.get(STORAGE_S3_SSL) + "' contradicts the scheme of "
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

    /** Collects every problem before failing, so one start shows all of them. */
    private static final class Parser {
        private final Map<String, String> env;
        private final List<ConfigException.Problem> problems = new ArrayList<>();

        Parser(Map<String, String> env) {
            this.env = env;
        }

        /** The trimmed value, or null when unset or blank (an empty variable means unset). */
        String get(String name) {
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                return null;
            }
            return value.trim();
        }

        void error(String variable, String message) {
            problems.add(new ConfigException.Problem(variable, message));
        }

        Path path(String name, String defaultValue) {
            String value = get(name);
            if (value == null) {
                value = defaultValue;
            }
            if (value == null) {
                return null;
            }
            try {
                return Path.of(value).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                error(name, "'" + value + "' is not a usable path: " + e.getReason());
                return null;
            }
        }

        Boolean boolOrNull(String name) {
            String value = get(name);
            if (value == null) {
                return null;
            }
            switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> { return true; }
                case "false", "0", "no", "off" -> { return false; }
                default -> {
                    error(name, "'" + value + "' is not a yes/no value: use 'true' or 'false'");
                    return null;
                }
            }
        }

        boolean bool(String name, boolean defaultValue) {
            Boolean value = boolOrNull(name);
            return value == null ? defaultValue : value;
        }

        void throwIfAny() {
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        }
    }
}
