package com.picpeak.ingest;

import com.picpeak.storage.BlobStore;
import com.picpeak.testing.TestS3Server;

class S3ImportServiceTest extends ImportServiceContract {
    @Override
    protected BlobStore newStore() {
        return TestS3Server.shared().newStore("import");
    }
}
