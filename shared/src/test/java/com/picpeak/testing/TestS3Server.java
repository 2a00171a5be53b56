package com.picpeak.testing;

import com.picpeak.storage.S3BlobStore;
import com.picpeak.storage.StorageConfig;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * A real S3-compatible server (S3Proxy) in this JVM, reached over HTTP through the real AWS SDK. One
 * server per JVM, started on first use on a free loopback port; every test makes its own bucket or
 * prefix so tests stay independent.
 */
public final class TestS3Server {
    /** Letters only: DynamoDB Local takes nothing else in a key id, and the cold-start benchmark shares this pair. */
    public static final String ACCESS_KEY = "localaccess";
    public static final String SECRET_KEY = "local-secret-key";

    private static TestS3Server shared;

    private final S3Proxy proxy;
    private final URI endpoint;
    private final Optional<Path> filesystemRoot;

    private TestS3Server(S3Proxy proxy, Optional<Path> filesystemRoot) {
        this.proxy = proxy;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        this.filesystemRoot = filesystemRoot;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized TestS3Server shared() {
        if (shared == null) {
            shared = start(Optional.empty());
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    /**
     * A server of its own (stop it when done). With a folder, objects are files under it (like a real
     * disk-backed store); without, they are kept in memory.
     */
    public static TestS3Server start(Optional<Path> filesystemRoot) {
        return start(filesystemRoot, false);
    }

    /**
     * A server of its own (in memory) that answers browsers' cross-origin requests (CORS for any origin), as a
     * bucket must be configured for the admin page's direct uploads with presigned URLs.
     */
    public static TestS3Server startForBrowsers() {
        return start(Optional.empty(), true);
    }

    private static TestS3Server start(Optional<Path> filesystemRoot, boolean crossOrigin) {
        return start(filesystemRoot, crossOrigin, 0);
    }

    /**
     * The same store started again on the same port after {@link #stop()} (an outage that ends): clients made
     * for the old one reach it. Only for a server with a folder, whose objects outlive it.
     */
    public TestS3Server restart() {
        if (filesystemRoot.isEmpty()) {
            throw new IllegalStateException("an in-memory server loses its objects when stopped");
        }
        return start(filesystemRoot, false, endpoint.getPort());
    }

    private static TestS3Server start(Optional<Path> filesystemRoot, boolean crossOrigin, int port) {
        try {
            Properties properties = new Properties();
            String provider = "transient";
            if (filesystemRoot.isPresent()) {
                provider = "filesystem";
                Files.createDirectories(filesystemRoot.get());
                properties.setProperty("jclouds.filesystem.basedir", filesystemRoot.get().toString());
            }
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(BlobStores.create(provider, properties))
                    .endpoint(URI.create("http://127.0.0.1:" + port))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .corsRules(crossOrigin ? new CrossOriginResourceSharing()
                            : CrossOriginResourceSharing.disabled())
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within 30 s: " + proxy.getState());
                }
                Thread.onSpinWait();
            }
            return new TestS3Server(proxy, filesystemRoot);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the in-process S3 server", e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public void stop() {
        try {
            proxy.stop();
        } catch (Exception ignored) {
            // the JVM is going away
        }
    }

    /** A fresh bucket with a unique name. */
    public String createBucket() {
        String bucket = "test-" + UUID.randomUUID().toString().substring(0, 13);
        try (S3Client s3 = client(SECRET_KEY)) {
            s3.createBucket(b -> b.bucket(bucket));
        }
        return bucket;
    }

    private String sharedBucket;

    /** An S3 store of its own: a unique prefix in a bucket shared by the tests of this JVM. */
    public synchronized S3BlobStore newStore(String prefixStem) {
        if (sharedBucket == null) {
            sharedBucket = createBucket();
        }
        return S3BlobStore.create(settings(sharedBucket,
                prefixStem + "-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    /** The environment a deployment would set to use this server. */
    public Map<String, String> env(String bucket, String prefix) {
        Map<String, String> env = new HashMap<>();
        env.put(StorageConfig.STORAGE_BACKEND, "s3");
        env.put(StorageConfig.STORAGE_S3_BUCKET, bucket);
        env.put(StorageConfig.STORAGE_S3_ENDPOINT, endpoint.toString());
        env.put(StorageConfig.STORAGE_S3_ACCESS_KEY, ACCESS_KEY);
        env.put(StorageConfig.STORAGE_S3_SECRET_KEY, SECRET_KEY);
        if (prefix != null) {
            env.put(StorageConfig.STORAGE_S3_PREFIX, prefix);
        }
        return env;
    }

    public StorageConfig.S3Settings settings(String bucket, String prefix) {
        return StorageConfig.fromEnv(env(bucket, prefix)).s3().orElseThrow();
    }

    /** A raw SDK client, for looking at the server behind the store's back. */
    public S3Client client(String secretKey) {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, secretKey)))
                .build();
    }
}
