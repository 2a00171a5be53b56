package com.picpeak.archive;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Serverless shape: invokes the archive builder function asynchronously ({@code {"slug": ...}}); the
 * download function answers 202 with Retry-After meanwhile. Duplicate invocations are harmless: the
 * build claim in the catalog lets one of them build.
 */
public final class LambdaArchiveBuilds implements ArchiveBuilds {
    private final LambdaClient lambda;
    private final String functionName;

    public LambdaArchiveBuilds(LambdaClient lambda, String functionName) {
        this.lambda = lambda;
        this.functionName = functionName;
    }

    @Override
    public void request(String slug) {
        try {
            lambda.invoke(b -> b.functionName(functionName).invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{\"slug\":\"" + slug + "\"}")));
        } catch (SdkException e) {
            throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "could not start building the archive of '"
                    + slug + "': " + e.getMessage(), e);
        }
    }
}
