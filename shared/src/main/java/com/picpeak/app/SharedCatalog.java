package com.picpeak.app;

import com.picpeak.catalog.DynamoCatalog;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import com.picpeak.storage.SdkHttpClients;
import com.picpeak.storage.EnvReader;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Local mode's shared catalog ({@code PICPEAK_CATALOG=dynamodb}): a DynamoDB reached over the network that several
 * instances behind a load balancer use at once. The client takes the AWS SDK's standard settings: region
 * ({@code AWS_REGION}), credentials (the default chain; {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} in
 * the environment first) and endpoint ({@code AWS_ENDPOINT_URL_DYNAMODB}, else {@code AWS_ENDPOINT_URL}: DynamoDB
 * Local run as a server, or another DynamoDB-compatible server). They are read from the configuration map, like
 * every other setting, so that tests can start two instances in one JVM.
 *
 * <p>The table {@code CATALOG_TABLE} is created when missing (on-demand billing, the same keys and index the stack
 * creates), so the first instance that starts on an empty server prepares it and the others find it.
 */
public final class SharedCatalog {
    public static final String ENDPOINT = "AWS_ENDPOINT_URL_DYNAMODB";
    public static final String ENDPOINT_ALL_SERVICES = "AWS_ENDPOINT_URL";
    public static final String REGION = "AWS_REGION";
    public static final String DEFAULT_REGION = "AWS_DEFAULT_REGION";
    public static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";
    /** Every catalog call, and so the start-up check, ends within this (retries included). */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private SharedCatalog() {
    }

    /** The shared catalog could not be reached or prepared at start: the message names the cause and the fix. */
    public static final class Unreachable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A client of the shared catalog whose table is there (created when missing), or {@link Unreachable} within
     * about {@link #CALL_TIMEOUT} (plus the table's creation, when it was missing).
     */
    public static DynamoDbClient open(Map<String, String> env, String table) {
        DynamoDbClient client;
        try {
            client = client(env);
        } catch (SdkException e) { // no region anywhere, or a credentials provider that cannot be built
            throw new Unreachable("the shared catalog (" + AppConfig.CATALOG + "=dynamodb) has no usable AWS settings: "
                    + e.getMessage() + " (set " + REGION + ", and " + ENDPOINT + " for DynamoDB Local or another "
                    + "DynamoDB-compatible server)", e);
        }
        try {
            requireTable(client, table, describe(env, table));
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Where the shared catalog is, for the start-up line: {@code table 'picpeak' at http://db:8000 (us-east-1)}. */
    public static String describe(Map<String, String> env, String table) {
        return "DynamoDB table '" + table + "' at " + endpoint(env).map(URI::toString).orElse("the AWS endpoint")
                + region(env).map(r -> " (" + r + ")").orElse("");
    }

    static DynamoDbClient client(Map<String, String> env) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClientBuilder(SdkHttpClients.builder(Duration.ofSeconds(3), Duration.ofSeconds(5)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallAttemptTimeout(Duration.ofSeconds(5))
                        .apiCallTimeout(CALL_TIMEOUT)
                        .build());
        endpoint(env).ifPresent(builder::endpointOverride);
        region(env).map(Region::of).ifPresent(builder::region);
        // without keys in the configuration the client takes the SDK's default chain (profile, container, instance role)
        credentials(env).map(StaticCredentialsProvider::create).ifPresent(builder::credentialsProvider);
        return builder.build();
    }

    private static Optional<AwsCredentials> credentials(Map<String, String> env) {
        String id = EnvReader.blankToNull(env.get(ACCESS_KEY_ID));
        String secret = EnvReader.blankToNull(env.get(SECRET_ACCESS_KEY));
        if (id == null || secret == null) {
            return Optional.empty();
        }
        String session = EnvReader.blankToNull(env.get(SESSION_TOKEN));
        return Optional.of(session == null ? AwsBasicCredentials.create(id, secret)
                : AwsSessionCredentials.create(id, secret, session));
    }

    private static Optional<URI> endpoint(Map<String, String> env) {
        String value = EnvReader.blankToNull(env.get(ENDPOINT));
        if (value == null) {
            value = EnvReader.blankToNull(env.get(ENDPOINT_ALL_SERVICES));
        }
        return Optional.ofNullable(value).map(URI::create);
    }

    private static Optional<String> region(Map<String, String> env) {
        String value = EnvReader.blankToNull(env.get(REGION));
        return Optional.ofNullable(value != null ? value : EnvReader.blankToNull(env.get(DEFAULT_REGION)));
    }

    private static void requireTable(DynamoDbClient client, String table, String where) {
        try {
            client.describeTable(b -> b.tableName(table));
            return;
        } catch (ResourceNotFoundException missing) {
            // created below
        } catch (ApiCallTimeoutException e) {
            throw new Unreachable(where + " did not answer within " + CALL_TIMEOUT.toSeconds() + " s: check "
                    + ENDPOINT + " and that the server is running and reachable from here", e);
        } catch (DynamoDbException e) { // an answer, but a refusal: credentials, permissions
            throw new Unreachable(where + " refused the request (" + e.awsErrorDetails().errorCode() + ": "
                    + e.awsErrorDetails().errorMessage() + "): check the credentials and that they may "
                    + "dynamodb:DescribeTable", e);
        } catch (SdkException e) { // no answer: connection refused, unknown host, TLS
            throw new Unreachable(where + " cannot be reached (" + e.getMessage() + "): check " + ENDPOINT
                    + " and that the server is running and reachable from here", e);
        }
        try {
            DynamoCatalog.createTableIfMissing(client, table);
        } catch (SdkException e) {
            throw new Unreachable(where + " does not exist and could not be created (" + e.getMessage() + "): create it "
                    + "(keys pk/sk, index gsi1 on gsi1pk/gsi1sk) or allow dynamodb:CreateTable", e);
        }
    }
}
