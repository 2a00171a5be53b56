package com.picpeak.storage;

import com.picpeak.storage.SentinelCheck.Cause;
import com.picpeak.storage.SentinelCheck.Result;
import com.picpeak.testing.TestS3Server;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each failure class of the start-up check, against the real in-process S3 server where it can show
 * it (wrong secret, unknown key, missing bucket), a closed port, a silent socket, and a small HTTP
 * server answering as AWS does for what S3Proxy cannot (policy denial, wrong region).
 */
class SentinelCheckTest {
    static TestS3Server server;
    static String bucket;

    @BeforeAll
    static void startServer() {
        server = TestS3Server.shared();
        bucket = server.createBucket();
    }

    @Test
    void firstStart_createsTheSentinelUnderThePrefix_laterStartsFindIt() {
        StorageConfig config = StorageConfig.fromEnv(server.env(bucket, "sentinel-ok"));

        Result first = SentinelCheck.check(config);
        Result second = SentinelCheck.check(config);

        assertThat(first.ok()).isTrue();
        assertThat(first.line()).isEqualTo("storage ok: s3 bucket=" + bucket + " prefix=sentinel-ok endpoint="
                + server.endpoint() + " region=us-east-1 (sentinel created)");
        assertThat(second.ok()).isTrue();
        assertThat(second.message()).doesNotContain("created");
        try (S3Client raw = server.client(TestS3Server.SECRET_KEY)) {
            assertThat(raw.headObject(b -> b.bucket(bucket).key("sentinel-ok/.picpeak-sentinel")).contentLength())
                    .isPositive();
        }
    }

    @Test
    void wrongSecret_isNamedAsSignatureMismatch() {
        Result result = check(env -> env.put("STORAGE_S3_SECRET_KEY", "not-the-secret"));

        assertFailed(result, Cause.WRONG_SECRET_KEY, "STORAGE_S3_SECRET_KEY");
        assertThat(result.line()).doesNotContain("not-the-secret");
    }

    @Test
    void unknownAccessKeyId_isNamed() {
        assertFailed(check(env -> env.put("STORAGE_S3_ACCESS_KEY", "nobody")), Cause.UNKNOWN_ACCESS_KEY,
                "STORAGE_S3_ACCESS_KEY");
    }

    @Test
    void missingBucket_isNamed() {
        Result result = check(env -> env.put("STORAGE_S3_BUCKET", "no-such-bucket"));

        assertFailed(result, Cause.BUCKET_MISSING, "bucket 'no-such-bucket' does not exist");
    }

    @Test
    void closedPort_isNamedAsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        int port = closedPort;

