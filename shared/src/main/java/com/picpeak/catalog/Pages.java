package com.picpeak.catalog;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Turns a cursor-paged listing into a lazy stream: the next page is fetched when the last one is used up. */
final class Pages {

    private Pages() {
    }

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
