package com.picpeak.app;

import com.picpeak.storage.ConfigException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.time.Duration;
import java.util.List;

/** SDK clients of the serverless shape, each with timeouts (region and endpoint from the standard AWS variables). */
public final class AwsClients {

    private AwsClients() {
    }

    public static software.amazon.awssdk.services.lambda.LambdaClient lambda() {
        return software.amazon.awssdk.services.lambda.LambdaClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(10)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(10))
                        .build())
                .build();
    }

    public static software.amazon.awssdk.services.eventbridge.EventBridgeClient eventBridge() {
        return software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(8))
                        .build())
                .build();
    }

    public static DynamoDbClient dynamo() {
        return DynamoDbClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(10)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallAttemptTimeout(Duration.ofSeconds(5))
                        .apiCallTimeout(Duration.ofSeconds(15))
                        .build())
                .build();
    }

    public static SecretsManagerClient secretsManager() {
        return SecretsManagerClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallAttemptTimeout(Duration.ofSeconds(5))
                        .apiCallTimeout(Duration.ofSeconds(10))
                        .build())
                .build();
    }

    /** Reads the admin token secret once at start (the client is not kept: nothing else reads secrets). */
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
