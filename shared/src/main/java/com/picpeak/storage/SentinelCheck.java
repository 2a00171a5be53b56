package com.picpeak.storage;

import com.picpeak.error.PicPeakException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import javax.net.ssl.SSLException;
import java.io.ByteArrayInputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The start-up check: proves the configured storage answers before anything is served. S3: HEAD the
 * sentinel key under the prefix (creating it when missing, which also proves write access); on failure
 * name the cause. A HEAD error has no body, so a follow-up LIST (whose error body has a code) tells
 * "bucket missing", "unknown key id", "wrong secret" and "denied by policy" apart. Every call is
 * bounded by {@link S3Timeouts#startupCheck()} and made once, so a verdict comes within seconds.
 */
public final class SentinelCheck {
    private static final Logger log = LoggerFactory.getLogger(SentinelCheck.class);

    public enum Cause {
        BUCKET_MISSING, UNKNOWN_ACCESS_KEY, WRONG_SECRET_KEY, NO_CREDENTIALS, EXPIRED_CREDENTIALS,
        ACCESS_DENIED, WRONG_REGION, ENDPOINT_UNREACHABLE, UNKNOWN_HOST, TLS_FAILURE, TIMEOUT,
        LOCAL_ROOT_UNUSABLE, UNEXPECTED;

        /** Lower-case name for logs and JSON, e.g. {@code bucket_missing}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The verdict. {@code cause} is null when ok. */
    public record Result(boolean ok, Cause cause, String message, Duration took) {
        /** The line the {@code check} command prints. */
        public String line() {
            return ok ? "storage ok: " + message : "storage check failed: " + cause.code() + ": " + message;
        }
    }

    /** Thrown by {@link #requireOk} so a process refuses to start. */
    public static final class StartupCheckFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Result result;

        public StartupCheckFailed(Result result) {
            super(result.line());
            this.result = result;
        }

        public Result result() {
            return result;
        }
    }

    private static final byte[] SENTINEL_CONTENT =
            "PicPeak storage sentinel: checked at every start; safe to keep.\n".getBytes(StandardCharsets.US_ASCII);

    private SentinelCheck() {
    }

    public static Result check(StorageConfig config) {
        return switch (config.backend()) {
            case LOCAL -> checkLocal(config.localRoot());
            case S3 -> checkS3(config.s3().orElseThrow());
        };
    }

    /** Runs the check and throws {@link StartupCheckFailed} unless it passed. */
    public static Result requireOk(StorageConfig config) {
        return requireOk(config, Duration.ZERO);
    }

    /**
     * As {@link #requireOk(StorageConfig)}, trying again while a failure may pass ({@link #mayPass}) for up to
     * {@code patience}, waiting 1, 2, 4, ... 16 s between tries. A function published with SnapStart runs this check
     * once, at publish, right after its new role was created: IAM may refuse that role for its first seconds
     * ("eventually consistent"), and one refusal would roll the deployment back.
     */
    public static Result requireOk(StorageConfig config, Duration patience) {
        Backoff backoff = Backoff.within(patience, Duration.ofSeconds(1));
        for (;;) {
            Result result = check(config);
            if (result.ok()) {
                return result;
            }
            if (!mayPass(result.cause()) || !backoff.hasTime()) {
                throw new StartupCheckFailed(result);
            }
            log.warn("start-up check failed ({}): trying again in {} s (a new role may still be propagating)",
                    result.line(), backoff.nextWait().toSeconds());
            if (!backoff.pause()) {
                throw new StartupCheckFailed(result);
            }
        }
    }

    /**
     * Whether a failure may pass by itself: a refusal (a new role's permissions propagating), expired credentials
     * (renewed), a store that did not answer. A missing bucket, a wrong key, region or host never does.
     */
    public static boolean mayPass(Cause cause) {
        return switch (cause) {
            case ACCESS_DENIED, EXPIRED_CREDENTIALS, ENDPOINT_UNREACHABLE, TIMEOUT, UNEXPECTED -> true;
            default -> false;
        };
    }

    public static Result checkLocal(Path root) {
        long start = System.nanoTime();
        try (LocalBlobStore store = new LocalBlobStore(root)) {
            if (store.head(Keys.SENTINEL).isEmpty()) {
                store.put(Keys.SENTINEL, new ByteArrayInputStream(SENTINEL_CONTENT), PutOptions.of("text/plain"));
            }
            return new Result(true, null, "local root=" + store.root(), since(start));
        } catch (PicPeakException e) {
            return new Result(false, Cause.LOCAL_ROOT_UNUSABLE, "cannot use the storage root " + root + " ("
                    + e.getMessage() + "): make it a writable folder for this user, or set "
                    + StorageConfig.STORAGE_LOCAL_ROOT + " (or " + StorageConfig.PICPEAK_DATA + ") to one", since(start));
        }
    }

    public static Result checkS3(StorageConfig.S3Settings settings) {
        try (S3Client client = S3Clients.client(settings, S3Timeouts.startupCheck())) {
            return checkS3(client, settings);
        }
    }

    /**
     * The same check without writing anything (for a dry run): a missing sentinel passes as it is, not created. It
     * proves the bucket answers and may be read and listed; write access shows only when something is written.
     */
    public static Result checkS3ReadOnly(StorageConfig.S3Settings settings) {
        try (S3Client client = S3Clients.client(settings, S3Timeouts.startupCheck())) {
            return checkS3(client, settings, false);
        }
    }

    static Result checkS3(S3Client client, StorageConfig.S3Settings settings) {
        return checkS3(client, settings, true);
    }

    private static Result checkS3(S3Client client, StorageConfig.S3Settings settings, boolean createSentinel) {
        long start = System.nanoTime();
        String sentinel = settings.prefix().isEmpty() ? Keys.SENTINEL : settings.prefix() + "/" + Keys.SENTINEL;
        String where = "s3 " + settings.describe();
        try {
            client.headObject(b -> b.bucket(settings.bucket()).key(sentinel));
            return new Result(true, null, where, since(start));
        } catch (NoSuchKeyException e) {
            return diagnose(client, settings, sentinel, 404, start, createSentinel);
        } catch (S3Exception e) {
            return diagnose(client, settings, sentinel, e.statusCode(), start, createSentinel);
        } catch (SdkException e) {
            return failed(classifyClientFailure(e, settings), settings, e, start);
        }
    }

    /** The HEAD failed without a body: ask again with a LIST, whose error body names the cause. */
    private static Result diagnose(S3Client client, StorageConfig.S3Settings settings, String sentinel,
                                   int headStatus, long start, boolean createSentinel) {
        boolean listed;
        try {
            listed = client.listObjectsV2(b -> b.bucket(settings.bucket()).prefix(sentinel).maxKeys(1)).contents()
                    .stream().anyMatch(o -> o.key().equals(sentinel));
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            return failed(classifyErrorCode(code, e.statusCode()), settings, e, start);
        } catch (SdkException e) {
            return failed(classifyClientFailure(e, settings), settings, e, start);
        }
        // AWS answers a HEAD of a missing key with 403 when s3:ListBucket is granted only under a prefix (as the
        // stack grants it): the LIST, which carries the prefix, tells a missing sentinel from a refused one.
        boolean missing = headStatus == 404 || (headStatus == 403 && !listed);
        if (!missing) {
            return failed(Cause.ACCESS_DENIED, settings, null, start);
        }
        if (!createSentinel) {
            return new Result(true, null, "s3 " + settings.describe() + " (no sentinel yet: nothing written)", since(start));
        }
        try { // the bucket answers and the sentinel is missing: a first start. Create it (proves write access).
            client.putObject(b -> b.bucket(settings.bucket()).key(sentinel).contentType("text/plain"),
                    RequestBody.fromBytes(SENTINEL_CONTENT));
            return new Result(true, null, "s3 " + settings.describe() + " (sentinel created)", since(start));
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            return failed(classifyErrorCode(code, e.statusCode()), settings, e, start);
        } catch (SdkException e) {
            return failed(classifyClientFailure(e, settings), settings, e, start);
        }
    }

    static Cause classifyErrorCode(String code, int status) {
        if (code == null) {
            return status == 403 ? Cause.ACCESS_DENIED : status == 301 ? Cause.WRONG_REGION : Cause.UNEXPECTED;
        }
        return switch (code) {
            case "NoSuchBucket" -> Cause.BUCKET_MISSING;
            case "InvalidAccessKeyId" -> Cause.UNKNOWN_ACCESS_KEY;
            case "SignatureDoesNotMatch" -> Cause.WRONG_SECRET_KEY;
            case "ExpiredToken", "InvalidToken", "TokenRefreshRequired" -> Cause.EXPIRED_CREDENTIALS;
            case "AccessDenied", "AllAccessDisabled", "AccountProblem" -> Cause.ACCESS_DENIED;
            case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"
                    -> Cause.WRONG_REGION;
            default -> Cause.UNEXPECTED;
        };
    }

    static Cause classifyClientFailure(SdkException e, StorageConfig.S3Settings settings) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return Cause.TIMEOUT;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return Cause.UNKNOWN_HOST;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return Cause.ENDPOINT_UNREACHABLE;
            }
            if (t instanceof SSLException) {
                return Cause.TLS_FAILURE;
            }
            if (t instanceof InterruptedIOException) { // socket and connect timeouts
                return Cause.TIMEOUT;
            }
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
            return Cause.NO_CREDENTIALS;
        }
        return Cause.UNEXPECTED;
    }

    private static Result failed(Cause cause, StorageConfig.S3Settings s, Exception e, long start) {
        String endpoint = s.endpoint().map(URI::toString).orElse("AWS S3 in " + s.region());
        String bucket = "bucket '" + s.bucket() + "'";
        String message = switch (cause) {
            case BUCKET_MISSING -> bucket + " does not exist at " + endpoint + ": create it, or correct "
                    + StorageConfig.STORAGE_S3_BUCKET + " / " + StorageConfig.STORAGE_S3_ENDPOINT;
            case UNKNOWN_ACCESS_KEY -> "the access key id is not known to " + endpoint + ": check "
                    + StorageConfig.STORAGE_S3_ACCESS_KEY;
            case WRONG_SECRET_KEY -> "the secret key does not match the access key (signature mismatch at "
                    + endpoint + "): check " + StorageConfig.STORAGE_S3_SECRET_KEY;
            case NO_CREDENTIALS -> "no credentials: set " + StorageConfig.STORAGE_S3_ACCESS_KEY + " and "
                    + StorageConfig.STORAGE_S3_SECRET_KEY + ", or run with a role (Lambda, instance profile)";
            case EXPIRED_CREDENTIALS -> "the credentials have expired or their session token is invalid: "
                    + "renew them (or the role session)";
            case ACCESS_DENIED -> "access denied by policy on " + bucket + " prefix '" + s.prefix() + "' at "
                    + endpoint + ": grant s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket on it";
            case WRONG_REGION -> bucket + " is not in region '" + s.region() + "': set "
                    + StorageConfig.STORAGE_S3_REGION + " to the bucket's region";
            case ENDPOINT_UNREACHABLE -> "cannot connect to " + endpoint + " (connection refused or no route): "
                    + "check " + StorageConfig.STORAGE_S3_ENDPOINT + " and that the server is running";
            case UNKNOWN_HOST -> "the host of " + endpoint + " is not known (DNS): check "
                    + StorageConfig.STORAGE_S3_ENDPOINT;
            case TLS_FAILURE -> "the TLS handshake with " + endpoint + " failed: if the server speaks plain HTTP set "
                    + StorageConfig.STORAGE_S3_SSL + "=false (or use http:// in the endpoint)";
            case TIMEOUT -> "no answer from " + endpoint + " within "
                    + S3Timeouts.startupCheck().call().toSeconds() + " s: check the network, firewall and "
                    + StorageConfig.STORAGE_S3_ENDPOINT;
            case LOCAL_ROOT_UNUSABLE, UNEXPECTED -> "unexpected answer from " + endpoint + " for " + bucket;
        };
        if (e != null && (cause == Cause.UNEXPECTED || cause == Cause.TLS_FAILURE)) {
            message += " (" + e.getMessage() + ")";
        }
        return new Result(false, cause, message, since(start));
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
