package com.picpeak.ingest;

import com.picpeak.storage.BlobStore;
import com.picpeak.storage.LocalBlobStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class LocalImportServiceTest extends ImportServiceContract {
    @TempDir
    Path root;

    @Override
    protected BlobStore newStore() {
        return new LocalBlobStore(root);
    }

    @Override
    protected void dropByHand(String key, byte[] bytes) {
        try {
            java.nio.file.Files.createDirectories(root.resolve(key).getParent());
            java.nio.file.Files.write(root.resolve(key), bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
