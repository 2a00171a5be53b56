package com.picpeak.api;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.HtmlUtils;

import java.nio.charset.StandardCharsets;

/**
 * The frame of every HTML page: the guest gallery and the admin pages are plain HTML, CSS and a little
 * script served from the classpath under {@code /assets/} (no build step), their data from the JSON API. Each page's
 * script comes after {@code format.js}, the helpers both pages share (deferred scripts run in order).
 */
final class HtmlPages {
    /**
     * Scripts and styles only from this origin; images and uploads may also go to the S3 endpoint
     * (presigned URLs, direct uploads), which can be any host.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' blob: data: https: http:; "
            + "connect-src 'self' https: http:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private HtmlPages() {
    }

    static ResponseEntity<String> page(int status, String title, String bodyClass, String script, String body) {
        String html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                + "<meta name=\"referrer\" content=\"same-origin\">"
                + "<title>" + escape(title) + "</title>"
                + "<link rel=\"stylesheet\" href=\"/assets/picpeak.css\">"
                + (script == null ? "" : "<script src=\"/assets/format.js\" defer></script>"
                        + "<script src=\"/assets/" + script + "\" defer></script>")
                + "</head><body class=\"" + bodyClass + "\">\n" + body + "\n</body></html>\n";
        return ResponseEntity.status(status).contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .header("Cache-Control", "no-store").header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff").body(html);
    }

    static String escape(String text) {
        return text == null ? "" : HtmlUtils.htmlEscape(text);
    }
}
