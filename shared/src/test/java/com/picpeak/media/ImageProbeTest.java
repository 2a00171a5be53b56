package com.picpeak.media;

import com.picpeak.testing.TestImages;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static com.picpeak.testing.TestImages.BLUE;
import static com.picpeak.testing.TestImages.GREEN;
import static com.picpeak.testing.TestImages.RED;
import static com.picpeak.testing.TestImages.YELLOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageProbeTest {
    private final ImageProbe probe = new ImageProbe(ImageProbe.DEFAULT_MAX_PIXELS);

    @Test
    void jpeg_isProbedForTypeAndSize_withDefaultsWhenThereIsNoExif() {
        byte[] jpeg = TestImages.jpeg(TestImages.quadrants(640, 480, RED, GREEN, BLUE, YELLOW));

        ImageHeader header = probe.probe(jpeg, jpeg.length);

        assertThat(header).isEqualTo(new ImageHeader(ImageType.JPEG, 640, 480, 1, Optional.empty(),
                header.headerLength()));
        // the header reaches to the end of the first scan's SOS segment (12 bytes for three components)
        assertThat(jpeg[header.headerLength() - 14] & 0xFF).isEqualTo(0xFF);
        assertThat(jpeg[header.headerLength() - 13] & 0xFF).isEqualTo(0xDA);
        assertThat(header.pixels()).isEqualTo(640L * 480);
        assertThat(header.displayWidth()).isEqualTo(640);
        assertThat(header.displayHeight()).isEqualTo(480);
        assertThat(header.type().contentType()).isEqualTo("image/jpeg");
        assertThat(header.type().extension()).isEqualTo("jpg");
    }

    @Test
    void png_isProbedForTypeAndSize() {
        byte[] png = TestImages.png(TestImages.quadrants(300, 200, RED, GREEN, BLUE, YELLOW));

        ImageHeader header = probe.probe(png, png.length);

        assertThat(header.type()).isEqualTo(ImageType.PNG);
        assertThat(header.width()).isEqualTo(300);
        assertThat(header.height()).isEqualTo(200);
        assertThat(header.exifOrientation()).isEqualTo(1);
    }

    @Test
    void webp_lossyAndLossless_areProbedForTypeAndSize() {
        for (byte[] webp : new byte[][]{TestImages.WEBP_1X1_LOSSY, TestImages.WEBP_1X1_LOSSLESS}) {
            ImageHeader header = probe.probe(webp, webp.length);

            assertThat(header.type()).isEqualTo(ImageType.WEBP);
            assertThat(header.width()).isEqualTo(1);
            assertThat(header.height()).isEqualTo(1);
            assertThat(header.type().contentType()).isEqualTo("image/webp");
        }
    }

    @Test
    void onlyTheBytesUpToLength_areLookedAt() {
        byte[] jpeg = TestImages.jpeg(TestImages.noisyHalves(800, 600, 1));
        byte[] buffer = Arrays.copyOf(jpeg, ImageProbe.HEADER_BYTES);       // zero padding after the data

        ImageHeader header = probe.probe(buffer, 2048);

        assertThat(header.width()).isEqualTo(800);
        assertThat(header.height()).isEqualTo(600);
    }

    @Test
    void exifOrientationAndDateTimeOriginal_areRead_andOrientation6SwapsTheDisplaySize() {
        byte[] jpeg = TestImages.withExif(TestImages.jpeg(TestImages.quadrants(400, 200, RED, GREEN, BLUE, YELLOW)),
                6, "2024:06:01 14:30:05");

        ImageHeader header = probe.probe(jpeg, jpeg.length);

        assertThat(header.width()).isEqualTo(400);
        assertThat(header.height()).isEqualTo(200);
        assertThat(header.exifOrientation()).isEqualTo(6);
        assertThat(header.displayWidth()).isEqualTo(200);
        assertThat(header.displayHeight()).isEqualTo(400);
        assertThat(header.takenAt()).contains(Instant.parse("2024-06-01T14:30:05Z"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyOrientation_isReported_andOnly5To8SwapTheDisplaySize(int orientation) {
        byte[] jpeg = TestImages.withExif(TestImages.jpeg(TestImages.quadrants(40, 20, RED, GREEN, BLUE, YELLOW)),
                orientation, null);

        ImageHeader header = probe.probe(jpeg, jpeg.length);

        assertThat(header.exifOrientation()).isEqualTo(orientation);
        assertThat(header.takenAt()).isEmpty();
        assertThat(header.displayWidth()).isEqualTo(orientation >= 5 ? 20 : 40);
        assertThat(header.displayHeight()).isEqualTo(orientation >= 5 ? 40 : 20);
    }

    @Test
    void orientationOutside1To8_readsAs1() {
        byte[] jpeg = TestImages.withExif(TestImages.jpeg(TestImages.quadrants(40, 20, RED, GREEN, BLUE, YELLOW)),
                9, null);

        assertThat(probe.probe(jpeg, jpeg.length).exifOrientation()).isEqualTo(1);
    }

    @Test
    void pngDeclaring100000x100000_isRefusedFromTheHeaderAlone() {
        byte[] bomb = TestImages.pngHeaderOnly(100_000, 100_000);
        assertThat(bomb).hasSize(33);

        assertThatThrownBy(() -> probe.probe(bomb, bomb.length))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
                    assertThat(e.getMessage()).contains("100000 x 100000", "limit of 100000000 pixels");
                });
    }

    @Test
    void pixelLimit_isConfigurable_andTheLimitItselfIsAllowed() {
        byte[] jpeg = TestImages.jpeg(TestImages.quadrants(300, 200, RED, GREEN, BLUE, YELLOW));

        assertThat(new ImageProbe(60_000).probe(jpeg, jpeg.length).pixels()).isEqualTo(60_000);
        assertThatThrownBy(() -> new ImageProbe(59_999).probe(jpeg, jpeg.length))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
                    assertThat(e.getMessage()).contains("300 x 200", "59999");
                });
    }

    @Test
    void aJpegWhoseMetadataRunsPastTheFirstMiB_isProbedFromTheStream_onToItsImageData() throws IOException {
        byte[] jpeg = TestImages.withMetadata(TestImages.withExif(TestImages.jpeg(TestImages.quadrants(400, 200, RED, GREEN,
                BLUE, YELLOW)), 6, "2026:06:20 14:30:00"), 3 * 1024 * 1024);

        ImageHeader header = probe.probe(new ByteArrayInputStream(jpeg));

        assertThat(header.width()).isEqualTo(400);
        assertThat(header.height()).isEqualTo(200);
        assertThat(header.exifOrientation()).isEqualTo(6); // its EXIF comes after the 3 MiB
        assertThat(header.takenAt()).contains(Instant.parse("2026-06-20T14:30:00Z"));
        assertThat(header.headerLength()).isGreaterThan(3 * 1024 * 1024).isLessThan(jpeg.length);
        assertThatThrownBy(() -> probe.probe(jpeg, ImageProbe.HEADER_BYTES)) // the first MiB alone is not enough
                .isInstanceOfSatisfying(PicPeakException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CORRUPT_IMAGE));
    }

    @Test
    void aJpegWithMoreMetadataThanTheLimit_is422_namingTheSetting() {
        byte[] jpeg = TestImages.withMetadata(TestImages.jpeg(TestImages.quadrants(400, 200, RED, GREEN, BLUE, YELLOW)),
                3 * 1024 * 1024);

        assertThatThrownBy(() -> new ImageProbe(ImageProbe.DEFAULT_MAX_PIXELS, 2 * 1024 * 1024)
                .probe(new ByteArrayInputStream(jpeg)))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
                    assertThat(e.getMessage()).contains("larger than the limit of 2097152 bytes (PICPEAK_MAX_METADATA_BYTES)");
                });
    }

    @Test
    void aJpegsHeaderEnd_isFoundByFollowingItsSegments() {
        byte[] jpeg = TestImages.jpeg(TestImages.quadrants(64, 32, RED, GREEN, BLUE, YELLOW));
        long end = ImageProbe.jpegHeaderEnd(jpeg, jpeg.length);

        assertThat(ImageProbe.jpegHeaderEnd(jpeg, 100)).isGreaterThan(100).isLessThanOrEqualTo(end); // needs more
        assertThat(ImageProbe.jpegHeaderEnd("just text".getBytes(StandardCharsets.US_ASCII), 9)).isEqualTo(-1);
        assertThat(ImageProbe.jpegHeaderEnd(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}, 4)).isEqualTo(-1);
    }

    @Test
    void headerCutOffBeforeTheDimensions_isCorrupt() {
        byte[] jpeg = TestImages.withExif(TestImages.jpeg(TestImages.quadrants(300, 200, RED, GREEN, BLUE, YELLOW)),
                1, null);
        byte[] png = TestImages.png(TestImages.quadrants(300, 200, RED, GREEN, BLUE, YELLOW));

        assertThatThrownBy(() -> probe.probe(jpeg, 40))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CORRUPT_IMAGE);
                    assertThat(e.getMessage()).contains("no complete JPEG header in the first 40 bytes");
                });
        assertThatThrownBy(() -> probe.probe(png, 12))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CORRUPT_IMAGE);
                    assertThat(e.getMessage()).contains("no complete PNG header in the first 12 bytes");
                });
    }

    @Test
    void emptyFile_isEmptyFile() {
        assertThatThrownBy(() -> ImageProbe.detectType(new byte[16], 0))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.EMPTY_FILE);
                    assertThat(e.getMessage()).contains("empty");
                });
    }

    @Test
    void typeIsDecidedByMagicBytes() {
        assertThat(ImageProbe.detectType(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, 3)).isEqualTo(ImageType.JPEG);
        byte[] png = TestImages.pngHeaderOnly(1, 1);
        assertThat(ImageProbe.detectType(png, 8)).isEqualTo(ImageType.PNG);
        assertThat(ImageProbe.detectType(TestImages.WEBP_1X1_LOSSY, 12)).isEqualTo(ImageType.WEBP);
        // One byte short of a signature is not that type.
        assertThat(ImageProbe.sniff(png, 7)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"heic", "heix", "hevc", "hevx", "mif1", "msf1", "heim", "heis"})
    void heifBrands_areRefusedWithAdviceToConvertToJpeg(String brand) {
        byte[] heic = TestImages.ftyp(brand, "mif1", "heic");

        assertThat(ImageProbe.sniff(heic, heic.length)).contains(ImageType.HEIC);
        assertThatThrownBy(() -> ImageProbe.detectType(heic, heic.length))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
                    assertThat(e.errorCode().httpStatus()).isEqualTo(415);
                    assertThat(e.getMessage()).contains("HEIC", "'" + brand + "'", "convert it to JPEG");
                });
    }

    @Test
    void heifBrandAmongCompatibleBrandsOnly_isHeic_butAvifIsNeverHeic() {
        byte[] compatibleHeic = TestImages.ftyp("XYZ1", "mif1", "heic");
        byte[] avif = TestImages.ftyp("avif", "mif1", "miaf");
        byte[] avifUnderMif1 = TestImages.ftyp("mif1", "avif", "miaf");

        assertThat(ImageProbe.sniff(compatibleHeic, compatibleHeic.length)).contains(ImageType.HEIC);
        assertThat(ImageProbe.sniff(avif, avif.length)).isEmpty();
        assertThat(ImageProbe.sniff(avifUnderMif1, avifUnderMif1.length)).isEmpty();
        assertRefusedAs(avif, "found an AVIF image");
        assertRefusedAs(avifUnderMif1, "found an AVIF image");
    }

    @Test
    void otherFormats_areRefusedNamingWhatWasFound() throws IOException {
        BufferedImage small = TestImages.quadrants(8, 8, RED, GREEN, BLUE, YELLOW);
        assertRefusedAs(TestImages.encode(small, "gif"), "found a GIF image");
        assertRefusedAs(TestImages.encode(small, "bmp"), "found a BMP image");
        assertRefusedAs(TestImages.encode(small, "tiff"), "found a TIFF image or camera raw file");
        assertRefusedAs("%PDF-1.7\n%âãÏÓ\n".getBytes(StandardCharsets.ISO_8859_1), "found a PDF document");
        assertRefusedAs(zip(), "found a ZIP archive");
        assertRefusedAs("hello, this is not a photo\n".getBytes(StandardCharsets.UTF_8), "found text");
        assertRefusedAs(TestImages.ftyp("isom", "isom", "mp42"), "found a video or ISO media file (brand 'isom')");
        assertRefusedAs(TestImages.concat("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII)),
                "found a RIFF 'WAVE' file");
        assertRefusedAs(new byte[]{0x00, 0x01, 0x02, (byte) 0xFE, 0x10, 0x20, 0x30, 0x40, 0x50},
                "found bytes 00 01 02 FE 10 20 30 40");
        assertRefusedAs(new byte[]{(byte) 0xFF, (byte) 0xD8}, "found only 2 bytes");
    }

    private static void assertRefusedAs(byte[] bytes, String found) {
        assertThatThrownBy(() -> ImageProbe.detectType(bytes, bytes.length))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
                    assertThat(e.getMessage()).startsWith("not a JPEG, PNG or WebP image (" + found + ")");
                });
    }

    private static byte[] zip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("photo.jpg"));
            zip.write(new byte[]{1, 2, 3});
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    @Test
    void imageHeader_rejectsImpossibleValues() {
        assertThatThrownBy(() -> new ImageHeader(ImageType.JPEG, 0, 10, 1, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageHeader(ImageType.JPEG, 10, 10, 9, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
