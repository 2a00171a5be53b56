/**
 * Moving and saving whole installations: the migrator (local storage to S3 and back, with a CSV failure report
 * and a dry run), backup and restore of storage and catalog, and the check that a restore is complete.
 *
 * <p>May import {@code gallery}, {@code autoimport} (the rule of a referenced folder), {@code rendition} (the download
 * size names), {@code media}, {@code catalog},
 * {@code storage} and {@code error}. Must not import
 * {@code app}.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.migrate;
