package com.picpeak.media;

/**
 * What renditions need to know of the gallery event they belong to (media does not read the catalog): the slug
 * that keys its renditions and its watermark image, whether the view watermark is on, where the watermark sits
 * ({@code position} is a wire name: top-left, top-right, center, bottom-left or bottom-right), how big
 * (percent of the image width) and how opaque it is, and the hero photo (null when none is chosen).
 */
public record GalleryLook(String slug, boolean watermarkViews, String position, int sizePercent, int opacityPercent,
                          String heroPhotoId, String heroKey) {
}
