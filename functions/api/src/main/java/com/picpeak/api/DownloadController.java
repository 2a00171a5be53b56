package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.downloadall.DownloadAllService.Archive;
import com.picpeak.error.PicPeakException;
import com.picpeak.catalog.Photo;
import com.picpeak.gallery.ApiTokens;
import com.picpeak.gallery.Downloader;
import com.picpeak.gallery.GalleryService.GuestAccess;
import com.picpeak.zip.ZipPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.picpeak.rendition.DownloadSize;
import com.picpeak.storage.ByteRange;
import com.picpeak.storage.ContentDisposition;
import com.picpeak.storage.PresignedLinks;
import com.picpeak.zip.ZipSlice;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Download All. The archive's bytes are fixed by the photo set, so the same bytes come from the cache or
 * straight from the originals, with the same length and ETag:
 * <ul>
 *   <li>cache ready: served from storage with ranges (resumable); with the per-event direct S3 download
 *   on, a 302 to a 5-minute presigned URL instead; in the serverless shape, above the inline cap, a 302
 *   to a 60-second presigned URL;</li>
 *   <li>cache not ready: its build is requested (once) and, where the body may be streamed (local mode,
 *   or it fits the inline cap), the archive, or the one range asked for (206, {@code If-Range} against the
 *   ETag of revision and variant), is rendered from the plan and the originals now ({@link ZipSlice}): a
 *   resume needs no finished cache. Otherwise, and always for the watermarked variant (its copies are
 *   rendered by the build) and the sized ones ({@code ?size=large|web}: their renditions are made by the build),
 *   202 with Retry-After.</li>
 * </ul>
 */
@RestController
public class DownloadController {
    private static final Logger log = LoggerFactory.getLogger(DownloadController.class);
    static final int RETRY_AFTER_SECONDS = 5;

    private final PicPeakRuntime runtime;

