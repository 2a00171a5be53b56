package com.picpeak.catalog;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Cursor paging of the catalog's listings: a page from a query fetched with one item more than asked, its cursor
 * (opaque to clients: URL-safe base64 of the last sort value), and a lazy stream over all pages.
 */
final class Pages {

    private Pages() {
    }

    /** Pages were fetched with limit + 1 items: the extra one only tells that there is a next page. */
    static <T> Page<T> page(List<T> items, int limit, Function<T, String> cursorOf) {
        if (items.size() <= limit) {
            return new Page<>(items, null);
        }
        List<T> pageItems = items.subList(0, limit);
        return new Page<>(pageItems, encodeCursor(cursorOf.apply(pageItems.get(limit - 1))));
    }

    static String encodeCursor(String value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws PicPeakException INVALID_REQUEST for a cursor this server did not issue */
    static String decodeCursor(String cursor) {
        try {
            String value = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (value.isEmpty() || value.length() > 200) {
                throw new IllegalArgumentException();
            }
            return value;
        } catch (IllegalArgumentException e) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "cursor '" + cursor
                    + "' is not one this server issued: start again without a cursor");
        }
    }

    /** Turns a cursor-paged listing into a lazy stream: the next page is fetched when the last one is used up. */
    static <T> Stream<T> stream(Function<String, Page<T>> fetch) {
        Iterator<T> items = new Iterator<>() {
            private Page<T> page = fetch.apply(null);
            private int index;

            @Override
            public boolean hasNext() {
                while (index >= page.items().size() && page.nextCursor() != null) {
                    page = fetch.apply(page.nextCursor());
                    index = 0;
                }
                return index < page.items().size();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.items().get(index++);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED), false);
    }
}
