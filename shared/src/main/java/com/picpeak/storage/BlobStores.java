package com.picpeak.storage;

/**
 * Opens the store the configuration chooses; with {@code EXTERNAL_MEDIA_ROOT} set, keys under
 * {@code external/} read the referenced folders (see {@link ExternalMediaStore}).
 */
public final class BlobStores {

    private BlobStores() {
    }

    public static BlobStore open(StorageConfig config) {
        BlobStore store = switch (config.backend()) {
            case LOCAL -> new LocalBlobStore(config.localRoot());
            case S3 -> S3BlobStore.create(config.s3().orElseThrow());
        };
        return config.externalMediaRoot().<BlobStore>map(root -> new ExternalMediaStore(store, root)).orElse(store);
    }
}
