package com.picpeak.archive;

import com.picpeak.storage.BlobStore;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.BeforeAll;

import java.util.UUID;

class S3EventArchiverTest extends EventArchiverContract {
    static String bucket;

    @BeforeAll
    static void bucket() {
        bucket = TestS3Server.shared().createBucket();
    }

    @Override
    protected BlobStore newStore() {
        return S3BlobStore.create(TestS3Server.shared().settings(bucket, "archiver-" + UUID.randomUUID().toString().substring(0, 8)));
    }
}
