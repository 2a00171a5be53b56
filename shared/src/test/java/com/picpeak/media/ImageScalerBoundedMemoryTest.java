package com.picpeak.media;

import com.picpeak.testing.TestImages;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A 100 MP JPEG (stored landscape, EXIF orientation 6) becomes a thumbnail and a hero in a 256 MB heap. */
@Tag("processes")
class ImageScalerBoundedMemoryTest {
    private static final int WIDTH = 11_904;          // 99.99 MP: just inside the default limit
    private static final int HEIGHT = 8_400;

    @Test
    void hundredMegapixelJpeg_isThumbnailedIn256MBHeap(@TempDir Path dir) throws Exception {
        Path original = dir.resolve("big.jpg");
        Files.write(original, TestImages.withExif(hundredMegapixelJpeg(), 6, "2025:08:30 18:00:00"));

        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"),
                ScaleInSmallHeap.class.getName(), original.toString()))
                .redirectErrorStream(true).start();
        boolean finished = process.waitFor(2, TimeUnit.MINUTES);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }

        assertThat(finished).as("child finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("header 11904x8400 orientation 6", "maxHeap");
        // Stored left half red, right half blue; orientation 6 turns it so red is on top.
        Matcher m = Pattern.compile("\\| (\\d+)x(\\d+) top=(\\w+) bottom=(\\w+)").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        assertThat(m.group(1) + "x" + m.group(2)).isEqualTo("300x300");
        assertNear(m.group(3), Color.RED, output);
        assertNear(m.group(4), Color.BLUE, output);
        assertThat(m.find()).as(output).isTrue();
        assertThat(m.group(1) + "x" + m.group(2)).isEqualTo("1920x1080");
        assertNear(m.group(3), Color.RED, output);
        assertNear(m.group(4), Color.BLUE, output);
    }

    /** Left half red, right half blue, light noise so the file has a realistic size (tens of MB). */
    private static byte[] hundredMegapixelJpeg() throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        SplittableRandom random = new SplittableRandom(17);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        for (int y = 0; y < HEIGHT; y++) {
            int row = y * WIDTH * 3;
            for (int x = 0; x < WIDTH; x++) {
                int i = row + x * 3;
                int n = noise[(x * 31 + y * 17) & 4095] & 0x1F;
                boolean left = x < WIDTH / 2;
                bgr[i] = (byte) (left ? n : 0xE0 + n);          // blue
                bgr[i + 1] = (byte) n;                          // green
                bgr[i + 2] = (byte) (left ? 0xE0 + n : n);      // red
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024 * 1024);
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    private static void assertNear(String hex, Color expected, String output) {
        Color actual = new Color(Integer.parseInt(hex, 16));
        int distance = Math.max(Math.abs(actual.getRed() - expected.getRed()),
                Math.max(Math.abs(actual.getGreen() - expected.getGreen()), Math.abs(actual.getBlue() - expected.getBlue())));
        assertThat(distance).as("%s vs %s in %s", actual, expected, output).isLessThanOrEqualTo(60);
    }
}
