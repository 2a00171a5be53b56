package com.picpeak.media;

import com.picpeak.testing.TestData;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowedImageInputStreamTest {

    @Test
    void bytesFurtherBackThanTheWindow_areForgotten_whileRecentOnesCanBeReread() throws Exception {
        try (WindowedImageInputStream in = new WindowedImageInputStream(TestData.stream(8_000_000, 5), 65_536)) {
            byte[] chunk = new byte[100_000];
            for (int i = 0; i < 80; i++) {
                in.readFully(chunk);
            }

            assertThat(in.getStreamPosition()).isEqualTo(8_000_000);
            assertThat(in.getFlushedPosition()).isEqualTo(8_000_000 - 65_536);
            in.seek(8_000_000 - 1000);
            int reread = in.read();
            assertThat(reread).isEqualTo(chunk[chunk.length - 1000] & 0xFF);
            assertThatThrownBy(() -> in.seek(1000)).isInstanceOf(IndexOutOfBoundsException.class);
            in.seek(8_000_000);
            assertThat(in.read()).isEqualTo(-1);
        }
    }
}
