package com.picpeak.api;

import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.Protection;
import com.picpeak.gallery.FavouriteStore;
import com.picpeak.gallery.Favourites;
import com.picpeak.gallery.GuestStore;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobJson;
import com.picpeak.rendition.DownloadSize;
import com.picpeak.rendition.Tier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/** The JSON shapes of the HTTP contract (the routes the README lists), built in one place. */
final class Json {

    private Json() {
    }

    /** A photo of the listing, with the download sizes {@code sizes} (the event's) where the photo is larger. */
    static Map<String, Object> guestPhoto(Photo p, List<DownloadSize> sizes) {
        return guestPhoto(p, sizes, (photo, tier) -> "");
    }

    /**
     * As {@link #guestPhoto(Photo, List)}, its tier URLs ending in {@code tierQuery} (a signed URL's
     * {@code ?sig=...} at basic and standard, nothing otherwise).
     */
    static Map<String, Object> guestPhoto(Photo p, List<DownloadSize> sizes, BiFunction<Photo, Tier, String> tierQuery) {
        String base = "/api/gallery/" + p.eventSlug() + "/photos/" + p.id();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", p.id());
        json.put("filename", p.filename());
        json.put("width", p.width());
        json.put("height", p.height());
        json.put("size", p.size());
        json.put("takenAt", p.takenAt());
        json.put("thumbnailUrl", base + "/thumbnail");
        json.put("thumbnails", tiers(p, true, tierQuery));
        json.put("previews", tiers(p, false, tierQuery));
        json.put("url", base);
        json.put("downloadUrl", base + "/download");
        Map<String, Object> downloads = new LinkedHashMap<>();
        for (DownloadSize size : DownloadSize.offered(p.width(), p.height(), sizes)) {
            downloads.put(size.wireName(), base + "/download"
                    + (size == DownloadSize.ORIGINAL ? "" : "?size=" + size.wireName()));
        }
        json.put("downloadSizes", downloads);
        json.put("accessUrl", base + "/access");
        return json;
    }

    /** The photo's preview tiers for the viewer's {@code srcset}: URL (with {@code query}), width and height. */
    static List<Map<String, Object>> previews(Photo p, String query) {
        return tiers(p, false, (photo, tier) -> query);
    }

    private static List<Map<String, Object>> tiers(Photo p, boolean thumbnails, BiFunction<Photo, Tier, String> query) {
        String base = "/api/gallery/" + p.eventSlug() + "/photos/" + p.id() + "/r/";
        List<Map<String, Object>> tiers = new ArrayList<>();
        for (Tier tier : Tier.offered(p.width(), p.height())) {
            if (tier.thumbnail() == thumbnails) {
                Tier.Size size = tier.sizeFor(p.width(), p.height());
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("tier", tier.wireName());
                json.put("width", size.width());
                json.put("height", size.height());
                json.put("url", base + tier.wireName() + query.apply(p, tier));
                tiers.add(json);
            }
        }
        return tiers;
    }

    static Map<String, Object> adminPhoto(Photo p) {
        Map<String, Object> json = guestPhoto(p, List.of(DownloadSize.values())); // the admin may fetch every size
        json.put("key", p.key());
        json.put("thumbnailKey", p.thumbnailKey());
        json.put("contentType", p.contentType());
        json.put("sha256", p.sha256());
        json.put("crc32", p.crc32());
        json.put("uploadedAt", p.uploadedAt());
        json.put("source", p.source().wireName());
        json.put("adminThumbnailUrl", "/api/admin/events/" + p.eventSlug() + "/photos/" + p.id() + "/thumbnail");
        return json;
    }

    static Map<String, Object> guestEvent(Event e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("slug", e.slug());
        json.put("title", e.title());
        json.put("expiresAt", e.expiresAt());
        json.put("photoCount", e.photoCount());
        json.put("passwordRequired", e.requiresPassword());
        json.put("downloadsAllowed", e.allowDownloads());
        // at maximum photos exist only as tiles: no hero image
        json.put("heroUrl", e.heroKey() == null || e.protection().fragments() ? null : "/api/gallery/" + e.slug() + "/hero");
        json.put("downloadAllUrl", e.allowDownloads() ? "/gallery/" + e.slug() + "/download-all" : null);
        json.put("downloadSizes", e.allowDownloads() ? e.downloadSizes() : List.of());
        Protection p = e.protection();
        json.put("protectionLevel", p.level().wireName());
        json.put("imageTokensRequired", p.tracesGuests());
        json.put("fragmentationLevel", p.fragments() ? p.fragmentationLevel() : null);
        json.put("guestIdentity", e.guests().identity().wireName());
        json.put("favouritesLimit", e.guests().favouritesLimit());
        return json;
    }

