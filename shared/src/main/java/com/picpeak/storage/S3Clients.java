package com.picpeak.storage;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.util.ArrayList;
import java.util.List;

/** Builds the SDK clients of one {@link StorageConfig.S3Settings}, with the quirks of {@link S3Compat}. */
public final class S3Clients {

    private S3Clients() {
    }

    public static S3Client client(StorageConfig.S3Settings settings, S3Timeouts timeouts, ExecutionInterceptor... interceptors) {
        var builder = S3Client.builder()
                .region(S3Compat.region(settings))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(S3Compat.pathStyle(settings))
                .requestChecksumCalculation(S3Compat.requestChecksums(settings))
                .responseChecksumValidation(S3Compat.responseChecksums(settings))
                // URL connection in Lambda, pooled Apache 5 in a long-running process (SdkHttpClients); every call
                // is bounded by the attempt and call timeouts below
                .httpClientBuilder(SdkHttpClients.builder(timeouts.connect(), timeouts.socket()))
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
    private static List<ExecutionInterceptor> withRequestCounter(ExecutionInterceptor... interceptors) {
        List<ExecutionInterceptor> all = new ArrayList<>(List.of(interceptors));
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

    /** Static keys when configured; otherwise the process's own ({@link ProcessCredentials}). */
    static AwsCredentialsProvider credentials(StorageConfig.S3Settings settings) {
        if (settings.accessKey().isPresent() && settings.secretKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey().get(), settings.secretKey().get()));
        }
        return ProcessCredentials.INSTANCE;
    }
}
