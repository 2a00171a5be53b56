/**
 * Retiring expired events: {@link com.picpeak.eventarchive.EventArchiver} archives an event's originals into
 * {@code events/archived/<slug>.zip} (with the same zip machinery as Download All, from {@code zip}), removes
 * them, restores them from the archive, and its sweep starts an archive job for every expired event. All are
 * jobs that run in steps and resume from their checkpoint.
 *
 * <p>May import {@code zip}, {@code jobs}, {@code catalog}, {@code ingest}, {@code media}, {@code storage},
 * {@code error}; must not import {@code downloadall}, {@code gallery}, {@code protect} or {@code app}.
 */
package com.picpeak.eventarchive;
