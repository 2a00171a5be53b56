package com.picpeak.local.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.net.URI;
import java.util.Map;

/**
 * The second reference of {@code bench coldstart}, beside the hello-world JVM: the AWS SDK's own cost and nothing of
 * ours. Its first invocation builds a DynamoDB and an S3 client the way AWS advises for Lambda (the URL connection
 * client, the region and the credentials provider named, no lookups) and makes one read with each (a GetItem, a
 * HeadObject of an absent key), the least any job function does on its first call. It runs from the API package's
 * own jars, in a fresh JVM with the Lambda flags like the functions. Test sources only: it never ships.
 */
public final class SdkFloorHandler implements RequestHandler<Map<String, Object>, String> {
    private DynamoDbClient dynamo;
    private S3Client s3;

    @Override
    public String handleRequest(Map<String, Object> input, Context context) {
        if (dynamo == null) {
            Region region = Region.of(SdkSystemSetting.AWS_REGION.getStringValueOrThrow());
            dynamo = DynamoDbClient.builder().region(region)
                    .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL_DYNAMODB")))
                    .build();
            s3 = S3Client.builder().region(region)
                    .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .endpointOverride(URI.create(System.getenv("STORAGE_S3_ENDPOINT")))
                    .forcePathStyle(true)
                    .build();
        }
        int items = dynamo.getItem(b -> b.tableName(System.getenv("CATALOG_TABLE"))
                .key(Map.of("pk", AttributeValue.fromS("EVENT#absent"), "sk", AttributeValue.fromS("META")))).item().size();
        try {
            s3.headObject(b -> b.bucket(System.getenv("STORAGE_S3_BUCKET")).key("absent/object"));
            return "read " + items + " attributes, an object";
        } catch (NoSuchKeyException absent) {
            return "read " + items + " attributes, no object";
        }
    }
}
