package com.picpeak.media;

import com.picpeak.testing.TestImages;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import javax.imageio.IIOException;

import static com.picpeak.testing.TestImages.BLUE;
import static com.picpeak.testing.TestImages.GREEN;
import static com.picpeak.testing.TestImages.RED;
import static com.picpeak.testing.TestImages.YELLOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageScalerTest {
    private static final Color WHITE = Color.WHITE;
    private static final Map<Character, Color> COLOURS = Map.of('R', RED, 'G', GREEN, 'B', BLUE, 'Y', YELLOW);

    private final ImageProbe probe = new ImageProbe(ImageProbe.DEFAULT_MAX_PIXELS);
    private final ImageScaler scaler = new ImageScaler();

    @Test
    void landscapeIntoSquare_scalesToTheHeightAndCropsTheCentre() {
        // 600x300 in thirds: scaled to 200x100, the centre 100 columns are source x 150..450.
        byte[] jpeg = TestImages.jpeg(TestImages.bands(600, 300, RED, GREEN, BLUE));

        BufferedImage thumb = cover(jpeg, 100, 100);

        assertThat(thumb.getWidth()).isEqualTo(100);
        assertThat(thumb.getHeight()).isEqualTo(100);
        assertColour(thumb, 8, 50, RED);      // source x ~175
        assertColour(thumb, 50, 50, GREEN);   // source x 300
        assertColour(thumb, 92, 50, BLUE);    // source x ~425
    }

    @Test
    void portraitIntoLandscapeHero_scalesToTheWidthAndCropsTopAndBottom() {
        // 300x900 (top third red, middle green, bottom blue) into 192x108: scaled to 192x576, rows 234..342 kept.
        BufferedImage source = new BufferedImage(300, 900, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = source.createGraphics();
        g.setColor(RED);
        g.fillRect(0, 0, 300, 300);
        g.setColor(GREEN);
        g.fillRect(0, 300, 300, 300);
        g.setColor(BLUE);
        g.fillRect(0, 600, 300, 300);
        g.dispose();

        BufferedImage hero = cover(TestImages.png(source), 192, 108);

        assertThat(hero.getWidth()).isEqualTo(192);
        assertThat(hero.getHeight()).isEqualTo(108);
        assertColour(hero, 10, 10, GREEN);
        assertColour(hero, 181, 97, GREEN);
    }

    @Test
    void smallSource_isScaledUpToCoverTheTarget() {
        byte[] png = TestImages.png(TestImages.quadrants(40, 20, RED, GREEN, BLUE, YELLOW));

        BufferedImage thumb = cover(png, 300, 300);

        assertThat(thumb.getWidth()).isEqualTo(300);
        assertThat(thumb.getHeight()).isEqualTo(300);
        assertColour(thumb, 60, 60, RED);
        assertColour(thumb, 240, 60, GREEN);
        assertColour(thumb, 60, 240, BLUE);
        assertColour(thumb, 240, 240, YELLOW);
    }

    @Test
    void output_isABaselineJpegAtQuality85_withoutExif() {
        byte[] original = TestImages.withExif(TestImages.jpeg(TestImages.quadrants(400, 200, RED, GREEN, BLUE, YELLOW)),
                6, "2024:06:01 14:30:05");
        ImageHeader header = probe.probe(original, original.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        scaler.cover(new ByteArrayInputStream(original), header, 120, 80, out);

        byte[] jpeg = out.toByteArray();
        assertThat(ImageProbe.detectType(jpeg, jpeg.length)).isEqualTo(ImageType.JPEG);
        assertThat(markers(jpeg)).contains(0xC0).doesNotContain(0xC2, 0xE1);  // baseline SOF0; no progressive; no EXIF
        // The luminance DC quantiser is 16 in the standard table; quality 85 scales it by 30%: (16*30+50)/100 = 5.
        assertThat(firstLuminanceQuantiser(jpeg)).isEqualTo(5);
        ImageHeader written = probe.probe(jpeg, jpeg.length);
        assertThat(written.width()).isEqualTo(120);
        assertThat(written.height()).isEqualTo(80);
        assertThat(written.exifOrientation()).isEqualTo(1);
    }

    /**
     * A 400x200 source with quadrants R G / B Y, stored with each EXIF orientation, must show these
     * quadrants (top-left, top-right, bottom-left, bottom-right) once oriented. For 6 (rotate 90
     * clockwise) the left half, red over blue, ends up on top: blue left, red right.
     */
    @ParameterizedTest(name = "orientation {0} shows {1}")
    @CsvSource({"1, RGBY", "2, GRYB", "3, YBGR", "4, BYRG", "5, RBGY", "6, BRYG", "7, YGBR", "8, GYRB"})
    void exifOrientation_isBakedIntoThePixels(int orientation, String expected) {
        byte[] original = TestImages.withExif(TestImages.jpeg(TestImages.quadrants(400, 200, RED, GREEN, BLUE, YELLOW)),
                orientation, null);
        ImageHeader header = probe.probe(original, original.length);
        int width = header.displayWidth() / 4;
        int height = header.displayHeight() / 4;

        BufferedImage thumb = cover(original, width, height);

        assertThat(thumb.getWidth()).isEqualTo(width);
        assertThat(thumb.getHeight()).isEqualTo(height);
        assertThat(thumb.getHeight() > thumb.getWidth()).isEqualTo(orientation >= 5);
        assertColour(thumb, width / 4, height / 4, COLOURS.get(expected.charAt(0)));
        assertColour(thumb, 3 * width / 4, height / 4, COLOURS.get(expected.charAt(1)));
        assertColour(thumb, width / 4, 3 * height / 4, COLOURS.get(expected.charAt(2)));
        assertColour(thumb, 3 * width / 4, 3 * height / 4, COLOURS.get(expected.charAt(3)));
    }

    @Test
    void orientation6_landscapeSourceIntoSquare_keepsTheMiddleOfThePortrait() {
        // Displayed 200x400 (blue|red over yellow|green) scaled to 100x200; the middle 100 rows straddle the seam.
        byte[] original = TestImages.withExif(TestImages.jpeg(TestImages.quadrants(400, 200, RED, GREEN, BLUE, YELLOW)),
                6, null);

        BufferedImage thumb = cover(original, 100, 100);

        assertColour(thumb, 25, 20, BLUE);
        assertColour(thumb, 75, 20, RED);
        assertColour(thumb, 25, 80, YELLOW);
        assertColour(thumb, 75, 80, GREEN);
    }

    @Test
    void transparentPng_getsAWhiteBackground() {
        BufferedImage source = new BufferedImage(200, 100, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = source.createGraphics();
        g.setColor(BLUE);
        g.fillRect(0, 0, 100, 100);                       // right half stays fully transparent
        g.dispose();

        BufferedImage thumb = cover(TestImages.png(source), 100, 50);

        assertColour(thumb, 20, 25, BLUE);
        assertColour(thumb, 80, 25, WHITE);
    }

    @Test
    void webp_isDecoded() {
        BufferedImage lossy = cover(TestImages.WEBP_1X1_LOSSY, 8, 8);
        BufferedImage lossless = cover(TestImages.WEBP_1X1_LOSSLESS, 8, 8);

        assertThat(lossy.getWidth()).isEqualTo(8);
        assertColour(lossy, 4, 4, new Color(0x82, 0x82, 0x82));
        assertColour(lossless, 4, 4, WHITE);               // transparent pixel over white
    }

    @Test
    void jpegCutInHalf_isTruncated() {
        byte[] jpeg = TestImages.jpeg(TestImages.noisyHalves(1200, 800, 7));
        ImageHeader header = probe.probe(jpeg, jpeg.length);
        byte[] half = Arrays.copyOf(jpeg, jpeg.length / 2);

        assertThatThrownBy(() -> scaler.cover(new ByteArrayInputStream(half), header, 300, 300,
                new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.TRUNCATED_IMAGE);
                    assertThat(e.getMessage()).startsWith("the JPEG data ends early").contains("upload the file again");
                });
    }

    @Test
    void jpegCutInTheRowsTheCropDiscards_isStillTruncated() {
        // 1200x1200 into a 300x100 hero: only rows ~400..800 survive the crop; cut the file at 95%.
        byte[] jpeg = TestImages.jpeg(TestImages.noisyHalves(1200, 1200, 11));
        ImageHeader header = probe.probe(jpeg, jpeg.length);
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 95 / 100);

        assertThatThrownBy(() -> scaler.cover(new ByteArrayInputStream(cut), header, 300, 100,
                new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TRUNCATED_IMAGE));
    }

    @Test
    void jpegMissingOnlyItsEndMarker_isTruncated() {
        byte[] jpeg = TestImages.jpeg(TestImages.noisyHalves(400, 400, 12));
        ImageHeader header = probe.probe(jpeg, jpeg.length);
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length - 2);

        assertThatThrownBy(() -> scaler.cover(new ByteArrayInputStream(cut), header, 100, 100,
                new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TRUNCATED_IMAGE));
    }

    @Test
    void pngCutInTheRowsTheCropDiscards_isStillTruncated() {
        byte[] png = TestImages.png(TestImages.noisyHalves(600, 600, 13));
        ImageHeader header = probe.probe(png, png.length);
        byte[] cut = Arrays.copyOf(png, png.length * 95 / 100);

        assertThatThrownBy(() -> scaler.cover(new ByteArrayInputStream(cut), header, 300, 100,
                new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TRUNCATED_IMAGE));
    }

    @Test
    void pngCutInHalf_isTruncated() {
        byte[] png = TestImages.png(TestImages.noisyHalves(600, 400, 8));
        ImageHeader header = probe.probe(png, png.length);
        byte[] half = Arrays.copyOf(png, png.length / 2);

        assertThatThrownBy(() -> scaler.cover(new ByteArrayInputStream(half), header, 300, 300,
                new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.TRUNCATED_IMAGE);
                    assertThat(e.getMessage()).startsWith("the PNG data ends early");
                });
    }

    @Test
    void jpegWithAVideoAppendedAfterEoi_likeAMotionPhoto_isAccepted() {
        byte[] jpeg = TestImages.jpeg(TestImages.noisyHalves(800, 400, 9));
        byte[] video = new byte[300_000];
        new SplittableRandom(3).nextBytes(video);
        System.arraycopy(TestImages.ftyp("mp42", "isom"), 0, video, 0, 20);
        byte[] motionPhoto = TestImages.concat(jpeg, video);
        ImageHeader header = probe.probe(motionPhoto, Math.min(motionPhoto.length, ImageProbe.HEADER_BYTES));

        BufferedImage thumb = cover(motionPhoto, 200, 100);

        assertThat(header.width()).isEqualTo(800);
        assertThat(thumb.getWidth()).isEqualTo(200);
        assertThat(thumb.getHeight()).isEqualTo(100);
        assertColour(thumb, 50, 50, new Color(0xEF, 0x0F, 0x0F));
        assertColour(thumb, 150, 50, new Color(0x0F, 0x0F, 0xEF));
    }

    @Test
    void pngWithScrambledImageData_isCorrupt() {
        byte[] png = TestImages.png(TestImages.noisyHalves(200, 100, 10));
        ImageHeader header = probe.probe(png, png.length);
        byte[] scrambled = png.clone();
        int idat = TestImages.indexOf(scrambled, "IDAT".getBytes(StandardCharsets.US_ASCII));
        for (int i = idat + 6; i < scrambled.length - 20; i++) {   // keep the zlib header, break the deflate data
            scrambled[i] = (byte) 0xFF;
        }

        assertThatThrownBy(() -> scaler.cover(new ByteArrayInputStream(scrambled), header, 50, 50,
                new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CORRUPT_IMAGE);
                    assertThat(e.getMessage()).startsWith("the PNG image cannot be decoded").contains("export it again");
                });
    }

    @Test
    void bytesThatAreNoImage_areCorrupt() {
        ImageHeader claimsJpeg = new ImageHeader(ImageType.JPEG, 100, 100, 1, Optional.empty());
        byte[] text = "this is not a JPEG at all".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> scaler.cover(new ByteArrayInputStream(text), claimsJpeg, 50, 50,
                new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CORRUPT_IMAGE);
                    assertThat(e.getMessage()).contains("no image reader recognises its data");
                });
    }

    @Test
    void decodeSubsampling_keepsTheDecodedRasterAtLeastTwiceTheTarget() {
        assertThat(ImageScaler.subsampling(12000, 8400, 300, 300)).isEqualTo(14);    // 858 x 600 decoded
        assertThat(ImageScaler.subsampling(12000, 8400, 1920, 1080)).isEqualTo(3);   // 4000 x 2800 decoded
        assertThat(ImageScaler.subsampling(8400, 12000, 1080, 1920)).isEqualTo(3);
        assertThat(ImageScaler.subsampling(500, 400, 300, 300)).isEqualTo(1);
    }

    @Test
    void onlyTheRegionThatSurvivesTheCrop_isDecoded() {
        assertThat(ImageScaler.coverRegion(12000, 8400, 300, 300)).isEqualTo(new Rectangle(1800, 0, 8400, 8400));
        assertThat(ImageScaler.coverRegion(12000, 8400, 1920, 1080)).isEqualTo(new Rectangle(0, 825, 12000, 6750));
        // A landscape original (stored) for a portrait target: a 4725-wide column.
        assertThat(ImageScaler.coverRegion(12000, 8400, 1080, 1920)).isEqualTo(new Rectangle(3637, 0, 4725, 8400));
        assertThat(ImageScaler.coverRegion(40, 20, 300, 300)).isEqualTo(new Rectangle(10, 0, 20, 20));
    }

    @Test
    void readerMessagesSayingTheDataRanOut_countAsTruncation_othersDoNot() {
        assertThat(ImageScaler.saysDataRanOut("Premature end of JPEG file")).isTrue();            // libjpeg
        assertThat(ImageScaler.saysDataRanOut("Truncated File - Missing EOI marker")).isTrue();   // TwelveMonkeys
        assertThat(ImageScaler.saysDataRanOut("Unexpected end of ZLIB input stream")).isTrue();   // PNG
        assertThat(ImageScaler.saysDataRanOut("Corrupt JPEG data: 12 extraneous bytes before marker 0xd9")).isFalse();
        assertThat(ImageScaler.saysDataRanOut(null)).isFalse();
        assertThat(ImageScaler.isTruncation(new IIOException("Error reading PNG image data",
                new EOFException()))).isTrue();
        assertThat(ImageScaler.isTruncation(new IIOException("Unsupported JPEG process"))).isFalse();
    }

    private BufferedImage cover(byte[] original, int width, int height) {
        ImageHeader header = probe.probe(original, Math.min(original.length, ImageProbe.HEADER_BYTES));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scaler.cover(new ByteArrayInputStream(original), header, width, height, out);
        try {
            return ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertColour(BufferedImage image, int x, int y, Color expected) {
        Color actual = new Color(image.getRGB(x, y));
        int distance = Math.max(Math.abs(actual.getRed() - expected.getRed()),
                Math.max(Math.abs(actual.getGreen() - expected.getGreen()), Math.abs(actual.getBlue() - expected.getBlue())));
        assertThat(distance).as("colour at (%d,%d) was %s, expected %s", x, y, actual, expected).isLessThanOrEqualTo(40);
    }

    /** The marker codes of the segments before the scan data. */
    private static List<Integer> markers(byte[] jpeg) {
        List<Integer> markers = new ArrayList<>();
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
            int marker = jpeg[i + 1] & 0xFF;
            markers.add(marker);
            if (marker == 0xDA) {
                break;
            }
            i += 2 + ((jpeg[i + 2] & 0xFF) << 8 | (jpeg[i + 3] & 0xFF));
        }
        return markers;
    }

    private static int firstLuminanceQuantiser(byte[] jpeg) {
        int dqt = TestImages.indexOf(jpeg, new byte[]{(byte) 0xFF, (byte) 0xDB});
        assertThat(jpeg[dqt + 4]).as("8-bit table 0").isEqualTo((byte) 0);
        return jpeg[dqt + 5] & 0xFF;
    }
}