    public DownloadController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    /** Download All; {@code size=large|web}: the archive of the JPEGs at that size, where the event offers it. */
    @GetMapping({"/gallery/{slug}/download-all", "/api/gallery/{slug}/download-all"})
    void downloadAll(@PathVariable String slug, @RequestParam(name = "size", required = false) String size,
                     HttpServletRequest request, HttpServletResponse response) throws IOException {
        DownloadSize chosen = DownloadSize.parse(size);
        GuestAccess access = GuestController.access(runtime, slug, request, ApiTokens.Scope.DOWNLOAD);
        runtime.gallery().requireDownloadSize(access, chosen);
        runtime.protection().admitArchive(access, GuestController.client(runtime, request));
        Event event = access.event();
        Archive archive = runtime.downloadAll().current(event, chosen);
        boolean sendsBody = !"HEAD".equals(request.getMethod());
        if (archive.ready()) {
            if (sendsBody) { // before the link or the first byte: the whole set, or 403 with what remains
                grantAll(access, event);
                countArchive(access, event, request);
            }
            // a link the guest can forward, or an archive over the inline cap: a presigned GET that outlives the
            // whole transfer, so that a browser resuming it later is not refused (PresignedLinks)
            boolean tooLargeInline = archive.length() > runtime.inlineResponseLimit();
            if ((event.allowDirectS3Download() || tooLargeInline) && runtime.store().canPresign()) {
                redirect(response, runtime.store().presignGet(archive.key(), PresignedLinks.forDownload(archive.length()),
                        archive.fileName()).toString());
                return;
            }
            BlobResponder.serve(request, response, runtime, archive.key(), archive.etag(), archive.length(),
                    "application/zip", archive.fileName(), "private, no-cache");
            return;
        }
        runtime.downloadAll().requestBuild(archive); // once per revision; a failed build is reported, not retried
        String quotedEtag = "\"" + archive.etag() + "\"";
        if (archive.streamable() && ConditionalGet.notModified(request, quotedEtag)) {
            response.setHeader("ETag", quotedEtag);
            response.setHeader("Cache-Control", "private, no-cache");
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        ByteRange range = archive.streamable() ? BlobResponder.rangeOf(request, quotedEtag) : null;
        long[] span = range == null ? new long[]{0, archive.length() - 1} : resolve(range, archive.length(), response);
        long bodyLength = span[1] - span[0] + 1;
        if (!archive.streamable() || bodyLength > runtime.inlineResponseLimit()) {
            response.setStatus(HttpServletResponse.SC_ACCEPTED);
            response.setHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            response.setHeader("Cache-Control", "no-store");
            response.setContentType("application/json");
            response.getWriter().write("{\"status\":\"building\",\"message\":\"the archive of " + event.photoCount()
                    + " photos is being prepared: ask again in " + RETRY_AFTER_SECONDS + " seconds\",\"size\":"
                    + (archive.length() < 0 ? "null" : archive.length()) + ",\"retryAfterSeconds\":"
                    + RETRY_AFTER_SECONDS + "}");
            return;
        }
        response.setStatus(range == null ? HttpServletResponse.SC_OK : HttpServletResponse.SC_PARTIAL_CONTENT);
        if (range != null) {
            response.setHeader("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + archive.length());
        }
        response.setHeader("ETag", quotedEtag);
        response.setHeader("Accept-Ranges", "bytes");
        response.setHeader("Cache-Control", "private, no-cache");
        response.setHeader("Content-Disposition", ContentDisposition.attachment(archive.fileName()));
        response.setContentType("application/zip");
        response.setContentLengthLong(bodyLength);
        if (!sendsBody) {
            return;
        }
        Map<String, String> granted = grantAll(access, event);
        if (span[0] == 0) { // a resumed archive is the same Download All: counted once
            runtime.activity().countArchive(event, Downloader.of(access), event.photoCount());
        }
        ZipSlice slice = runtime.downloadAll().slice(archive, span[0], span[1] + 1);
        CountingOutputStream out = new CountingOutputStream(response.getOutputStream());
        try (slice) {
            BlobResponder.copy(slice, out);
        } catch (IOException e) {
            giveBackUnsent(access, archive, granted, span[0] + out.count());
            // the photo that changed, not the transport that carried it: answered as itself if nothing was sent
            // yet, else the connection is ended (ApiErrors): never error bytes inside the archive
            if (slice.failure() != null) {
                throw slice.failure();
            }
            throw e;
        }
    }

    /**
     * Grants every photo of the event to the guest under its download limit, all or none (403 {@code download_limit}
     * with what remains). Nothing is counted without a limit.
     *
     * @return the photos newly counted, by storage key (the zip entries name their photos by key)
     */
    private Map<String, String> grantAll(GuestAccess access, Event event) {
        if (!event.limitsDownloads()) {
            return Map.of();
        }
        Map<String, String> idsByKey = new HashMap<>();
        try (Stream<Photo> photos = runtime.catalog().allPhotos(event.slug())) {
            photos.forEach(p -> idsByKey.put(p.key(), p.id()));
        }
        Set<String> fresh = runtime.downloadLimits().grantAll(event, Downloader.of(access), idsByKey.values());
        idsByKey.values().retainAll(fresh);
        return idsByKey;
    }

    /** A Download All served whole or from its first byte: one more in the activity report. */
    private void countArchive(GuestAccess access, Event event, HttpServletRequest request) {
        if (GuestController.startsAtFirstByte(request)) {
            runtime.activity().countArchive(event, Downloader.of(access), event.photoCount());
        }
    }

    /**
     * A streamed archive cut off at {@code sentUpTo} (an offset in the archive): the photos this request counted
     * whose entries were not sent whole are given back. A photo counted before stays counted.
     */
    private void giveBackUnsent(GuestAccess access, Archive archive, Map<String, String> granted, long sentUpTo) {
        if (granted.isEmpty()) {
            return;
        }
        List<String> unsent = new ArrayList<>();
        for (ZipPlan.Entry entry : archive.plan().entries()) {
            String photoId = granted.get(entry.item().storageKey());
            if (photoId != null && entry.dataOffset() + entry.item().size() > sentUpTo) {
                unsent.add(photoId);
            }
        }
        try {
            runtime.downloadLimits().giveBack(access.event(), Downloader.of(access), unsent);
        } catch (RuntimeException e) { // the cut-off is what the caller reports; the photos stay counted
            log.warn("could not give back {} unsent photos of gallery '{}': {}", unsent.size(), access.event().slug(),
                    e.getMessage());
        }
    }

    /** The bytes written through it: how much of a streamed archive left before the stream broke. */
    private static final class CountingOutputStream extends FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        long count() {
            return count;
        }
    }

    /** The range's bytes in an archive of {@code length}; a range outside it is a 416 telling the length. */
    private static long[] resolve(ByteRange range, long length, HttpServletResponse response) {
        try {
            return range.resolve(length);
        } catch (PicPeakException e) {
            response.setHeader("Content-Range", "bytes */" + length);
            throw e;
        }
    }

    private static void redirect(HttpServletResponse response, String location) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Location", location);
        response.setStatus(HttpServletResponse.SC_FOUND);
    }
}
