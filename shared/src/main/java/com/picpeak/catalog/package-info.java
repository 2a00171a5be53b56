/**
 * The catalog: events, photos, file-name and content claims, tombstones and Download All records behind the
 * {@link com.picpeak.catalog.Catalog} port, kept in one DynamoDB table whose every key shape is in
 * {@link com.picpeak.catalog.CatalogKeys}. Its adapter {@link com.picpeak.catalog.DynamoCatalog} is served by one
 * part per kind of data (event, photo, file-claim and Download All rows); {@link com.picpeak.catalog.DynamoTable} is the
 * one access to the table, for those parts and for the stores of other packages (jobs, webhooks, protection,
 * guesses, auto-import, the server secret). {@link com.picpeak.catalog.ScheduledRuns} gives each interval of a
 * timer to one of the processes that run it on the same table. Also the names that
 * reach keys from outside ({@link com.picpeak.catalog.Names}: slugs, file names, photo ids) and the photo ids
 * issued ({@link com.picpeak.catalog.PhotoIds}).
 *
 * <p>May import {@code error} only (and the AWS SDK's DynamoDB client). Must not import storage, media or any
 * service package: everything else builds on the catalog.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.catalog;
