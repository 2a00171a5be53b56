/**
 * Image protection at its four levels: short-lived access tokens, per-client rate limits, fingerprinted
 * renditions and their access log, tiles, and the delivery of single images (photo, thumbnail, hero) after the
 * guest's access was checked by {@code gallery}.
 *
 * <p>May import {@code gallery}, {@code media}, {@code catalog}, {@code storage} and {@code error}. Must not import
 * Download All or event archiving ({@code archive}, being split into zip/downloadall/eventarchive): they build on
 * single images, not the other way (ArchitectureTest).
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.protect;
