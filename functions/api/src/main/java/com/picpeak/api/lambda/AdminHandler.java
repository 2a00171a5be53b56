package com.picpeak.api.lambda;

import com.amazonaws.serverless.proxy.model.AwsProxyResponse;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequest;
import com.amazonaws.serverless.proxy.spring.SpringBootLambdaContainerHandler;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Lambda entry of the admin function (API Gateway HTTP API, payload 2.0). */
public final class AdminHandler implements RequestStreamHandler {
    private static final SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> CONTAINER =
            LambdaContainers.start(AdminFunctionApp.class);
    /** SnapStart priming: reads through this container before the snapshot; renewals after a restore. */
    private static final SnapStartPriming PRIMING = SnapStartPriming.register(CONTAINER,
            List.of("/health", "/api/admin/events", "/api/admin/events/{event}", "/api/admin/events/{event}/photos"), true);

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaLogging.begin(context);
        try {
            CONTAINER.proxyStream(input, output, context);
        } finally {
            LambdaLogging.end();
        }
    }

    /** The priming of this function (tests call its hooks, as SnapStart would). */
    public static SnapStartPriming priming() {
        return PRIMING;
    }
}
