package com.picpeak.media;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EighthScaleJpegDecoderTest {

    @Test
    void colourJpeg_decodesToTheMeanOfEach8x8BlockOfTheFullDecode() throws IOException {
        // GIVEN a photo-like baseline JPEG (4:2:0, the JDK writer's default)
        byte[] jpeg = jpeg(photoLike(1203, 805, 3, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);

        // WHEN it is decoded at 1/8
        BufferedImage eighth = EighthScaleJpegDecoder.decode(buffered(jpeg), 1 << 20);

        // THEN it is ceil(size / 8), and each pixel is the 8x8 block's mean of the JDK's full decode
        assertThat(eighth.getWidth()).isEqualTo(151);
        assertThat(eighth.getHeight()).isEqualTo(101);
        assertThat(meanDifferenceToBlockMeans(eighth, ImageIO.read(new ByteArrayInputStream(jpeg)))).isLessThan(2.0);
    }

    @Test
    void greyJpeg_decodesToGreyBlockMeans() throws IOException {
        byte[] jpeg = jpeg(photoLike(640, 480, 4, BufferedImage.TYPE_BYTE_GRAY), 0.9f, false);

        BufferedImage eighth = EighthScaleJpegDecoder.decode(buffered(jpeg), 1 << 20);

        assertThat(eighth.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(eighth.getWidth()).isEqualTo(80);
        assertThat(meanDifferenceToBlockMeans(eighth, ImageIO.read(new ByteArrayInputStream(jpeg)))).isLessThan(2.0);
    }

    @Test
    void progressiveJpeg_isLeftToTheGeneralDecoder_withTheStreamAtItsStart() throws IOException {
        byte[] jpeg = jpeg(photoLike(640, 480, 5, BufferedImage.TYPE_3BYTE_BGR), 0.9f, true);
        BufferedInputStream in = buffered(jpeg);

        assertThat(EighthScaleJpegDecoder.decode(in, 1 << 20)).isNull();
        assertThat(in.readAllBytes()).isEqualTo(jpeg);
    }

    @Test
    void jpegWithAnIccProfile_isLeftToTheGeneralDecoder() throws IOException {
        byte[] plain = jpeg(photoLike(640, 480, 6, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);
        byte[] withProfile = TestImages.withIccProfile(plain, new byte[128]);
        BufferedInputStream in = buffered(withProfile);

        assertThat(EighthScaleJpegDecoder.decode(in, 1 << 20)).isNull();
        assertThat(in.readAllBytes()).isEqualTo(withProfile);
    }

    @Test
    void jpegCutShort_endsWithEof() {
        byte[] jpeg = jpeg(photoLike(800, 600, 7, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);

        assertThatThrownBy(() -> EighthScaleJpegDecoder.decode(buffered(Arrays.copyOf(jpeg, jpeg.length / 2)), 1 << 20))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> EighthScaleJpegDecoder.decode(buffered(Arrays.copyOf(jpeg, jpeg.length - 2)), 1 << 20))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void largeJpegCutShort_isATruncatedImageForTheThumbnail() {
        byte[] jpeg = jpeg(photoLike(2400, 2400, 8, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);
        ImageHeader header = new ImageProbe().probe(jpeg, jpeg.length);
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 95 / 100);

        assertThat(ImageScaler.eighthCovers(header, new java.awt.Rectangle(0, 0, 2400, 2400), 300, 300)).isTrue();
        assertThatThrownBy(() -> new ImageScaler().cover(new ByteArrayInputStream(cut), header, 300, 300,
                new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TRUNCATED_IMAGE));
    }

    @Test
    void motionPhotoBytesAfterTheEndMarker_endTheDecodeWithoutComplaint() throws IOException {
        byte[] jpeg = jpeg(photoLike(800, 600, 9, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);
        byte[] video = new byte[100_000];
        new SplittableRandom(1).nextBytes(video);
        BufferedInputStream in = buffered(TestImages.concat(jpeg, video));

        BufferedImage eighth = EighthScaleJpegDecoder.decode(in, 1 << 20);

        assertThat(eighth.getWidth()).isEqualTo(100);
        assertThat(meanDifferenceToBlockMeans(eighth, ImageIO.read(new ByteArrayInputStream(jpeg)))).isLessThan(2.0);
    }

    @Test
    void aFrameOfAnotherSizeThanTheProbeRead_isLeftToTheGeneralDecoder() throws IOException {
        byte[] jpeg = jpeg(photoLike(640, 480, 10, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);
        BufferedInputStream in = buffered(jpeg);

        assertThat(EighthScaleJpegDecoder.decode(in, 1 << 20, 6400, 4800)).isNull();
        assertThat(in.readAllBytes()).isEqualTo(jpeg);
        assertThat(EighthScaleJpegDecoder.decode(buffered(jpeg), 1 << 20, 640, 480).getWidth()).isEqualTo(80);
    }

    @Test
    void aStrayByteWhereAMarkerBelongs_isLeftToTheGeneralDecoder_whichSkipsIt() throws IOException {
        // libjpeg skips bytes that are not a marker between segments; a parser that took them for a marker would
        // read another frame than the probe did (a crafted file could declare any size that way)
        byte[] jpeg = jpeg(photoLike(640, 480, 11, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);
        int afterApp0 = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        byte[] stray = TestImages.concat(Arrays.copyOf(jpeg, afterApp0), new byte[] {0x42},
                Arrays.copyOfRange(jpeg, afterApp0, jpeg.length));
        BufferedInputStream in = buffered(stray);

        assertThat(EighthScaleJpegDecoder.decode(in, 1 << 20, 640, 480)).isNull();
        assertThat(in.readAllBytes()).isEqualTo(stray);
        assertThat(ImageIO.read(new ByteArrayInputStream(stray)).getWidth()).isEqualTo(640);
    }

    @Test
    void damagedImageData_isDecodedAsLibjpegDecodesIt_notRefused() throws IOException {
        byte[] jpeg = jpeg(photoLike(1200, 800, 12, BufferedImage.TYPE_3BYTE_BGR), 0.9f, false);
        int scan = 2;
        while (!((jpeg[scan] & 0xFF) == 0xFF && (jpeg[scan + 1] & 0xFF) == 0xDA)) {
            scan++;
        }
        byte[] damaged = jpeg.clone();
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 40; i++) { // bytes of the image data overwritten, never with a marker's 0xFF
            damaged[scan + 100 + random.nextInt(jpeg.length - scan - 200)] = (byte) random.nextInt(0xFF);
        }
        BufferedImage reference = ImageIO.read(new ByteArrayInputStream(damaged));

        BufferedImage eighth = EighthScaleJpegDecoder.decode(buffered(damaged), 1 << 20, 1200, 800);

        assertThat(reference).as("the JDK's libjpeg decodes it, with warnings").isNotNull();
        assertThat(eighth.getWidth()).isEqualTo(150);
        assertThat(eighth.getHeight()).isEqualTo(100);
    }

    private static BufferedInputStream buffered(byte[] bytes) {
        return new BufferedInputStream(new ByteArrayInputStream(bytes), 8192);
    }

    /** Mean over all channels of |eighth - the mean of the matching 8x8 block of full| (whole blocks only). */
    static double meanDifferenceToBlockMeans(BufferedImage eighth, BufferedImage full) {
        double sum = 0;
        long count = 0;
        for (int y = 0; y < full.getHeight() / 8; y++) {
            for (int x = 0; x < full.getWidth() / 8; x++) {
                int[] block = new int[3];
                for (int dy = 0; dy < 8; dy++) {
                    for (int dx = 0; dx < 8; dx++) {
                        int p = full.getRGB(x * 8 + dx, y * 8 + dy);
                        block[0] += (p >> 16) & 0xFF;
                        block[1] += (p >> 8) & 0xFF;
                        block[2] += p & 0xFF;
                    }
                }
                int q = eighth.getRGB(x, y);
                int[] ours = {(q >> 16) & 0xFF, (q >> 8) & 0xFF, q & 0xFF};
                for (int c = 0; c < 3; c++) {
                    sum += Math.abs(block[c] / 64.0 - ours[c]);
                    count++;
                }
            }
        }
        return sum / count;
    }

    /** A gradient with a disc and grain: compresses like a camera file. */
    static BufferedImage photoLike(int width, int height, long seed, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(30, 90, 160), width, height, new Color(240, 190, 60)));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(200, 40, 40));
        g.fillOval(width / 4, height / 4, width / 3, height / 3);
        g.dispose();
        SplittableRandom random = new SplittableRandom(seed);
        var raster = image.getRaster();
        int[] pixel = new int[raster.getNumBands()];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.getPixel(x, y, pixel);
                for (int b = 0; b < pixel.length; b++) {
                    pixel[b] = Math.max(0, Math.min(255, pixel[b] + random.nextInt(-12, 13)));
                }
                raster.setPixel(x, y, pixel);
            }
        }
        return image;
    }

    static byte[] jpeg(BufferedImage image, float quality, boolean progressive) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            param.setProgressiveMode(progressive ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
