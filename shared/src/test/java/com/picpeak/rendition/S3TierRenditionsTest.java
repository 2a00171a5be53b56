package com.picpeak.rendition;

import com.picpeak.storage.BlobStore;
import com.picpeak.testing.TestS3Server;

class S3TierRenditionsTest extends TierRenditionsContract {
    @Override
    protected BlobStore newStore() {
        return TestS3Server.shared().newStore("tiers");
    }
}
