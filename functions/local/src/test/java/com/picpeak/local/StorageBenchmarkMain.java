package com.picpeak.local;

import com.picpeak.storage.LocalBlobStore;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.TestS3Server;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Both backends on one 256 MiB object against plain file streams, {@code cp}, and the raw AWS SDK
 * calls on the same S3 server (disk-backed S3Proxy in this JVM), all in one run:
 * {@code mvn -q -pl functions/local test-compile exec:java@bench-storage} (size: {@code -Dexec.args="256"}).
 */
public final class StorageBenchmarkMain {

    public static void main(String[] args) throws IOException {
        long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 256;
        Path scratch = Files.createTempDirectory("picpeak-bench");
        TestS3Server server = TestS3Server.start(Optional.of(scratch.resolve("s3proxy-data")));
        try {
            String bucket = server.createBucket();
            try (LocalBlobStore local = new LocalBlobStore(scratch.resolve("local-root"));
                 S3BlobStore s3 = S3BlobStore.create(server.settings(bucket, "bench"));
                 S3Client raw = server.client(TestS3Server.SECRET_KEY)) {
                new StorageBenchmark(sizeMiB * 1024 * 1024, 3, scratch).run(List.of(
                        StorageBenchmark.fileStreams(scratch),
                        StorageBenchmark.cp(scratch),
                        StorageBenchmark.store(local),
                        StorageBenchmark.store(s3),
                        StorageBenchmark.storeWithKnownSha256(s3),
                        rawSdk(raw, bucket)), System.out);
            }
        } finally {
            server.stop();
            BenchCommand.deleteTree(scratch);
        }
        System.exit(0); // S3Proxy threads would otherwise keep the JVM alive
    }

    /** What the SDK does alone (PutObject from a file, GetObject to a stream): the floor for S3BlobStore. */
    private static StorageBenchmark.Subject rawSdk(S3Client raw, String bucket) {
        return new StorageBenchmark.Subject() {
            public String name() {
                return "reference: raw SDK PutObject(file)/GetObject, same server";
            }

            public void put(Path source) {
                raw.putObject(b -> b.bucket(bucket).key("raw/bench.bin"), RequestBody.fromFile(source));
            }

            public void get(OutputStream sink) {
                raw.getObject(b -> b.bucket(bucket).key("raw/bench.bin"), ResponseTransformer.toOutputStream(sink));
            }

            public void cleanup() {
                raw.deleteObject(b -> b.bucket(bucket).key("raw/bench.bin"));
            }
        };
    }
}
