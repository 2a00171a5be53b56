package com.picpeak.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The deployment's choices, from CDK context values ({@code cdk deploy -c key=value} or cdk.json),
 * checked together: every bad value is reported at once, naming the key and the fix.
 *
 * @param bucketName           an existing bucket to use; empty: the stack creates one
 * @param bucketPrefix         {@code STORAGE_S3_PREFIX}: every key (and every S3 permission) under it; "" for none
 * @param autoImport           {@code STORAGE_AUTO_IMPORT}: deploy the poller on a schedule
 * @param autoImportIntervalMs {@code STORAGE_AUTO_IMPORT_INTERVAL_MS}: the poller's schedule, in whole minutes
 * @param adminTokenSecretArn  an existing Secrets Manager secret (complete ARN) holding the admin token;
 *                             empty: the stack creates one with a generated value
 * @param snapStart            SnapStart on every function, invoked through its alias "live" (off for emulators that lack it)
 * @param jobConcurrency       the most jobs the worker runs at once (the SQS event source's maximum concurrency)
 * @param pushImport           {@code STORAGE_PUSH_IMPORT}: the bucket's notifications through EventBridge and a queue to the
 *                             StorageEvents function, photos in seconds; the walker (if on) reconciles, hourly by default
 * @param pushImportConcurrency the most notification batches imported at once (the queue's event source maximum)
 * @param endpoint             LocalStack and SAM local only: the functions reach every AWS service at this URL
 *                             ({@code STORAGE_S3_ENDPOINT} and the SDK's standard {@code AWS_ENDPOINT_URL}); empty in AWS
 */
public record StackSettings(
        Optional<String> bucketName,
        String bucketPrefix,
        boolean autoImport,
        long autoImportIntervalMs,
        Optional<String> adminTokenSecretArn,
        boolean snapStart,
        int jobConcurrency,
        Optional<String> endpoint,
        boolean pushImport,
        int pushImportConcurrency) {

    public static final String BUCKET_NAME = "bucketName";
    public static final String BUCKET_PREFIX = "bucketPrefix";
    public static final String AUTO_IMPORT = "autoImport";
    public static final String AUTO_IMPORT_INTERVAL_MS = "autoImportIntervalMs";
    public static final String ADMIN_TOKEN_SECRET_ARN = "adminTokenSecretArn";
    public static final String SNAP_START = "snapStart";
    public static final String JOB_CONCURRENCY = "jobConcurrency";
    public static final String ENDPOINT = "endpoint";
    public static final String PUSH_IMPORT = "pushImport";
    public static final String PUSH_IMPORT_CONCURRENCY = "pushImportConcurrency";
    /** With push import on, the walker only reconciles: the application's default (shared StorageConfig). */
    public static final long DEFAULT_RECONCILE_INTERVAL_MS = 3_600_000;
    public static final int DEFAULT_PUSH_IMPORT_CONCURRENCY = 4;

    /** The same default and floor as the application's STORAGE_AUTO_IMPORT_INTERVAL_MS (shared StorageConfig). */
    public static final long DEFAULT_AUTO_IMPORT_INTERVAL_MS = 300_000;
    public static final long MIN_AUTO_IMPORT_INTERVAL_MS = 5_000;
    /** SQS event sources accept a maximum concurrency of 2 to 1000. */
    public static final int DEFAULT_JOB_CONCURRENCY = 4;
    public static final int MIN_JOB_CONCURRENCY = 2;
    public static final int MAX_JOB_CONCURRENCY = 1000;

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern SECRET_ARN =
            Pattern.compile("arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}");
    private static final Pattern ENDPOINT_URL = Pattern.compile("https?://[A-Za-z0-9.-]+(:\\d{1,5})?");
    private static final Pattern PREFIX_SEGMENT = Pattern.compile("[A-Za-z0-9!_.*'()-]+");

    /**
     * Everything by default: a new bucket without prefix, push import (no walker), a generated admin token, SnapStart,
     * {@value #DEFAULT_JOB_CONCURRENCY} jobs at once.
     */
    public static StackSettings defaults() {
        return from(key -> null);
    }

    /**
     * Reads the settings through {@code context} (a CDK node's {@code tryGetContext}: strings from the
     * command line, JSON values from cdk.json).
     *
     * @throws IllegalArgumentException listing every bad value
     */
    public static StackSettings from(Function<String, Object> context) {
        List<String> problems = new ArrayList<>();
        Optional<String> bucket = text(context, BUCKET_NAME);
        if (bucket.isPresent() && !BUCKET.matcher(bucket.get()).matches()) {
            problems.add(BUCKET_NAME + ": '" + bucket.get() + "' is not an S3 bucket name (3-63 of a-z 0-9 . -)");
        }
        String prefix = text(context, BUCKET_PREFIX).map(StackSettings::normalisePrefix).orElse("");
        if (!prefix.isEmpty()) {
            for (String segment : prefix.split("/", -1)) {
                if (!PREFIX_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                    problems.add(BUCKET_PREFIX + ": '" + prefix + "' is not a folder path: use segments of letters, "
                            + "digits and !_.*'()- separated by '/'");
                    break;
                }
            }
        }
        boolean autoImport = bool(context, AUTO_IMPORT, false, problems);
        boolean pushImport = bool(context, PUSH_IMPORT, true, problems);
        long interval = pushImport ? DEFAULT_RECONCILE_INTERVAL_MS : DEFAULT_AUTO_IMPORT_INTERVAL_MS;
        Optional<String> intervalText = text(context, AUTO_IMPORT_INTERVAL_MS);
        if (intervalText.isPresent()) {
            try {
                interval = Long.parseLong(intervalText.get());
                if (interval < MIN_AUTO_IMPORT_INTERVAL_MS) {
                    problems.add(AUTO_IMPORT_INTERVAL_MS + ": '" + interval + "' is below the minimum of "
                            + MIN_AUTO_IMPORT_INTERVAL_MS + " ms");
                }
            } catch (NumberFormatException e) {
                problems.add(AUTO_IMPORT_INTERVAL_MS + ": '" + intervalText.get()
                        + "' is not a whole number of milliseconds (e.g. 300000 for five minutes)");
            }
        }
        Optional<String> secretArn = text(context, ADMIN_TOKEN_SECRET_ARN);
        if (secretArn.isPresent() && !SECRET_ARN.matcher(secretArn.get()).matches()) {
            problems.add(ADMIN_TOKEN_SECRET_ARN + ": '" + secretArn.get() + "' is not the complete ARN of a Secrets "
                    + "Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>)");
        }
        boolean snapStart = bool(context, SNAP_START, true, problems);
        int jobConcurrency = DEFAULT_JOB_CONCURRENCY;
        Optional<String> concurrencyText = text(context, JOB_CONCURRENCY);
        if (concurrencyText.isPresent()) {
            try {
                jobConcurrency = Integer.parseInt(concurrencyText.get());
                if (jobConcurrency < MIN_JOB_CONCURRENCY || jobConcurrency > MAX_JOB_CONCURRENCY) {
                    problems.add(JOB_CONCURRENCY + ": '" + jobConcurrency + "' is outside " + MIN_JOB_CONCURRENCY
                            + "-" + MAX_JOB_CONCURRENCY + " (the range of an SQS event source's maximum concurrency)");
                }
            } catch (NumberFormatException e) {
                problems.add(JOB_CONCURRENCY + ": '" + concurrencyText.get() + "' is not a whole number of jobs "
                        + "run at once (" + MIN_JOB_CONCURRENCY + "-" + MAX_JOB_CONCURRENCY + ")");
            }
        }
        int pushConcurrency = DEFAULT_PUSH_IMPORT_CONCURRENCY;
        Optional<String> pushConcurrencyText = text(context, PUSH_IMPORT_CONCURRENCY);
        if (pushConcurrencyText.isPresent()) {
            try {
                pushConcurrency = Integer.parseInt(pushConcurrencyText.get());
                if (pushConcurrency < MIN_JOB_CONCURRENCY || pushConcurrency > MAX_JOB_CONCURRENCY) {
                    problems.add(PUSH_IMPORT_CONCURRENCY + ": '" + pushConcurrency + "' is outside " + MIN_JOB_CONCURRENCY
                            + "-" + MAX_JOB_CONCURRENCY + " (the range of an SQS event source's maximum concurrency)");
                }
            } catch (NumberFormatException e) {
                problems.add(PUSH_IMPORT_CONCURRENCY + ": '" + pushConcurrencyText.get() + "' is not a whole number ("
                        + MIN_JOB_CONCURRENCY + "-" + MAX_JOB_CONCURRENCY + ")");
            }
        }
        Optional<String> endpoint = text(context, ENDPOINT);
        if (endpoint.isPresent() && !ENDPOINT_URL.matcher(endpoint.get()).matches()) {
            problems.add(ENDPOINT + ": '" + endpoint.get() + "' is not a scheme, host and port "
                    + "(e.g. http://localhost.localstack.cloud:4566)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("bad context values (cdk -c key=value):\n  " + String.join("\n  ", problems));
        }
        return new StackSettings(bucket, prefix, autoImport, interval, secretArn, snapStart, jobConcurrency, endpoint,
                pushImport, pushConcurrency);
    }

    /**
     * The poller's schedule: EventBridge counts whole minutes (at least one), so the interval is rounded up;
     * the poller still gets the exact interval in its environment.
     */
    public long scheduleMinutes() {
        return Math.max(1, (autoImportIntervalMs + 59_999) / 60_000);
    }

    private static String normalisePrefix(String prefix) {
        String p = prefix.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static Optional<String> text(Function<String, Object> context, String key) {
        Object value = context.apply(key);
        if (value == null || value.toString().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.toString().trim());
    }

    private static boolean bool(Function<String, Object> context, String key, boolean defaultValue, List<String> problems) {
        Optional<String> value = text(context, key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> {
                problems.add(key + ": '" + value.get() + "' is not true or false");
                yield defaultValue;
            }
        };
    }
}
