package com.picpeak.storage;

/** Opens the store the configuration chooses. */
public final class BlobStores {

    private BlobStores() {
    }

    public static BlobStore open(StorageConfig config) {
        return switch (config.backend()) {
            case LOCAL -> new LocalBlobStore(config.localRoot());
            case S3 -> S3BlobStore.create(config.s3().orElseThrow());
        };
    }
}
