/**
 * Events as the admin and guests see them: creating, changing and deleting events and photos
 * ({@link com.picpeak.gallery.EventService}, {@link com.picpeak.gallery.EventDeletion}), guest access
 * (password, expiry, active; sessions; password-guess limits; trusted proxies and client addresses), listings
 * (pages kept in process memory by revision, {@code ListingPages}, and their entity tags) and the download rules.
 *
 * <p>May import {@code rendition} (the download sizes), {@code catalog}, {@code jobs}, {@code notify}, {@code storage}
 * and {@code error}. Must not import
 * {@code ingest}, {@code protect}, {@code zip}, {@code downloadall}, {@code eventarchive}, {@code migrate},
 * {@code autoimport} or {@code app}.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.gallery;
