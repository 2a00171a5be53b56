package com.picpeak.zip;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Photo;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * The zip of an event's originals as both users of it plan it: Download All and the archive of an expired event
 * lay out the same entries (the photos in upload order, under their file names), so the restore of an archived
 * event finds every photo where the plan says.
 */
public final class PhotoZips {
    private PhotoZips() {
    }

    /** The plan of the event's photos in upload order, read from the catalog a page at a time. */
    public static ZipPlan plan(Catalog catalog, String slug) {
        try (Stream<Photo> photos = catalog.allPhotos(slug)) {
            return planOf(photos.toList());
        }
    }

    /** The plan of these photo rows, in their order (the originals, under their file names). */
    public static ZipPlan planOf(List<Photo> photos) {
        return ZipPlan.of(photos.stream().map(photo -> new ZipItem(photo.filename(), photo.key(), photo.size(),
                photo.crc32(), timeOf(photo))).toList());
    }

    /** The entry time of a photo: when it was taken if known, else when it was uploaded. */
    public static Instant timeOf(Photo photo) {
        return photo.takenAt() != null ? photo.takenAt() : photo.uploadedAt();
    }
}
