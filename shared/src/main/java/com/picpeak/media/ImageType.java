package com.picpeak.media;

/**
 * The image formats the product knows by their magic bytes. JPEG, PNG and WebP are decoded here;
 * HEIC is recognised only so that it can be refused with a useful message (there is no pure-Java
 * HEVC decoder, and a native one does not belong in a Lambda jar).
 */
public enum ImageType {
    JPEG("image/jpeg", "jpg"),
    PNG("image/png", "png"),
    WEBP("image/webp", "webp"),
    HEIC("image/heic", "heic");

    private final String contentType;
    private final String extension;

    ImageType(String contentType, String extension) {
        this.contentType = contentType;
        this.extension = extension;
    }

    /** The MIME type stored with the object and served to browsers. */
    public String contentType() {
        return contentType;
    }

    /** The usual file extension, without the dot. */
    public String extension() {
        return extension;
    }
}
