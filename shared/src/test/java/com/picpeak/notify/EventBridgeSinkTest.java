package com.picpeak.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The EventBridge sink through the real SDK client, against a small HTTP server that answers PutEvents the
 * way the service does (there is no EventBridge to run in-process): what goes over the wire, and that a
 * refused entry or an unreachable service never fails the import that published.
 */
class EventBridgeSinkTest {
    static final ObjectMapper JSON = new ObjectMapper();
    HttpServer eventBridge;
    List<JsonNode> requests = new CopyOnWriteArrayList<>();
    List<String> targets = new CopyOnWriteArrayList<>();
    volatile String answer = "{\"Entries\":[{\"EventId\":\"11710aed-b79e-4468-a20b-bb3c0c3b4860\"}],\"FailedEntryCount\":0}";

    @BeforeEach
    void start() throws IOException {
        eventBridge = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        eventBridge.createContext("/", exchange -> {
            requests.add(JSON.readTree(exchange.getRequestBody()));
            targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        eventBridge.start();
    }

    @AfterEach
    void stop() {
        eventBridge.stop(0);
    }

    EventBridgeClient client(int port) {
        return EventBridgeClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))
                .build();
    }

    static DomainEvent uploaded() {
        Photo photo = new Photo("p1", "wedding", "events/active/wedding/a.jpg", "thumbnails/wedding/p1.jpg", "a.jpg",
                "image/jpeg", 99, 1, "ab", 10, 10, null, Instant.parse("2026-11-25T10:00:00Z"), PhotoSource.S3_IMPORT);
        return DomainEvent.photoUploaded(photo, Instant.parse("2026-11-25T10:00:00Z"));
    }

    @Test
    void anEvent_isOnePutEventsEntryOnTheBus_withTheEnvelopeAsDetail() throws IOException {
        DomainEvent event = uploaded();
        try (EventBridgeClient client = client(eventBridge.getAddress().getPort())) {
            new EventBridgeSink(client, "picpeak-events").publish(event);
        }

        assertThat(targets).containsExactly("AWSEvents.PutEvents");
        JsonNode entry = requests.get(0).get("Entries").get(0);
        assertThat(entry.get("EventBusName").asText()).isEqualTo("picpeak-events");
        assertThat(entry.get("Source").asText()).isEqualTo(EventBridgeSink.SOURCE);
        assertThat(entry.get("DetailType").asText()).isEqualTo("photo.uploaded");
        JsonNode detail = JSON.readTree(entry.get("Detail").asText());
        assertThat(detail.get("id").asText()).isEqualTo(event.id());
        assertThat(detail.get("data").get("source").asText()).isEqualTo("s3-import");
    }

    @Test
    void aRefusedEntry_orAnUnreachableService_isLogged_notThrown() {
        answer = "{\"Entries\":[{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"try again\"}],\"FailedEntryCount\":1}";
        try (EventBridgeClient client = client(eventBridge.getAddress().getPort())) {
            new EventBridgeSink(client, "picpeak-events").publish(uploaded());
        }
        int closedPort = eventBridge.getAddress().getPort();
        eventBridge.stop(0);
        try (EventBridgeClient client = client(closedPort)) {
            new EventBridgeSink(client, "picpeak-events").publish(uploaded()); // must return normally
        }
        assertThat(requests).hasSize(1);
    }
}