        assertFailed(check(env -> env.put("STORAGE_S3_ENDPOINT", "http://127.0.0.1:" + port)),
                Cause.ENDPOINT_UNREACHABLE, "cannot connect to http://127.0.0.1:" + port);
    }

    @Test
    void unknownHost_isNamed() {
        assertFailed(check(env -> env.put("STORAGE_S3_ENDPOINT", "http://no-such-host.invalid:9000")),
                Cause.UNKNOWN_HOST, "no-such-host.invalid");
    }

    @Test
    void aServerThatNeverAnswers_timesOutWithinSeconds() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // accept, never answer
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();

            Result result = check(env -> env.put("STORAGE_S3_ENDPOINT", "http://127.0.0.1:" + silent.getLocalPort()));

            assertFailed(result, Cause.TIMEOUT, "no answer from");
            assertThat(result.took()).isLessThan(Duration.ofSeconds(20));
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void plainHttpServerCalledWithHttps_isNamedAsTlsFailure() {
        String plainHttp = server.endpoint().toString().replace("http://", "https://");

        assertFailed(check(env -> env.put("STORAGE_S3_ENDPOINT", plainHttp)), Cause.TLS_FAILURE,
                "STORAGE_S3_SSL=false");
    }

    @Test
    void policyDenial_isToldApartFromBadCredentials_byTheFollowUpErrorBody() throws IOException {
        HttpServer aws = awsLike(403, "AccessDenied");
        try {
            assertFailed(check(env -> env.put("STORAGE_S3_ENDPOINT", "http://127.0.0.1:" + aws.getAddress().getPort())),
                    Cause.ACCESS_DENIED, "grant s3:GetObject");
        } finally {
            aws.stop(0);
        }
    }

    @Test
    void aMissingSentinel_answered403_asAwsDoesWhenListingIsGrantedUnderThePrefixOnly_isCreated() throws IOException {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer aws = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        aws.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod());
            byte[] body = switch (exchange.getRequestMethod()) {
                case "GET" -> ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>" + bucket
                        + "</Name><KeyCount>0</KeyCount><MaxKeys>1</MaxKeys><IsTruncated>false</IsTruncated>"
                        + "</ListBucketResult>").getBytes(StandardCharsets.UTF_8);
                default -> new byte[0];
            };
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders("HEAD".equals(exchange.getRequestMethod()) ? 403 : 200,
                    "HEAD".equals(exchange.getRequestMethod()) || body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        aws.start();
        try {
            Result result = check(env -> env.put("STORAGE_S3_ENDPOINT", "http://127.0.0.1:" + aws.getAddress().getPort()));

            assertThat(result.ok()).as(result.line()).isTrue();
            assertThat(result.line()).contains("sentinel created");
            assertThat(requests).containsExactly("HEAD", "GET", "PUT");
        } finally {
            aws.stop(0);
        }
    }

    @Test
    void bucketInAnotherRegion_isNamed() throws IOException {
        HttpServer aws = awsLike(301, "PermanentRedirect");
        try {
            assertFailed(check(env -> env.put("STORAGE_S3_ENDPOINT", "http://127.0.0.1:" + aws.getAddress().getPort())),
                    Cause.WRONG_REGION, "STORAGE_S3_REGION");
        } finally {
            aws.stop(0);
        }
    }

    @Test
    void localRoot_isCreatedAndChecked(@TempDir Path dir) {
        Result result = SentinelCheck.check(StorageConfig.fromEnv(Map.of("PICPEAK_DATA", dir.toString())));

        assertThat(result.line()).isEqualTo("storage ok: local root=" + dir.resolve("storage"));
        assertThat(dir.resolve("storage/.picpeak-sentinel")).exists();
    }

    @Test
    void localRootThatIsAFile_refusesToStart(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        StorageConfig config = StorageConfig.fromEnv(Map.of("STORAGE_LOCAL_ROOT", file.toString()));

        assertThatThrownBy(() -> SentinelCheck.requireOk(config))
                .isInstanceOfSatisfying(SentinelCheck.StartupCheckFailed.class, e -> {
                    assertThat(e.result().cause()).isEqualTo(Cause.LOCAL_ROOT_UNUSABLE);
                    assertThat(e.getMessage()).startsWith("storage check failed: local_root_unusable: cannot use the "
                            + "storage root " + file).contains("STORAGE_LOCAL_ROOT");
                });
    }

    private static Result check(Consumer<Map<String, String>> change) {
        Map<String, String> env = new HashMap<>(server.env(bucket, "sentinel"));
        change.accept(env);
        return SentinelCheck.check(StorageConfig.fromEnv(env));
    }

    private static void assertFailed(Result result, Cause cause, String messagePart) {
        assertThat(result.ok()).as(result.line()).isFalse();
        assertThat(result.cause()).as(result.line()).isEqualTo(cause);
        assertThat(result.line()).startsWith("storage check failed: " + cause.code() + ": ").contains(messagePart);
    }

    /** Answers every request as AWS would: HEAD with a bare status, GET with the XML error body. */
    private static HttpServer awsLike(int status, String errorCode) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + errorCode
                    + "</Code><Message>denied</Message><RequestId>1</RequestId></Error>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        http.start();
        return http;
    }
}
