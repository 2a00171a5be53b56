package com.picpeak.storage;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.util.ArrayList;
import java.util.List;

/** Builds the SDK clients of one {@link StorageConfig.S3Settings}, with the quirks of {@link S3Compat}. */
public final class S3Clients {

    private S3Clients() {
    }

    // ApacheHttpClient (HttpClient 4) is deprecated for apache5-client; the client choice is the Lambda runtime work's, not this lint fix
    @SuppressWarnings("deprecation")
    public static S3Client client(StorageConfig.S3Settings settings, S3Timeouts timeouts,
                                  ExecutionInterceptor... interceptors) {
        var builder = S3Client.builder()
                .region(S3Compat.region(settings))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(S3Compat.pathStyle(settings))
                .requestChecksumCalculation(S3Compat.requestChecksums(settings))
                .responseChecksumValidation(S3Compat.responseChecksums(settings))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(timeouts.connect())
                        .socketTimeout(timeouts.socket())
                        .connectionAcquisitionTimeout(timeouts.call())
                        .maxConnections(64))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallAttemptTimeout(timeouts.attempt())
                        .apiCallTimeout(timeouts.call())
                        .retryStrategy(b -> b.maxAttempts(timeouts.maxAttempts()))
                        .executionInterceptors(withRequestCounter(interceptors))
                        .build());
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** Every client counts its requests per thread (what a poll reports it cost). */
    private static List<ExecutionInterceptor> withRequestCounter(
            ExecutionInterceptor... interceptors) {
        var all = new ArrayList<>(List.of(interceptors));
        all.add(S3RequestCounter.INSTANCE);
        return all;
    }

    public static S3Presigner presigner(StorageConfig.S3Settings settings) {
        var builder = S3Presigner.builder()
                .region(S3Compat.region(settings))
                .credentialsProvider(credentials(settings))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(S3Compat.pathStyle(settings))
                        .build());
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** Static keys when configured; otherwise the default chain (environment, profile, Lambda or instance role). */
    static AwsCredentialsProvider credentials(StorageConfig.S3Settings settings) {
        if (settings.accessKey().isPresent() && settings.secretKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey().get(), settings.secretKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
