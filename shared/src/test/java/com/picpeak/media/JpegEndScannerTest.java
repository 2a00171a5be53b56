package com.picpeak.media;

import com.picpeak.testing.TestImages;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;

import static com.picpeak.testing.TestImages.BLUE;
import static com.picpeak.testing.TestImages.GREEN;
import static com.picpeak.testing.TestImages.RED;
import static com.picpeak.testing.TestImages.YELLOW;
import static org.assertj.core.api.Assertions.assertThat;

class JpegEndScannerTest {
    private final byte[] jpeg = TestImages.jpeg(TestImages.noisyHalves(200, 100, 4));

    @Test
    void completeJpeg_endsAtItsEoi_andBytesAfterItAreNotRead() throws IOException {
        ByteArrayInputStream source = new ByteArrayInputStream(TestImages.concat(jpeg, new byte[50_000]));
        JpegEndScanner scanner = new JpegEndScanner(source);

        assertThat(scanner.drainToEnd()).isTrue();
        assertThat(source.available()).as("unread appended bytes").isGreaterThan(50_000 - 8192);
    }

    @Test
    void anEoiInsideASegment_likeTheExifThumbnails_doesNotCount() throws IOException {
        byte[] thumbnail = TestImages.jpeg(TestImages.quadrants(16, 16, RED, GREEN, BLUE, YELLOW));
        byte[] app1 = TestImages.concat(new byte[]{(byte) 0xFF, (byte) 0xE1, (byte) ((thumbnail.length + 2) >> 8),
                (byte) (thumbnail.length + 2)}, thumbnail);
        byte[] withThumbnail = TestImages.concat(Arrays.copyOf(jpeg, 2), app1, Arrays.copyOfRange(jpeg, 2, jpeg.length));
        byte[] cut = Arrays.copyOf(withThumbnail, withThumbnail.length - 200);

        assertThat(new JpegEndScanner(new ByteArrayInputStream(withThumbnail)).drainToEnd()).isTrue();
        assertThat(new JpegEndScanner(new ByteArrayInputStream(cut)).drainToEnd()).isFalse();
    }

    @Test
    void byteAtATimeReads_seeTheSameStructure() throws IOException {
        JpegEndScanner whole = new JpegEndScanner(new ByteArrayInputStream(jpeg));
        while (!whole.sawEnd() && whole.read() >= 0) {
            // read one byte at a time
        }
        JpegEndScanner cut = new JpegEndScanner(new ByteArrayInputStream(Arrays.copyOf(jpeg, jpeg.length - 1)));
        while (cut.read() >= 0) {
            // read one byte at a time
        }

        assertThat(whole.sawEnd()).isTrue();
        assertThat(cut.sawEnd()).isFalse();
    }
}
