/**
 * Download All: the zip of an event's photos (originals, or watermarked copies) that a guest downloads. It owns
 * what the archive of an event is now (its plan, length and ETag by revision and variant), serving any byte range
 * of it from the plan while its cached copy is not ready, and the build of that cached copy as jobs: a
 * {@code downloadall.build} job that starts one unfinished object and fans out into {@code downloadall.part}
 * jobs, each rendering one part, and completes it when the last part is in.
 *
 * Sized archives ({@code large}, {@code web}) are built like the watermarked one, from the download-size renditions
 * of {@code rendition}, whose sizes and CRC-32 are known once they are made.
 *
 * <p>May import {@code zip}, {@code jobs}, {@code catalog}, {@code media}, {@code rendition}, {@code storage},
 * {@code error}; must
 * not import {@code eventarchive}, {@code gallery}, {@code protect}, {@code app}, nor any HTTP, Spring or
 * Lambda type.
 */
package com.picpeak.downloadall;
