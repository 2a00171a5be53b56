package com.picpeak.gallery;

import com.picpeak.catalog.Page;
import com.picpeak.catalog.Photo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Listing pages kept in process memory, keyed by the event's revision (and the page's limit and cursor). A page of
 * one revision never changes: the revision changes with the photo set, so a new one simply misses, and nothing
 * needs invalidating (which a message only one instance saw could not do anyway). Bounded: the least recently used
 * page goes first, so memory is at most {@code maxPages} pages of at most {@link GalleryService#MAX_PAGE_SIZE}
 * photos.
 */
final class ListingPages {
    private record Key(String slug, long revision, int limit, String cursor) {
    }

    private final int maxPages;
    private final Map<Key, Page<Photo>> pages;

    ListingPages(int maxPages) {
        this.maxPages = maxPages;
        this.pages = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Page<Photo>> eldest) {
                return size() > ListingPages.this.maxPages;
            }
        };
    }

    /** The cached page, else {@code read}'s (read outside the lock: two first requests may both read it). */
    Page<Photo> get(String slug, long revision, int limit, String cursor, Supplier<Page<Photo>> read) {
        Key key = new Key(slug, revision, limit, cursor);
        synchronized (pages) {
            Page<Photo> cached = pages.get(key);
            if (cached != null) {
                return cached;
            }
        }
        Page<Photo> page = read.get();
        synchronized (pages) {
            pages.put(key, page);
        }
        return page;
    }
}
