package com.picpeak.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.app.AdminToken;
import com.picpeak.app.AppConfig;
import com.picpeak.app.RequestLimits;
import com.picpeak.app.SlowClients;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The first thing every request meets, before Spring (or the container) reads a byte of its body:
 * <ol>
 *   <li>admin routes need {@code Authorization: Bearer <ADMIN_TOKEN>} (compared in constant time), else 401;
 *       the storage notification hook ({@code /api/hooks/*}) its own {@code PICPEAK_STORAGE_EVENTS_TOKEN}, else 401
 *       (404 when none is set);</li>
 *   <li>{@code /assets/*} with a {@code v} other than this build's assets version is 404;</li>
 *   <li>multipart bodies are taken on admin routes only, else 415;</li>
 *   <li>a body that declares more than its route's limit ({@link RequestLimits}) is 413 at once; one of unknown size
 *       is read through a counter that ends the request with 413 as soon as it crosses the limit, and with 408 as
 *       soon as it falls below the minimum rate ({@link SlowClients#checkRate}).</li>
 * </ol>
 * Multipart parts are parsed by the container itself, past this counter: their limits are the multipart
 * configuration's (see {@link ApiConfiguration}). A refusal before the body is read closes the connection, so the
 * rest of the body is never read (Tomcat drains at most {@code maxSwallowSize} of it first).
 */
final class RequestGate implements Filter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdminToken adminToken;
    private final RequestLimits limits;
    /** {@code PICPEAK_STORAGE_EVENTS_TOKEN}: the bearer token of the storage notification hook; empty: no hook. */
    private final Optional<String> storageEventsToken;

    RequestGate(AdminToken adminToken, RequestLimits limits) {
        this(adminToken, limits, Optional.empty());
    }

    RequestGate(AdminToken adminToken, RequestLimits limits, Optional<String> storageEventsToken) {
        this.adminToken = adminToken;
        this.limits = limits;
        this.storageEventsToken = storageEventsToken;
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        HttpServletResponse response = (HttpServletResponse) servletResponse;
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String contentType = request.getContentType();
        long declared = request.getContentLengthLong();
        try {
            if (RequestLimits.isAdminPath(path)) {
                checkAdminToken(request.getHeader("Authorization"));
            }
            if (RequestLimits.isStorageHookPath(path)) {
                checkStorageEventsToken(request.getHeader("Authorization"));
            }
            if (path.startsWith("/assets/")) {
                checkAssetsVersion(request.getQueryString());
            }
            if (RequestLimits.isMultipart(contentType) && !RequestLimits.multipartAllowed(path)) {
                throw new PicPeakException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "only the admin upload route takes "
                        + "multipart bodies: send this route JSON");
            }
            RequestLimits.Limit limit = limits.forRequest(path, contentType);
            if (declared > limit.bytes()) {
                throw limit.refusal(declared);
            }
            chain.doFilter(new Counted(request, limit), response);
        } catch (PicPeakException refused) {
            refuse(request, response, refused);
        }
    }

    /**
     * The CDN keeps {@code /assets/*} a year by {@code ?v=}: only the current build's version is answered (another
     * one would keep this build's bytes under an old or made-up version for a year), else 404, kept by no one.
     */
    private static void checkAssetsVersion(String query) {
        if (query == null) {
            return; // unversioned: one URL, as before
        }
        // read from the raw query, not the parameters (which may read a form body before its limit is checked)
        List<String> versions = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.equals("v") || pair.startsWith("v=")) {
                versions.add(pair.length() > 2 ? pair.substring(2) : "");
            }
        }
        if (!versions.isEmpty() && (versions.size() != 1 || !versions.get(0).equals(HtmlPages.ASSETS_VERSION))) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "not this build's assets: the pages link /assets/<name>?v="
                    + HtmlPages.ASSETS_VERSION);
        }
    }

    /** The hook exists only with its token (404 without: nothing to find); a wrong or missing token is 401. */
    private void checkStorageEventsToken(String header) {
        if (storageEventsToken.isEmpty()) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "no storage notification hook here: set "
                    + AppConfig.STORAGE_EVENTS_TOKEN + " to take a store's notifications");
        }
        String sent = header == null ? null : AdminAccess.bearer(header);
        if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                storageEventsToken.get().getBytes(StandardCharsets.UTF_8))) {
            throw new PicPeakException(ErrorCode.UNAUTHORIZED, header == null
                    ? "storage notifications need the header 'Authorization: Bearer <" + AppConfig.STORAGE_EVENTS_TOKEN + ">'"
                    : "the storage notification token is wrong");
        }
    }

    private void checkAdminToken(String header) {
        if (header == null || !adminToken.matches(AdminAccess.bearer(header))) {
            throw new PicPeakException(ErrorCode.UNAUTHORIZED, header == null
                    ? "admin routes need the header 'Authorization: Bearer <ADMIN_TOKEN>'"
                    : "the admin token is wrong");
        }
    }

    /** The API's JSON error, sent now; with a body still unread the connection is closed after it. */
    private static void refuse(HttpServletRequest request, HttpServletResponse response, PicPeakException refused)
            throws IOException {
        if (response.isCommitted()) { // crossed while an answer was already going out: it stays cut short
            throw refused;
        }
        byte[] json = JSON.writeValueAsBytes(ApiErrors.body(refused.errorCode(), refused.getMessage()));
        response.setStatus(refused.errorCode().httpStatus());
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        if (refused.errorCode().httpStatus() == 503) { // "not now": the admin token's secret unreadable
            response.setHeader("Retry-After", Long.toString(ApiErrors.retryAfterSeconds(refused.errorCode())));
        }
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            response.setHeader("Connection", "close");
        }
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
        response.flushBuffer();
    }

    /** The request with its body read through a counter that refuses the byte past the limit. */
    private static final class Counted extends HttpServletRequestWrapper {
        private final RequestLimits.Limit limit;
        private ServletInputStream counted;

        Counted(HttpServletRequest request, RequestLimits.Limit limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (counted == null) {
                counted = new CountingInputStream(super.getInputStream(), limit);
            }
            return counted;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class CountingInputStream extends ServletInputStream {
        private final ServletInputStream in;
        private final RequestLimits.Limit limit;
        private final long started = System.nanoTime();
        private long count;

        CountingInputStream(ServletInputStream in, RequestLimits.Limit limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            // never ask for more than one byte past the limit: the refusal comes before the rest is read
            int n = in.read(buffer, offset, (int) Math.max(1, Math.min(length, limit.bytes() - count + 1)));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            count += n;
            if (count > limit.bytes()) {
                throw limit.refusal(-1);
            }
            SlowClients.checkRate(count, Duration.ofNanos(System.nanoTime() - started)); // a trickle is refused, 408
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
