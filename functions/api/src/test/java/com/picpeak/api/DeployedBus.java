package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.core.SdkSystemSetting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The stack's event bus for the deployed-shape harness: EventBridge has no in-process implementation, so this
 * answers PutEvents over HTTP as the service does (the AWS JSON 1.1 protocol) and keeps the entries, for the
 * functions' real SDK clients. They reach it through the SDK's own endpoint setting ({@code aws.endpointUrlEventBridge}),
 * so the code under test builds its client as in Lambda; the call is authorized against the role before it is sent
 * ({@link DeployedRoles}), as IAM would.
 */
final class DeployedBus {
    private static DeployedBus instance;

    private final List<JsonNode> entries = new CopyOnWriteArrayList<>();

    private DeployedBus() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                JsonNode request = LambdaHandlersTest.JSON.readTree(exchange.getRequestBody());
                StringBuilder answer = new StringBuilder("{\"FailedEntryCount\":0,\"Entries\":[");
                for (JsonNode entry : request.path("Entries")) {
                    entries.add(entry);
                    answer.append(answer.charAt(answer.length() - 1) == '[' ? "" : ",")
                            .append("{\"EventId\":\"").append(UUID.randomUUID()).append("\"}");
                }
                byte[] body = answer.append("]}").toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
            System.setProperty("aws.endpointUrlEventBridge", "http://127.0.0.1:" + server.getAddress().getPort());
            // what Lambda's environment gives every function: a region and the role's credentials
            setIfAbsent(SdkSystemSetting.AWS_REGION, DeployedTemplate.REGION);
            setIfAbsent(SdkSystemSetting.AWS_ACCESS_KEY_ID, "ASIAHARNESS");
            setIfAbsent(SdkSystemSetting.AWS_SECRET_ACCESS_KEY, "harness-secret");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized DeployedBus get() {
        if (instance == null) {
            instance = new DeployedBus();
        }
        return instance;
    }

    /** The entries put on the bus so far, of one detail type (a domain event's type). */
    List<JsonNode> entries(String detailType) {
        return entries.stream().filter(e -> detailType.equals(e.path("DetailType").asText())).toList();
    }

    private static void setIfAbsent(SdkSystemSetting setting, String value) {
        if (setting.getStringValue().isEmpty()) {
            System.setProperty(setting.property(), value);
        }
    }
}
