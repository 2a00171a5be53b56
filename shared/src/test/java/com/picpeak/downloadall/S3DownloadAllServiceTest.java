package com.picpeak.downloadall;

import com.picpeak.storage.BlobStore;
import com.picpeak.testing.TestS3Server;

class S3DownloadAllServiceTest extends DownloadAllServiceContract {
    @Override
    protected BlobStore newStore() {
        return TestS3Server.shared().newStore("archive");
    }
}
