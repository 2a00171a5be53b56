package com.picpeak.local.coldstart;

import com.amazonaws.serverless.exceptions.ContainerInitializationException;
import com.amazonaws.serverless.proxy.model.AwsProxyResponse;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequest;
import com.amazonaws.serverless.proxy.spring.SpringBootLambdaContainerHandler;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.picpeak.api.lambda.LambdaAutoConfiguration;
import com.picpeak.lambdalogging.JsonLogConfigurator;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The third reference of {@code bench coldstart}: the HTTP functions' frameworks and nothing of ours. The serverless
 * container starts a Spring Boot app with the Lambda apps' own auto-configuration ({@link LambdaAutoConfiguration}:
 * Spring MVC, Jackson, multipart, errors) and one controller answering {@code GET /floor} with a small JSON object: no
 * AWS SDK, no storage, no catalog. Its init is the least any of our HTTP functions can have from the zip while they
 * run on Spring. Runs from the API package's own jars; test sources only, it never ships.
 */
public final class SpringFloorHandler implements RequestStreamHandler {
    private static final SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> CONTAINER = start();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        CONTAINER.proxyStream(input, output, context);
    }

    private static SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> start() {
        // the functions' logging, as LambdaLogging.configure and LambdaContainers set it: logback's JSON configuration
        // in code, Spring Boot's logging system off, no start-up report
        System.setProperty(JsonLogConfigurator.SWITCH, "true");
        LoggerFactory.getILoggerFactory();
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        System.setProperty("spring.main.log-startup-info", "false");
        try {
            return SpringBootLambdaContainerHandler.getHttpApiV2ProxyHandler(FloorApp.class);
        } catch (ContainerInitializationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The app: the Lambda apps' auto-configuration and one controller. */
    @SpringBootConfiguration
    @Import({LambdaAutoConfiguration.class, FloorController.class})
    public static class FloorApp {
    }

    /** One JSON answer, as a small read of ours would give. */
    @RestController
    public static class FloorController {
        @GetMapping("/floor")
        public Map<String, Object> floor() {
            return Map.of("status", "ok", "photos", 0);
        }
    }
}
