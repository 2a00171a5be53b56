package com.picpeak.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.util.Collections;
import java.util.function.Supplier;

/**
 * Revalidation: {@link #notModified} reads {@code If-None-Match} for every answer with an entity tag. Cacheable JSON
 * carries its entity tag and {@code Cache-Control: private, no-cache} (the
 * browser keeps it, and asks again with {@code If-None-Match} each time); a matching tag is answered 304 without a
 * body.
 */
final class ConditionalGet {
    static final CacheControl REVALIDATE = CacheControl.noCache().cachePrivate();

    private ConditionalGet() {
    }

    /** The quoted entity tag of an opaque tag value. */
    static String quoted(String tag) {
        return "\"" + tag + "\"";
    }

    /**
     * Whether the request's {@code If-None-Match} names this (quoted) tag, weakly compared, or is {@code *}: the one
     * reading of that header (JSON here, and the bytes of {@link BlobResponder} and Download All), every such header
     * of the request and every tag in each.
     */
    static boolean notModified(HttpServletRequest request, String quotedTag) {
        for (String header : Collections.list(request.getHeaders(HttpHeaders.IF_NONE_MATCH))) {
            for (String candidate : header.split(",")) {
                String tag = candidate.trim();
                if (tag.startsWith("W/")) {
                    tag = tag.substring(2);
                }
                if (tag.equals("*") || tag.equals(quotedTag)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** 304 with the tag, or 200 with the tag and the body. */
    static <T> ResponseEntity<T> answer(HttpServletRequest request, String quotedTag, Supplier<T> body) {
        if (notModified(request, quotedTag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(quotedTag).cacheControl(REVALIDATE).build();
        }
        return ResponseEntity.ok().eTag(quotedTag).cacheControl(REVALIDATE).body(body.get());
    }

    /** As {@link #answer}, for a body that is JSON written already. */
    static ResponseEntity<byte[]> answerJson(HttpServletRequest request, String quotedTag, Supplier<byte[]> json) {
        if (notModified(request, quotedTag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(quotedTag).cacheControl(REVALIDATE).build();
        }
        return ResponseEntity.ok().eTag(quotedTag).cacheControl(REVALIDATE).contentType(MediaType.APPLICATION_JSON)
                .body(json.get());
    }
}
