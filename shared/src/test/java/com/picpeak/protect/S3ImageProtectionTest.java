package com.picpeak.protect;

import com.picpeak.storage.BlobStore;
import com.picpeak.testing.TestS3Server;

class S3ImageProtectionTest extends ImageProtectionContract {
    @Override
    protected BlobStore newStore() {
        return TestS3Server.shared().newStore("protection");
    }
}
