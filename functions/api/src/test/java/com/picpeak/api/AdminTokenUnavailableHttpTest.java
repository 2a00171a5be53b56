package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.gallery.EventPatch;
import com.picpeak.storage.ProcessCredentials;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestS3Server;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The serverless shape with the admin token in a Secrets Manager secret that cannot be read (the server answers 500 to
 * every GetSecretValue): the runtime starts without reading it, admin routes and guest routes that need the guest keys
 * answer 503 {@code admin_token_unavailable} with {@code Retry-After}, naming the variable but not the cause, health
 * still answers, and the secret is not asked again for every request.
 */
class AdminTokenUnavailableHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:picpeak-admin-AbCdEf";
    static final AtomicInteger secretRequests = new AtomicInteger();
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Map<String, String> savedProperties = new HashMap<>();
    static HttpServer secretsManager;
    static PicPeakRuntime runtime;
    static ConfigurableApplicationContext app;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        secretsManager = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        secretsManager.createContext("/", exchange -> {
            secretRequests.incrementAndGet();
            byte[] body = "{\"__type\":\"InternalServiceError\",\"message\":\"broken on purpose\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        secretsManager.start();
        // the SDK's own settings (no environment variable can be set in a running JVM); the endpoint is the secret
        // service's only, and the properties are restored after the class
        setProperty("aws.endpointUrlSecretsManager", "http://127.0.0.1:" + secretsManager.getAddress().getPort());
        setProperty("aws.region", "us-east-1");
        setProperty("aws.accessKeyId", "test-access-key");
        setProperty("aws.secretAccessKey", "test-secret-key");
        ProcessCredentials.INSTANCE.renew(); // the process's provider, chosen again with these keys

        TestS3Server s3 = TestS3Server.shared();
        Map<String, String> env = new HashMap<>(s3.env(s3.createBucket(), "studio"));
        env.put("CATALOG_TABLE", TestDynamo.createTable());
        env.put("ADMIN_TOKEN_SECRET_ARN", ARN);
        runtime = PicPeakRuntime.start(PicPeakRuntime.Shape.SERVERLESS, env, TestDynamo.client(), null);
        runtime.events().create("party", new EventPatch("Party", null, null, false, null, null, null, null));
        RuntimeHolder.install(runtime);
        app = SpringApplication.run(PicPeakApiApp.class, "--server.port=0");
        base = "http://127.0.0.1:" + ((ServletWebServerApplicationContext) app).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        try {
            if (app != null) {
                app.close();
            }
            if (runtime != null) {
                runtime.close();
            }
            if (secretsManager != null) {
                secretsManager.stop(0);
            }
        } finally { // whatever failed above, the JVM's later test classes get their settings back
            savedProperties.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
            ProcessCredentials.INSTANCE.renew();
        }
    }

    @Test
    void startingAndHealth_readNoSecret_whileAdminAndGuestKeyRoutesAnswer503_andTheSecretIsAskedOncePerInterval()
            throws Exception {
        assertThat(secretRequests).as("the runtime started without the secret").hasValue(0);
        HttpResponse<String> health = get("/health", "Bearer some-token-0123456789abcdef");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);

        HttpResponse<String> admin = get("/api/admin/events", "Bearer some-token-0123456789abcdef");
        assertUnavailable(admin);
        JsonNode body = JSON.readTree(admin.body());
        assertThat(body.get("message").asText()).contains("ADMIN_TOKEN_SECRET_ARN")
                .doesNotContain("127.0.0.1").doesNotContain("broken on purpose").doesNotContain(ARN);
        int afterFirstRead = secretRequests.get();
        assertThat(afterFirstRead).as("the secret was asked for").isPositive();

        HttpResponse<String> guest = get("/api/gallery/party/photos", null);
        assertUnavailable(guest);
        assertThat(JSON.readTree(guest.body()).get("message").asText()).doesNotContain("ADMIN_TOKEN_SECRET_ARN");
        for (int i = 0; i < 5; i++) {
            assertUnavailable(get("/api/admin/events", "Bearer some-token-0123456789abcdef"));
        }
        assertThat(secretRequests).as("not asked again within the interval (one read: the SDK's attempts of one call)")
                .hasValue(afterFirstRead);

        HttpResponse<String> anonymous = get("/api/admin/events", null);
        assertThat(anonymous.statusCode()).as("no token presented: nothing to read for").isEqualTo(401);
    }

    private static void assertUnavailable(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("admin_token_unavailable");
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void setProperty(String name, String value) {
        savedProperties.put(name, System.getProperty(name));
        System.setProperty(name, value);
    }
}
