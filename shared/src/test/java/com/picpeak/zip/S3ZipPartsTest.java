package com.picpeak.zip;

import com.picpeak.storage.BlobStore;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.TestS3Server;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;

class S3ZipPartsTest extends ZipPartsContract {
    S3BlobStore s3Store;

    @Override
    protected BlobStore newStore() {
        s3Store = TestS3Server.shared().newStore("zipparts");
        return s3Store;
    }

    @Override
    protected void assertNoUnfinishedUploads() {
        try (S3Client raw = TestS3Server.shared().client(TestS3Server.SECRET_KEY)) {
            String prefix = s3Store.settings().prefix();
            assertThat(raw.listMultipartUploads(b -> b.bucket(s3Store.settings().bucket()).prefix(prefix + "/"))
                    .uploads()).isEmpty();
        }
    }
}
