package com.picpeak.api;

import com.picpeak.protect.FingerprintedDelivery;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.ByteRange;
import com.picpeak.storage.ContentDisposition;
import com.picpeak.metrics.Metrics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;

/**
 * Writes a stored object as an HTTP response: ETag and conditional GET (304), single byte ranges
 * (206/416), Content-Length, and the delivery policy. In local mode the bytes stream through; in the
 * serverless shape a body above the inline cap becomes a 302 to a presigned GET valid for a minute,
 * issued only after the caller checked access.
 */
final class BlobResponder {
    static final Duration PRESIGNED_VALIDITY = Duration.ofSeconds(60);
    private static final int BUFFER_BYTES = 64 * 1024;

    private BlobResponder() {
    }

    /**
     * @param etag         a strong validator of the bytes (unquoted), known without a storage call
     * @param knownSize    the object's size if the catalog knows it, else -1
     * @param downloadName file name of an attachment, or null to show inline
     */
    static void serve(HttpServletRequest request, HttpServletResponse response, PicPeakRuntime runtime, String key,
                      String etag, long knownSize, String contentType, String downloadName, String cacheControl)
            throws IOException {
        String quotedEtag = "\"" + etag + "\"";
        if (ConditionalGet.notModified(request, quotedEtag)) {
            response.setHeader("ETag", quotedEtag);
            response.setHeader("Cache-Control", cacheControl);
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        ByteRange range = rangeOf(request, quotedEtag);
        long limit = runtime.inlineResponseLimit();
        if (limit != Long.MAX_VALUE) {
            long size = knownSize >= 0 ? knownSize : runtime.store().head(key).map(BlobInfo::size).orElse(0L);
            long length = range == null ? size : span(range, size);
            if (length > limit && runtime.store().canPresign()) {
                runtime.metrics().record("BytesPresigned", length, Metrics.Unit.BYTES, Map.of());
                response.setHeader("Cache-Control", "no-store");
                response.setHeader("Location", runtime.store().presignGet(key, PRESIGNED_VALIDITY, downloadName).toString());
                response.setStatus(HttpServletResponse.SC_FOUND);
                return;
            }
        }
        BlobRead opened;
        try {
            opened = runtime.store().get(key, range);
        } catch (PicPeakException e) {
            if (e.errorCode() == ErrorCode.RANGE_NOT_SATISFIABLE) {
                long size = knownSize >= 0 ? knownSize : runtime.store().head(key).map(BlobInfo::size).orElse(0L);
                response.setHeader("Content-Range", "bytes */" + size);
            }
            throw e; // validators and caching are only for the object itself (ApiErrors answers no-store)
        }
        try (BlobRead read = opened) {
            if (limit != Long.MAX_VALUE) { // the serverless shape's choice between inline and presigned
                runtime.metrics().record("BytesInline", read.last() - read.first() + 1, Metrics.Unit.BYTES, Map.of());
            }
            response.setHeader("ETag", quotedEtag);
            response.setHeader("Cache-Control", cacheControl);
            response.setStatus(read.partial() ? HttpServletResponse.SC_PARTIAL_CONTENT : HttpServletResponse.SC_OK);
            if (read.partial()) {
                response.setHeader("Content-Range", "bytes " + read.first() + "-" + read.last() + "/" + read.info().size());
            }
            response.setHeader("Accept-Ranges", "bytes");
            response.setContentType(contentType);
            response.setContentLengthLong(read.length());
            if (downloadName != null) {
                response.setHeader("Content-Disposition", ContentDisposition.attachment(downloadName));
            }
            if ("HEAD".equals(request.getMethod())) {
                return;
            }
            copy(read.stream(), response.getOutputStream());
        }
    }

    /**
     * Writes an image with a guest's fingerprint written into it while it streams: whole (no ranges: the bytes
     * are this guest's own), with its exact length; in the serverless shape one above the inline cap is stored
     * once with the fingerprint and handed out by a presigned GET.
     */
    static void serveFingerprinted(HttpServletRequest request, HttpServletResponse response, PicPeakRuntime runtime,
                                   FingerprintedDelivery.Served served, String cacheControl) throws IOException {
        String quotedEtag = "\"" + served.etag() + "\"";
        if (ConditionalGet.notModified(request, quotedEtag)) {
            response.setHeader("ETag", quotedEtag);
            response.setHeader("Cache-Control", cacheControl);
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        if (served.length() > runtime.inlineResponseLimit() && runtime.store().canPresign()) {
            String key = runtime.protection().delivery().storeFingerprinted(served);
            runtime.metrics().record("BytesPresigned", served.length(), Metrics.Unit.BYTES, Map.of());
            response.setHeader("Cache-Control", "no-store");
            response.setHeader("Location", runtime.store().presignGet(key, PRESIGNED_VALIDITY, served.downloadName()).toString());
            response.setStatus(HttpServletResponse.SC_FOUND);
            return;
        }
        response.setHeader("ETag", quotedEtag);
        response.setHeader("Cache-Control", cacheControl);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(served.contentType());
        if (served.downloadName() != null) {
            response.setHeader("Content-Disposition", ContentDisposition.attachment(served.downloadName()));
        }
        if ("HEAD".equals(request.getMethod())) {
            response.setContentLengthLong(served.length());
            return;
        }
        try (FingerprintedDelivery.Opened opened = runtime.protection().delivery().open(served)) {
            response.setContentLengthLong(opened.length()); // what is sent, even if the file changed since cataloguing
            copy(opened.stream(), response.getOutputStream());
        }
    }

    /** The request's single byte range, or null: none, or an {@code If-Range} of another version (send it all). */
    static ByteRange rangeOf(HttpServletRequest request, String quotedEtag) {
        ByteRange range = ByteRange.parseHeader(request.getHeader("Range"));
        String ifRange = request.getHeader("If-Range");
        return range != null && ifRange != null && !ifRange.equals(quotedEtag) ? null : range;
    }

    private static long span(ByteRange range, long size) {
        try {
            long[] resolved = range.resolve(size);
            return resolved[1] - resolved[0] + 1;
        } catch (RuntimeException unsatisfiable) {
            return 0; // the read below answers 416
        }
    }

    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
        out.flush();
    }
}
