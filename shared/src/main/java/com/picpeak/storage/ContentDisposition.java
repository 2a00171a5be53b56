package com.picpeak.storage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code Content-Disposition: attachment} for any file name, ASCII fallback plus RFC 5987 UTF-8 form. Both offer
 * the name as {@link SafeNames#safe} makes it, the rule of the zip's entries: a single download is saved under the
 * name the same photo has in Download All (no {@code CON.jpg}, no right-to-left override).
 */
public final class ContentDisposition {

    private ContentDisposition() {
    }

    public static String attachment(String fileName) {
        String safe = SafeNames.safe(fileName);
        String ascii = safe.replaceAll("[^\\x20-\\x7e]", "_");
        String encoded = URLEncoder.encode(safe, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
