package com.picpeak.archive;

import com.picpeak.storage.BlobStore;
import com.picpeak.storage.LocalBlobStore;

class LocalArchiveServiceTest extends ArchiveServiceContract {
    @Override
    protected BlobStore newStore() {
        return new LocalBlobStore(scratch.resolve("storage"));
    }
}
