package com.picpeak.api;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RenderedPagesTest {

    @Test
    void aPageOfOneTag_isRenderedOnce() {
        RenderedPages pages = new RenderedPages(1000);
        AtomicInteger renders = new AtomicInteger();

        byte[] first = pages.get("party|\"l3-ab\"", () -> bytes(100, renders));
        byte[] again = pages.get("party|\"l3-ab\"", () -> bytes(100, renders));
        byte[] otherTag = pages.get("party|\"l4-ab\"", () -> bytes(100, renders));

        assertThat(again).isSameAs(first);
        assertThat(otherTag).isNotSameAs(first);
        assertThat(renders).hasValue(2);
    }

    @Test
    void pagesBeyondTheByteBound_dropTheLeastRecentlyUsed() {
        RenderedPages pages = new RenderedPages(250);
        AtomicInteger renders = new AtomicInteger();
        pages.get("a", () -> bytes(100, renders));
        pages.get("b", () -> bytes(100, renders));
        pages.get("a", () -> bytes(100, renders));        // a is now the most recently used

        pages.get("c", () -> bytes(100, renders));        // 300 bytes: b goes
        pages.get("a", () -> bytes(100, renders));
        pages.get("c", () -> bytes(100, renders));
        assertThat(renders).hasValue(3);
        pages.get("b", () -> bytes(100, renders));
        assertThat(renders).hasValue(4);

        pages.get("huge", () -> bytes(300, renders));     // larger than the bound: answered, not kept
        pages.get("huge", () -> bytes(300, renders));
        assertThat(renders).hasValue(6);
    }

    private static byte[] bytes(int length, AtomicInteger renders) {
        renders.incrementAndGet();
        return new byte[length];
    }
}
