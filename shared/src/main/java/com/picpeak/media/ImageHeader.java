package com.picpeak.media;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ImageProbe} learns from the start of a file without decoding pixels. {@code width} and
 * {@code height} are the stored (encoded) dimensions; cameras often store a portrait photo as a
 * landscape raster plus an EXIF orientation, so anything shown to people uses
 * {@link #displayWidth()} and {@link #displayHeight()}.
 *
 * @param exifOrientation the EXIF orientation 1..8; 1 (as stored) when the file has none
 * @param takenAt         EXIF DateTimeOriginal; read as UTC when the camera wrote no offset
 * @param headerLength    JPEG: the bytes from the file's start to its first scan's data (metadata included), which a
 *                        decoder reads twice; 0 when unknown or small (PNG, WebP keep their header at the start)
 */
public record ImageHeader(ImageType type, int width, int height, int exifOrientation, Optional<Instant> takenAt,
                          int headerLength) {

    /** A header whose length does not matter (PNG, WebP, a rendition of ours). */
    public ImageHeader(ImageType type, int width, int height, int exifOrientation, Optional<Instant> takenAt) {
        this(type, width, height, exifOrientation, takenAt, 0);
    }

    public ImageHeader {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(takenAt, "takenAt");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("dimensions must be positive: " + width + " x " + height);
        }
        if (exifOrientation < 1 || exifOrientation > 8) {
            throw new IllegalArgumentException("EXIF orientation must be 1..8: " + exifOrientation);
        }
        if (headerLength < 0) {
            throw new IllegalArgumentException("header length must not be negative: " + headerLength);
        }
    }

    public long pixels() {
        return (long) width * height;
    }

    /** True for orientations 5..8, whose display transform turns the raster by a quarter turn. */
    public boolean swapsAxes() {
        return exifOrientation >= 5;
    }

    /** Width after applying the EXIF orientation (the height for 5..8). */
    public int displayWidth() {
        return swapsAxes() ? height : width;
    }

    /** Height after applying the EXIF orientation (the width for 5..8). */
    public int displayHeight() {
        return swapsAxes() ? width : height;
    }
}
