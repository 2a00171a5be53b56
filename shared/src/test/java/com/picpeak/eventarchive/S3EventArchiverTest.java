package com.picpeak.eventarchive;

import com.picpeak.storage.BlobStore;
import com.picpeak.testing.TestS3Server;

class S3EventArchiverTest extends EventArchiverContract {
    @Override
    protected BlobStore newStore() {
        return TestS3Server.shared().newStore("archiver");
    }
}
