/**
 * Where bytes live: the {@link com.picpeak.storage.BlobStore} port with its local-filesystem and S3 adapters, the
 * read-only external media root, {@link com.picpeak.storage.StorageConfig} (the STORAGE_* environment), {@link com.picpeak.storage.EnvReader}
 * (how every package reads its settings, with {@link com.picpeak.storage.ConfigException}), the
 * object key layout ({@link com.picpeak.storage.Keys}), the S3-compatible quirks, timeouts and the start-up
 * sentinel check. Nothing else reads disk or S3 around it.
 *
 * <p>May import {@code error} only (and the AWS SDK's S3 client). Must not import the catalog or any domain
 * package above it: storage knows keys, not events or photos.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.storage;
