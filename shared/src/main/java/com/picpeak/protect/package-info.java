/**
 * Image protection at its four levels, on top of the rendition tiers: the policy deciding what each image request
 * is answered with ({@link com.picpeak.protect.ImageProtection}); access control: short-lived access tokens,
 * per-client rate limits and the access log ({@link com.picpeak.protect.ImageAccess}); tiles
 * ({@link com.picpeak.protect.ImageTiles}); and the delivery of single images with the guest's fingerprint written
 * in ({@link com.picpeak.protect.FingerprintedDelivery}), after the guest's access was checked by {@code gallery}.
 *
 * <p>May import {@code gallery}, {@code rendition}, {@code media}, {@code catalog}, {@code storage} and
 * {@code error}. Must not import
 * Download All or event archiving ({@code zip}, {@code downloadall}, {@code eventarchive}): they build on single
 * images, not the other way (ArchitectureTest).
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.protect;
