package com.picpeak.media;

import org.imgscalr.Scalr;
import org.imgscalr.Scalr.Rotation;

import java.awt.image.BufferedImage;

/**
 * Turns a raster stored with an EXIF orientation into the way it is meant to be seen. Thumbnails are
 * written without EXIF, so the orientation has to be baked into their pixels.
 */
final class ExifOrientation {

    private ExifOrientation() {
    }

    /** The display-oriented image; {@code image} itself for orientation 1. Flushes the input when it made a new one. */
    static BufferedImage apply(BufferedImage image, int orientation) {
        BufferedImage result = switch (orientation) {
            case 1 -> image;
            case 2 -> Scalr.rotate(image, Rotation.FLIP_HORZ);
            case 3 -> Scalr.rotate(image, Rotation.CW_180);
            case 4 -> Scalr.rotate(image, Rotation.FLIP_VERT);
            case 5 -> flip(Scalr.rotate(image, Rotation.CW_90), Rotation.FLIP_HORZ);  // transpose
            case 6 -> Scalr.rotate(image, Rotation.CW_90);
            case 7 -> flip(Scalr.rotate(image, Rotation.CW_90), Rotation.FLIP_VERT);  // transverse
            case 8 -> Scalr.rotate(image, Rotation.CW_270);
            default -> throw new IllegalArgumentException("EXIF orientation must be 1..8: " + orientation);
        };
        if (result != image) {
            image.flush();
        }
        return result;
    }

    private static BufferedImage flip(BufferedImage rotated, Rotation flip) {
        BufferedImage flipped = Scalr.rotate(rotated, flip);
        rotated.flush();
        return flipped;
    }
}
