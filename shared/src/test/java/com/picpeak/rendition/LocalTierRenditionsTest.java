package com.picpeak.rendition;

import com.picpeak.storage.BlobStore;
import com.picpeak.storage.LocalBlobStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class LocalTierRenditionsTest extends TierRenditionsContract {
    @TempDir
    Path root;

    @Override
    protected BlobStore newStore() {
        return new LocalBlobStore(root.resolve("storage"));
    }
}
