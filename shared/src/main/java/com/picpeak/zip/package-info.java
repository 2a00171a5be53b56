/**
 * The zip machinery: {@link com.picpeak.zip.ZipPlan} fixes every header, offset and size of an archive (STORED
 * entries, Zip64 where needed) before its first byte; {@link com.picpeak.zip.ZipWriter} writes it in one pass;
 * {@link com.picpeak.zip.ZipSlice} renders any byte range of it on its own from ranged reads, checking every
 * photo's CRC-32 as it passes ({@link com.picpeak.zip.Crc32Combine} joins the pieces of a photo cut by an edge);
 * {@link com.picpeak.zip.ZipBuild} writes it as fixed-size parts of one unfinished object;
 * {@link com.picpeak.zip.PhotoZips} plans the zip of an event's originals from its catalog rows.
 *
 * <p>May import {@code jobs}, {@code catalog}, {@code storage}, {@code metrics} and {@code error}. Used by Download All
 * ({@code com.picpeak.downloadall}) and by the archiving of expired events ({@code com.picpeak.eventarchive}); it
 * must not import either, nor anything of {@code gallery}, {@code protect}, {@code ingest}, {@code autoimport} or
 * {@code app}. It reads and writes only through {@code storage.BlobStore}.
 */
package com.picpeak.zip;
