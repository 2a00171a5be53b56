package com.picpeak.app;

import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;

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
}
