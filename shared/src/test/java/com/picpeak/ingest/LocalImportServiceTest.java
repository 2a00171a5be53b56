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
}
