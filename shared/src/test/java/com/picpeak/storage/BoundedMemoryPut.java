package com.picpeak.storage;

import com.picpeak.testing.TestData;

import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a JVM with a heap smaller than the object ({@code -Xmx64m}) by {@link BoundedMemoryPutTest}:
 * stores a 64 MB stream, reads it back, prints its sha256. An implementation that held the object in
 * memory dies with OutOfMemoryError here.
 * Arguments: {@code local <root>} or {@code s3 <endpoint> <bucket> <access> <secret>}.
 */
public final class BoundedMemoryPut {

    public static void main(String[] args) {
        BlobStore store = switch (args[0]) {
            case "local" -> new LocalBlobStore(Path.of(args[1]));
            case "s3" -> S3BlobStore.create(StorageConfig.fromEnv(Map.of("STORAGE_BACKEND", "s3",
                    "STORAGE_S3_ENDPOINT", args[1], "STORAGE_S3_BUCKET", args[2],
                    "STORAGE_S3_ACCESS_KEY", args[3], "STORAGE_S3_SECRET_KEY", args[4])).s3().orElseThrow());
            default -> throw new IllegalArgumentException(args[0]);
        };
        try (store) {
            StoredBlob stored = store.put("events/active/heap/big.jpg",
                    TestData.stream(BlobStoreContract.SIXTY_FOUR_MB, 42), PutOptions.of("image/jpeg"));
            String readBack = TestData.sha256(store.get("events/active/heap/big.jpg").stream());
            System.out.println("stored " + stored.size() + " " + stored.sha256() + " read " + readBack
                    + " maxHeap " + Runtime.getRuntime().maxMemory());
        }
    }
}