    static Map<String, Object> adminEvent(Event e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("slug", e.slug());
        json.put("title", e.title());
        json.put("hasPassword", e.requiresPassword());
        json.put("expiresAt", e.expiresAt());
        json.put("active", e.active());
        json.put("allowDownloads", e.allowDownloads());
        json.put("watermarkDownloads", e.watermarkDownloads());
        json.put("allowDirectS3Download", e.allowDirectS3Download());
        json.put("downloadSizes", e.downloadSizes());
        json.put("downloadLimit", e.downloadLimit());
        json.put("revision", e.revision());
        json.put("photoCount", e.photoCount());
        json.put("heroPhotoId", e.heroPhotoId());
        json.put("createdAt", e.createdAt());
        json.put("updatedAt", e.updatedAt());
        json.put("galleryUrl", "/gallery/" + e.slug());
        json.put("archivedAt", e.archivedAt());
        json.put("archiveUrl", e.isArchived() ? "/api/admin/events/" + e.slug() + "/archive" : null);
        Protection p = e.protection();
        json.put("protectionLevel", p.level().wireName());
        json.put("watermarkViews", p.watermarkViews());
        json.put("watermarkPosition", p.position().wireName());
        json.put("watermarkSize", p.sizePercent());
        json.put("watermarkOpacity", p.opacityPercent());
        json.put("fragmentationLevel", p.fragmentationLevel());
        json.put("guestIdentity", e.guests().identity().wireName());
        json.put("favouritesLimit", e.guests().favouritesLimit());
        return json;
    }

    /** A guest as the admin sees it: with {@code pin} only in the answer that made the PIN. */
    static Map<String, Object> guest(GuestStore.Guest g, Optional<FavouriteStore.Selection> selection, String pin) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", g.id());
        json.put("name", g.name());
        json.put("email", g.email());
        json.put("createdAt", g.createdAt());
        json.put("count", selection.map(FavouriteStore.Selection::count).orElse(0L));
        json.put("state", selection.filter(FavouriteStore.Selection::submitted).isPresent() ? "sent" : "open");
        json.put("submittedAt", selection.map(FavouriteStore.Selection::submittedAt).orElse(null));
        json.put("selectionId", Favourites.guestOwner(g.id()));
        if (pin != null) {
            json.put("pin", pin);
        }
        return json;
    }

    /** A guest's own selection: count against the limit, its state, its picks. */
    static Map<String, Object> selection(Favourites.View v) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("selectionId", v.selectionId());
        json.put("guestId", v.guestId().orElse(null));
        json.put("count", v.count());
        json.put("limit", v.limit());
        json.put("state", v.submittedAt() != null ? "sent" : "open");
        json.put("submittedAt", v.submittedAt());
        json.put("note", v.note());
        json.put("favourites", v.favourites().stream().map(f -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("photoId", f.photoId());
            item.put("filename", f.filename());
            item.put("markedAt", f.markedAt());
            return item;
        }).toList());
        return json;
    }

    /** A selection as the admin sees it: its guest's name, and each pick's admin thumbnail. */
    static Map<String, Object> adminSelection(Favourites.View v, String guestName, String slug) {
        Map<String, Object> json = selection(v);
        json.put("guestName", guestName);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> favourites = (List<Map<String, Object>>) json.get("favourites");
        favourites.forEach(f -> f.put("thumbnailUrl", "/api/admin/events/" + slug + "/photos/" + f.get("photoId")
                + "/thumbnail"));
        return json;
    }

    /** A job as the admin API shows it (its params and checkpoint are the worker's, not shown). */
    static Map<String, Object> job(Job j) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", j.id());
        json.put("kind", j.kind().wireName());
        json.put("target", j.target());
        json.put("state", j.state().wireName());
        json.put("attempts", j.attempts());
        json.put("maxAttempts", j.maxAttempts());
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("phase", j.progress().phase());
        progress.put("done", j.progress().done());
        progress.put("total", j.progress().total());
        progress.put("unit", j.progress().unit());
        json.put("progress", progress);
        json.put("lastError", j.lastError());
        json.put("result", JobJson.tree(j.result()));
        json.put("createdAt", j.createdAt().toString());
        json.put("updatedAt", j.updatedAt().toString());
        json.put("finishedAt", j.finishedAt() == null ? null : j.finishedAt().toString());
        json.put("url", JobsController.jobUrl(j.id()));
        return json;
    }
}
