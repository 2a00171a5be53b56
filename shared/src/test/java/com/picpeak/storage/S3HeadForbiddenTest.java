package com.picpeak.storage;

import com.picpeak.error.PicPeakException;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * AWS answers HEAD of a missing key with 403 when the role may list only under the prefix (the stack's
 * least privilege): a server answering as AWS does, HEAD 403 and a LIST that does or does not hold the key.
 */
class S3HeadForbiddenTest {
    HttpServer aws;
    S3BlobStore store;

    @AfterEach
    void stop() {
        store.close();
        aws.stop(0);
    }

    @Test
    void aHead403_forAKeyTheListDoesNotHold_isAMissingObject() throws IOException {
        store = storeAgainst(awsLike(""));

        assertThat(store.head("events/active/e/IMG_1.jpg")).isEmpty();
    }

    @Test
    void aHead403_forAKeyTheListHolds_isRefused() throws IOException {
        store = storeAgainst(awsLike("<Contents><Key>studio/events/active/e/IMG_1.jpg</Key><Size>3</Size></Contents>"));

        assertThatThrownBy(() -> store.head("events/active/e/IMG_1.jpg")).isInstanceOf(PicPeakException.class);
    }

    private S3BlobStore storeAgainst(HttpServer server) {
        aws = server;
        StorageConfig config = StorageConfig.fromEnv(Map.of("STORAGE_BACKEND", "s3", "STORAGE_S3_BUCKET", "photos",
                "STORAGE_S3_PREFIX", "studio", "STORAGE_S3_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort(),
                "STORAGE_S3_ACCESS_KEY", "key", "STORAGE_S3_SECRET_KEY", "secret"));
        return S3BlobStore.create(config.s3().orElseThrow());
    }

    private static HttpServer awsLike(String listed) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(403, -1);
            } else {
                byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>photos</Name>"
                        + "<KeyCount>" + (listed.isEmpty() ? 0 : 1) + "</KeyCount><MaxKeys>1</MaxKeys>"
                        + "<IsTruncated>false</IsTruncated>" + listed + "</ListBucketResult>").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/xml");
                exchange.sendResponseHeaders(200, body.length);
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
