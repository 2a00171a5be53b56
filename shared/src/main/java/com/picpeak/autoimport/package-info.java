/**
 * Photos that arrive without an upload: the local folder watcher, the S3 prefix walker with its two-poll gate
 * (a file is imported once it was seen unchanged twice), referenced external folders, and the state kept between
 * polls (sightings, last poll report) in the catalog table. Everything is imported through {@code ingest}.
 *
 * <p>May import {@code ingest}, {@code jobs}, {@code catalog} (the {@code Catalog} port, {@code CatalogKeys} and
 * {@code DynamoTable}; never the {@code DynamoCatalog} adapter), {@code storage} and {@code error}.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.autoimport;
