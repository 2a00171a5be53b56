package com.picpeak.api;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Listing pages as the JSON bytes answered, by their entity tag. The tag names everything the page says (the
 * event's revision, the page, its JSON shape, the offered sizes, the signing window and versions), so a page of
 * one tag never changes and nothing needs invalidating: every guest of the gallery gets the same bytes, written
 * once instead of building and serialising a hundred photos' maps (and signing their tier URLs) per request.
 * Bounded by bytes, the least recently used page goes first.
 */
final class RenderedPages {
    private final long maxBytes;
    private final Map<String, byte[]> pages = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    RenderedPages(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The page's bytes, else {@code render}'s (rendered outside the lock: two first requests may both render it). */
    byte[] get(String key, Supplier<byte[]> render) {
        synchronized (pages) {
            byte[] cached = pages.get(key);
            if (cached != null) {
                return cached;
            }
        }
        byte[] page = render.get();
        if (page.length > maxBytes) {
            return page;
        }
        synchronized (pages) {
            byte[] previous = pages.put(key, page);
            bytes += page.length - (previous == null ? 0 : previous.length);
            for (Iterator<byte[]> eldest = pages.values().iterator(); bytes > maxBytes && eldest.hasNext(); ) {
                bytes -= eldest.next().length;
                eldest.remove();
            }
        }
        return page;
    }
}
