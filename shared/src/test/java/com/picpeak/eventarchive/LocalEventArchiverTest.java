package com.picpeak.eventarchive;

import com.picpeak.storage.BlobStore;
import com.picpeak.storage.LocalBlobStore;

class LocalEventArchiverTest extends EventArchiverContract {
    @Override
    protected BlobStore newStore() {
        return new LocalBlobStore(scratch.resolve("storage"));
    }
}
