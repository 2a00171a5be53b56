package com.picpeak.app;

import com.picpeak.storage.ConfigException;
import com.picpeak.storage.ProcessCredentials;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import com.picpeak.storage.SdkHttpClients;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;
import java.util.List;

/**
 * SDK clients of the serverless shape, each with timeouts, the URL connection HTTP client (the lightest to start),
 * the region named by {@code AWS_REGION} when set (Lambda always sets it: no region lookup chain) and the process's
 * credentials ({@link ProcessCredentials}: one provider chosen from the environment, renewed after a SnapStart
 * restore). Endpoints come from the SDK's standard variables ({@code AWS_ENDPOINT_URL...}).
 */
public final class AwsClients {

    private AwsClients() {
    }

    public static SqsClient sqs() {
        return withTimeouts(SqsClient.builder(), 5, 5, 10);
    }

    public static EventBridgeClient eventBridge() {
        return withTimeouts(EventBridgeClient.builder(), 5, 5, 8);
    }

    public static DynamoDbClient dynamo() {
        return withTimeouts(DynamoDbClient.builder(), 10, 5, 15);
    }

    public static SecretsManagerClient secretsManager() {
        return withTimeouts(SecretsManagerClient.builder(), 5, 5, 10);
    }

    /**
     * A client that never waits unbounded: 3 s to connect, then the given socket timeout, per-attempt and
     * whole-call limits (seconds).
     */
    private static <C, B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C> & SdkClientBuilder<B, C>> C withTimeouts(
            B builder, int socketSeconds, int attemptSeconds, int callSeconds) {
        SdkSystemSetting.AWS_REGION.getStringValue().ifPresent(region -> builder.region(Region.of(region)));
        return builder.httpClientBuilder(SdkHttpClients.builder(Duration.ofSeconds(3), Duration.ofSeconds(socketSeconds)))
                .credentialsProvider(ProcessCredentials.INSTANCE)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallAttemptTimeout(Duration.ofSeconds(attemptSeconds))
                        .apiCallTimeout(Duration.ofSeconds(callSeconds))
                        .build())
                .build();
    }

    /** Reads the admin token secret (the client is not kept: a restore or a rotation reads it again, rarely). */
    public static String readAdminTokenSecret(String secretArn) {
        try (SecretsManagerClient client = secretsManager()) {
            return readSecret(client, secretArn);
        } catch (SdkException e) { // no region, no credentials: the client could not even be built
            throw unreadable(secretArn, e);
        }
    }

    /**
     * The string value of a secret.
     *
     * @throws ConfigException naming {@code ADMIN_TOKEN_SECRET_ARN} and the cause when it cannot be read
     */
    public static String readSecret(SecretsManagerClient client, String secretArn) {
        try {
            return client.getSecretValue(b -> b.secretId(secretArn)).secretString();
        } catch (SdkException e) {
            throw unreadable(secretArn, e);
        }
    }

    private static ConfigException unreadable(String secretArn, SdkException e) {
        return new ConfigException(List.of(new ConfigException.Problem(AppConfig.ADMIN_TOKEN_SECRET_ARN,
                "'" + secretArn + "' could not be read (" + e.getMessage() + "): check that the secret exists and "
                        + "that the function's role may secretsmanager:GetSecretValue on it")));
    }
}
