package com.picpeak.ingest;

import com.picpeak.storage.BlobStore;
import com.picpeak.storage.LocalBlobStore;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
            Files.createDirectories(root.resolve(key).getParent());
            Files.write(root.resolve(key), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
