package com.picpeak.media;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Our 300 px thumbnail looks like libvips' ({@code vipsthumbnail -s 300x300 -m centre}, Debian libvips-tools, which
 * .ci/test installs): both downscaled to 50x50 by area averaging differ by less than a few levels on average. Skipped
 * (a JUnit assumption) where vipsthumbnail is not installed.
 */
class ThumbnailAgainstVipsthumbnailTest {
    private static final int SIDE = 300;
    private static final int COMPARED = 50;

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({
            "3600, 2400",   // decoded at 1/8 (DC coefficients)
            "2400, 3600",   // portrait, decoded at 1/8
            "1200, 800",    // too small for 1/8: the general decoder
    })
    void thumbnail_looksLikeVipsthumbnails(int width, int height, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        assumeTrue(onPath("vipsthumbnail"), "vipsthumbnail (Debian libvips-tools) is not installed");
        // GIVEN a photo-like JPEG
        byte[] jpeg = EighthScaleJpegDecoderTest.jpeg(EighthScaleJpegDecoderTest.photoLike(width, height, 21,
                BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);
        Path original = dir.resolve("photo.jpg");
        Files.write(original, jpeg);

        // WHEN we and vipsthumbnail make its 300 px cover thumbnail
        ImageHeader header = new ImageProbe().probe(jpeg, jpeg.length);
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(original)) {
            new ImageScaler().cover(in, header, SIDE, SIDE, ours);
        }
        Process vips = new ProcessBuilder("vipsthumbnail", "-s", SIDE + "x" + SIDE, "-m", "centre",
                "-o", dir.resolve("%s-vips.jpg[Q=85]").toString(), original.toString())
                .redirectErrorStream(true).start();
        assertThat(vips.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(vips.exitValue()).isZero();

        // THEN the two look alike
        BufferedImage mine = ImageIO.read(new java.io.ByteArrayInputStream(ours.toByteArray()));
        BufferedImage theirs = ImageIO.read(dir.resolve("photo-vips.jpg").toFile());
        assertThat(mine.getWidth()).isEqualTo(SIDE);
        assertThat(theirs.getWidth()).isEqualTo(SIDE);
        assertThat(theirs.getHeight()).isEqualTo(SIDE);
        double difference = meanAbsoluteDifference(areaAverage(mine), areaAverage(theirs));
        assertThat(difference).as("mean absolute difference of the 50x50 area averages (0..255)").isLessThan(4.0);
    }

    /** The image averaged down to 50x50 (6x6 blocks of a 300x300 image). */
    private static int[][] areaAverage(BufferedImage image) {
        int block = image.getWidth() / COMPARED;
        int[][] averaged = new int[COMPARED * COMPARED][3];
        for (int y = 0; y < COMPARED; y++) {
            for (int x = 0; x < COMPARED; x++) {
                int[] sum = new int[3];
                for (int dy = 0; dy < block; dy++) {
                    for (int dx = 0; dx < block; dx++) {
                        int p = image.getRGB(x * block + dx, y * block + dy);
                        sum[0] += (p >> 16) & 0xFF;
                        sum[1] += (p >> 8) & 0xFF;
                        sum[2] += p & 0xFF;
                    }
                }
                for (int c = 0; c < 3; c++) {
                    averaged[y * COMPARED + x][c] = Math.round(sum[c] / (float) (block * block));
                }
            }
        }
        return averaged;
    }

    private static double meanAbsoluteDifference(int[][] a, int[][] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int c = 0; c < 3; c++) {
                sum += Math.abs(a[i][c] - b[i][c]);
            }
        }
        return sum / (a.length * 3.0);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
