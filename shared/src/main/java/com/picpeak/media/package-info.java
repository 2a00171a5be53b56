/**
 * Images: probing type and size from the header (before any decode, with the decompression-bomb guard), EXIF
 * orientation, decoding and scaling ({@link com.picpeak.media.ImageScaler}: covers, fitted sizes in sRGB, tiles), and
 * the watermarked or plain renditions guests view or download ({@link com.picpeak.media.RenditionMaker}), stored
 * through the {@code BlobStore}. What a rendition needs of its event comes in as a
 * {@link com.picpeak.media.GalleryLook}.
 *
 * <p>May import {@code storage} and {@code error}. Must not import {@code catalog} (it is told, it does not look
 * up) nor any service package.
 *
 * <p>Like all of shared: no Spring, servlet or Lambda types, nothing of {@code com.picpeak.api}, {@code local},
 * {@code poller} or {@code infra} (ArchitectureTest).
 */
package com.picpeak.media;
