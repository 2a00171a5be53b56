package com.picpeak.api;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.HtmlUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

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

    /** Every file under {@code /assets/}: their content hash versions the URLs the pages use. */
    static final List<String> ASSETS = List.of("picpeak.css", "format.js", "gallery.js", "admin.js");
    /**
     * The version of the assets: a hash of their bytes, the same on every instance of one build. Pages link
     * {@code /assets/<name>?v=<version>}, so a CDN may keep an asset by its URL for as long as it likes: a new build
     * with changed assets gives new URLs (that is also how to purge them).
     */
    static final String ASSETS_VERSION = assetsVersion();

    private HtmlPages() {
    }

    /** The URL of an asset, as the pages link it: versioned by {@link #ASSETS_VERSION}. */
    static String asset(String name) {
        return "/assets/" + name + "?v=" + ASSETS_VERSION;
    }

    private static String assetsVersion() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String name : ASSETS) {
                try (InputStream in = HtmlPages.class.getResourceAsStream("/assets/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("the asset " + name + " is missing from the classpath");
                    }
                    digest.update(name.getBytes(StandardCharsets.UTF_8));
                    digest.update(in.readAllBytes());
                }
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 6);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the assets", e);
        }
    }

    static ResponseEntity<String> page(int status, String title, String bodyClass, String script, String body) {
        String html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                + "<meta name=\"referrer\" content=\"same-origin\">"
                + "<title>" + escape(title) + "</title>"
                + "<link rel=\"stylesheet\" href=\"" + asset("picpeak.css") + "\">"
                + (script == null ? "" : "<script src=\"" + asset("format.js") + "\" defer></script>"
                        + "<script src=\"" + asset(script) + "\" defer></script>")
                + "</head><body class=\"" + bodyClass + "\">\n" + body + "\n</body></html>\n";
        return ResponseEntity.status(status).contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .header("Cache-Control", "no-store").header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff").body(html);
    }

    static String escape(String text) {
        return text == null ? "" : HtmlUtils.htmlEscape(text);
    }
}
