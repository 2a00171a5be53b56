package com.picpeak.ingest;

import com.picpeak.storage.BlobStore;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.TestS3Server;
import software.amazon.awssdk.core.sync.RequestBody;

class S3ImportServiceTest extends ImportServiceContract {
    @Override
    protected BlobStore newStore() {
        return TestS3Server.shared().newStore("import");
    }

    /** As a photographer's sync tool writes it: a plain PUT, without the sha256 PicPeak records. */
    @Override
    protected void dropByHand(String key, byte[] bytes) {
        S3BlobStore s3 = (S3BlobStore) store;
        try (var raw = TestS3Server.shared().client(TestS3Server.SECRET_KEY)) {
            raw.putObject(b -> b.bucket(s3.settings().bucket()).key(s3.settings().prefix() + "/" + key),
                    RequestBody.fromBytes(bytes));
        }
    }
}
