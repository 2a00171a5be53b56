package com.picpeak.downloadall;

import com.picpeak.storage.BlobStore;
import com.picpeak.storage.LocalBlobStore;

class LocalDownloadAllServiceTest extends DownloadAllServiceContract {
    @Override
    protected BlobStore newStore() {
        return new LocalBlobStore(scratch.resolve("storage"));
    }
}
