package com.picpeak.api.lambda;

import com.amazonaws.serverless.proxy.model.AwsProxyResponse;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequest;
import com.amazonaws.serverless.proxy.spring.SpringBootLambdaContainerHandler;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Lambda entry of the download function (API Gateway HTTP API, payload 2.0). */
public final class DownloadHandler implements RequestStreamHandler {
    private static final SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> CONTAINER =
            LambdaContainers.start(DownloadFunctionApp.class);

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        CONTAINER.proxyStream(input, output, context);
    }
}
