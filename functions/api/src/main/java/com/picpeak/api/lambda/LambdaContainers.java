package com.picpeak.api.lambda;

import com.amazonaws.serverless.exceptions.ContainerInitializationException;
import com.amazonaws.serverless.proxy.internal.LambdaContainerHandler;
import com.amazonaws.serverless.proxy.model.AwsProxyResponse;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequest;
import com.amazonaws.serverless.proxy.spring.SpringBootLambdaContainerHandler;

/** Builds the Spring container of one Lambda function, once per container (a failure fails the init). */
final class LambdaContainers {

    private LambdaContainers() {
    }

    static SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> start(Class<?> app) {
        LambdaLogging.configure();
        // Lambda only (local mode keeps them): the start-up report (host name, PID, timings) is three log lines of
        // every cold start that say nothing a Lambda INIT_REPORT does not
        System.setProperty("spring.main.log-startup-info", "false");
        // The adapter base64-encodes only types it knows as binary: anything else would be mangled as text.
        LambdaContainerHandler.getContainerConfig().addBinaryContentTypes(
                "image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "application/zip",
                "application/octet-stream");
        try {
            return SpringBootLambdaContainerHandler.getHttpApiV2ProxyHandler(app);
        } catch (ContainerInitializationException e) {
            throw new IllegalStateException("the " + app.getSimpleName() + " container could not start: " + e.getMessage(), e);
        }
    }
}
