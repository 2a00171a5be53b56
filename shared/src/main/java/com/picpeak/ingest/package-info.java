/**
 * The one path every photo takes into the system ({@link com.picpeak.ingest.ImportService}): upload, direct
 * upload, folder watcher, prefix walker, migration and restore all end here. Validate, hash, store, thumbnail,
 * catalog row (conditional, under a leased file-name claim), then a {@code photo.uploaded} domain event; a
 * failure leaves no row and no orphan object.
 *
 * <p>May import {@code catalog}, {@code media}, {@code notify}, {@code storage}, {@code metrics} and {@code error}. Must not import
 * {@code gallery}, {@code autoimport}, {@code eventarchive} or {@code migrate}: they call it.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.ingest;
