package com.picpeak.storage;

import com.picpeak.error.PicPeakException;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link BlobStore} contract against a real S3-compatible server (S3Proxy, in-process) through the
 * real AWS SDK, plus prefixes and presigned URLs. Each test works under its own prefix.
 */
class S3BlobStoreContractTest extends BlobStoreContract {
    static TestS3Server server;
    static String bucket;
    String prefix;

    @BeforeAll
    static void startServer() {
        server = TestS3Server.shared();
        bucket = server.createBucket();
    }

    @Override
    protected BlobStore newStore() {
        prefix = "studio-" + UUID.randomUUID().toString().substring(0, 8);
        return S3BlobStore.create(server.settings(bucket, "/" + prefix + "/"));
    }

    @Override
    protected void assertNoPartialWritesLeft() {
        try (S3Client raw = server.client(TestS3Server.SECRET_KEY)) {
            List<MultipartUpload> uploads = raw.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix + "/")).uploads();
            assertThat(uploads).as("unfinished multipart uploads").isEmpty();
        }
    }

    @Test
    void partsWhoseRecordedDigestsDifferFromTheStoresEtags_completeNothing() {
        byte[] bytes = bytes("a part that is not what was recorded");
        String key = "events/archived/recorded.zip";
        String upload = store.startParts(key, "application/zip");
        String md5 = store.writePart(key, upload, 1, 0, new ByteArrayInputStream(bytes), bytes.length);

        assertThatThrownBy(() -> store.completeParts(key, upload, 1, List.of("0".repeat(32))))
                .isInstanceOf(PicPeakException.class).hasMessageContaining("part 1");
        assertThat(store.head(key)).as("nothing completed").isEmpty();

        store.completeParts(key, upload, 1, List.of(md5));
        assertThat(store.head(key).orElseThrow().size()).isEqualTo(bytes.length);
    }

    @Test
    void everyObjectLivesUnderTheNormalisedPrefix() {
        store.put("events/active/e/a.jpg", new ByteArrayInputStream(bytes("a")), PutOptions.of("image/jpeg"));

        try (S3Client raw = server.client(TestS3Server.SECRET_KEY)) {
            assertThat(raw.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)).contents())
                    .extracting(S3Object::key).containsExactly(prefix + "/events/active/e/a.jpg");
        }
    }

    @Test
    void twoPrefixesOnOneBucket_neverSeeEachOthersKeys() {
        try (BlobStore studioA = S3BlobStore.create(server.settings(bucket, prefix + "/a"));
             BlobStore studioB = S3BlobStore.create(server.settings(bucket, prefix + "/b"))) {
            studioA.put("events/active/e/1.jpg", new ByteArrayInputStream(bytes("A")), PutOptions.of(null));
            studioB.put("events/active/e/1.jpg", new ByteArrayInputStream(bytes("B")), PutOptions.of(null));
            studioB.put("events/active/e/2.jpg", new ByteArrayInputStream(bytes("B2")), PutOptions.of(null));

            try (Stream<BlobInfo> a = studioA.list(""); Stream<BlobInfo> b = studioB.list("")) {
                assertThat(a.map(BlobInfo::key)).containsExactly("events/active/e/1.jpg");
                assertThat(b.map(BlobInfo::key).collect(Collectors.toSet()))
                        .containsExactlyInAnyOrder("events/active/e/1.jpg", "events/active/e/2.jpg");
            }
            assertThat(studioA.head("events/active/e/2.jpg")).isEmpty();
            studioA.delete("events/active/e/1.jpg");
            assertThat(studioB.head("events/active/e/1.jpg")).isPresent();
        }
    }

    @Test
    void presignedGet_isFetchableWithAPlainHttpClient_andRefusedOnceExpired() throws Exception {
        byte[] photo = bytes("the original photo bytes");
        store.put("events/active/e/IMG 1.jpg", new ByteArrayInputStream(photo), PutOptions.of("image/jpeg"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        URI valid = store.presignGet("events/active/e/IMG 1.jpg", Duration.ofMinutes(5), "IMG 1.jpg");
        HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(valid).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(photo);
        assertThat(ok.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                v -> assertThat(v).startsWith("attachment; filename=\"IMG 1.jpg\""));

        URI shortLived = store.presignGet("events/active/e/IMG 1.jpg", Duration.ofSeconds(1), null);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status;
        do { // wait (bounded) for the one-second URL to expire, then it must be refused
            status = http.send(HttpRequest.newBuilder(shortLived).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } while (status == 200 && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(403);
    }

    @Test
    void presignedPut_acceptsOneUploadWithItsContentType() throws Exception {
        URI url = store.presignPut("uploads/e/u1", Duration.ofMinutes(5), "image/jpeg");

        HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
                        .header("Content-Type", "image/jpeg")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes("direct bytes"))).build(),
                HttpResponse.BodyHandlers.discarding());

        assertThat(response.statusCode()).isEqualTo(200);
        try (BlobRead read = store.get("uploads/e/u1")) {
            assertThat(read.stream().readAllBytes()).isEqualTo(bytes("direct bytes"));
            assertThat(read.info().contentType()).isEqualTo("image/jpeg");
        }
    }

    @Test
    void aTamperedPresignedUrl_isRefused() throws Exception {
        store.put("events/active/e/a.jpg", new ByteArrayInputStream(bytes("a")), PutOptions.of("image/jpeg"));
        store.put("events/active/other/b.jpg", new ByteArrayInputStream(bytes("b")), PutOptions.of("image/jpeg"));
        URI url = store.presignGet("events/active/e/a.jpg", Duration.ofMinutes(5), null);

        URI otherKey = URI.create(url.toString().replace("events/active/e/a.jpg", "events/active/other/b.jpg"));
        HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(otherKey).build(),
                HttpResponse.BodyHandlers.discarding());

        assertThat(response.statusCode()).isEqualTo(403);
    }
}
