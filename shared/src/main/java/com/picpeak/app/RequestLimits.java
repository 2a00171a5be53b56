package com.picpeak.app;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * How much body a request may carry, decided from its path and {@code Content-Type} alone, before anything reads the
 * body and before anyone is authenticated. The HTTP layer refuses a body that declares more at once (413), and stops
 * reading one that turns out larger as soon as it crosses the limit.
 *
 * <ul>
 *   <li>guest routes (everything outside {@code /api/admin/}): a password or a purpose, a few KB
 *       ({@code PICPEAK_MAX_GUEST_BODY_BYTES}); they take no multipart bodies at all;</li>
 *   <li>the admin's multipart upload: all its files together {@code PICPEAK_MAX_UPLOAD_REQUEST_BYTES}, each file
 *       {@code PICPEAK_MAX_UPLOAD_BYTES};</li>
 *   <li>an admin image body (watermark, fingerprint lookup): {@code PICPEAK_MAX_UPLOAD_BYTES};</li>
 *   <li>any other admin body (JSON): {@code PICPEAK_MAX_ADMIN_JSON_BYTES};</li>
 *   <li>a store's notification ({@code /api/hooks/*}, after its bearer token): {@code PICPEAK_MAX_ADMIN_JSON_BYTES}.</li>
 * </ul>
 */
public record RequestLimits(long maxFileBytes, long maxUploadRequestBytes, long maxGuestBodyBytes, long maxAdminJsonBytes) {

    /** JSON bodies here are flat objects of a few fields: deeper nesting or longer numbers are an attack, not a request. */
    public static final int JSON_MAX_NESTING_DEPTH = 32;
    public static final int JSON_MAX_NUMBER_LENGTH = 100;

    public static RequestLimits of(AppConfig config) {
        return new RequestLimits(config.maxUploadBytes(), config.maxUploadRequestBytes(), config.maxGuestBodyBytes(),
                config.maxAdminJsonBytes());
    }

    /**
     * The limit of one body: its size, the error and the variable that sets it.
     *
     * @param what   the body, as the refusal names it
     * @param advice what the sender can do instead
     */
    public record Limit(long bytes, ErrorCode code, String variable, String what, String advice) {

        /** The refusal of a body of {@code size} bytes, or of unknown size (negative) seen to cross the limit. */
        public PicPeakException refusal(long size) {
            return new PicPeakException(code, what + " may have at most " + bytes + " bytes (" + variable + "), this one has "
                    + (size >= 0 ? size + " bytes" : "more") + ": nothing was stored; " + advice);
        }
    }

    /** The limit of a request's body. */
    public Limit forRequest(String path, String contentType) {
        if (isStorageHookPath(path)) { // after the hook's own token was checked (RequestGate)
            return new Limit(maxAdminJsonBytes, ErrorCode.REQUEST_TOO_LARGE, AppConfig.MAX_ADMIN_JSON_BYTES,
                    "a storage notification", "configure the store to send fewer records per request");
        }
        if (!isAdminPath(path)) {
            return new Limit(maxGuestBodyBytes, ErrorCode.REQUEST_TOO_LARGE, AppConfig.MAX_GUEST_BODY_BYTES,
                    "the body of a guest request", "guest routes take only a small JSON body");
        }
        if (isMultipart(contentType)) {
            return uploadRequest();
        }
        if (isFileBody(contentType)) {
            return new Limit(maxFileBytes, ErrorCode.FILE_TOO_LARGE, AppConfig.MAX_UPLOAD_BYTES, "an image sent as the body",
                    "send a smaller file");
        }
        return new Limit(maxAdminJsonBytes, ErrorCode.REQUEST_TOO_LARGE, AppConfig.MAX_ADMIN_JSON_BYTES,
                "the JSON body of an admin request", "admin routes take small JSON bodies (photos go as multipart uploads)");
    }

    /** A multipart upload, all its files together. */
    public Limit uploadRequest() {
        return new Limit(maxUploadRequestBytes, ErrorCode.REQUEST_TOO_LARGE, AppConfig.MAX_UPLOAD_REQUEST_BYTES,
                "an upload request (all its files together)", "send the photos in several requests");
    }

    /** One file of a multipart upload. */
    public Limit uploadFile() {
        return new Limit(maxFileBytes, ErrorCode.FILE_TOO_LARGE, AppConfig.MAX_UPLOAD_BYTES, "a file of an upload",
                "only photos up to that size are taken");
    }

    /** Multipart bodies are taken on admin routes only (the upload); anywhere else they are refused unread. */
    public static boolean multipartAllowed(String path) {
        return isAdminPath(path);
    }

    public static boolean isMultipart(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    private static boolean isFileBody(String contentType) {
        String type = contentType == null ? "" : contentType.trim().toLowerCase(Locale.ROOT);
        return type.startsWith("image/") || type.startsWith("application/octet-stream");
    }

    /**
     * Whether the path is an admin route, which needs the admin token. Decided on the path as any router could read
     * it: percent-decoded, without {@code ;parameters}, empty and {@code .} segments dropped, in any case, with
     * {@code ..} applied and also kept as a segment. So {@code /api/admin;x/events}, {@code /api/%61dmin/events},
     * {@code //API/admin} or {@code /x/../api/admin} count as admin routes too: when in doubt, the token is asked for.
     */
    public static boolean isAdminPath(String rawPath) {
        String path = decode(rawPath == null ? "" : rawPath);
        return startsWithApiAdmin(segments(path, false)) || startsWithApiAdmin(segments(path, true));
    }

    /**
     * Whether the path is a store's notification hook ({@code /api/hooks/...}), which needs
     * {@code PICPEAK_STORAGE_EVENTS_TOKEN}; read as {@link #isAdminPath} reads paths.
     */
    public static boolean isStorageHookPath(String rawPath) {
        String path = decode(rawPath == null ? "" : rawPath);
        return startsWith(segments(path, false), "hooks") || startsWith(segments(path, true), "hooks");
    }

    private static boolean startsWith(Deque<String> segments, String second) {
        return segments.size() >= 2 && segments.pollFirst().equals("api") && segments.pollFirst().equals(second);
    }

    private static Deque<String> segments(String path, boolean applyDotDot) {
        Deque<String> segments = new ArrayDeque<>();
        for (String raw : path.split("/")) {
            int parameters = raw.indexOf(';');
            String segment = (parameters >= 0 ? raw.substring(0, parameters) : raw).trim().toLowerCase(Locale.ROOT);
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (applyDotDot && segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        return segments;
    }

    private static boolean startsWithApiAdmin(Deque<String> segments) {
        return segments.size() >= 2 && segments.pollFirst().equals("api") && segments.pollFirst().equals("admin");
    }

    private static String decode(String path) {
        try {
            return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return path;
        }
    }

    /**
     * The JSON parser's own limits, a second line behind the body limits: no document longer than the largest body
     * limit of a JSON route, no nesting deeper than {@value #JSON_MAX_NESTING_DEPTH}, no number longer than
     * {@value #JSON_MAX_NUMBER_LENGTH} digits.
     */
    public StreamReadConstraints jsonConstraints() {
        long longest = Math.max(maxGuestBodyBytes, maxAdminJsonBytes);
        return StreamReadConstraints.builder()
                .maxDocumentLength(longest)
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, longest))
                .maxNestingDepth(JSON_MAX_NESTING_DEPTH)
                .maxNumberLength(JSON_MAX_NUMBER_LENGTH)
                .build();
    }
}
