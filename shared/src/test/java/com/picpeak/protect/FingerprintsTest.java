package com.picpeak.protect;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.xmp.XmpDirectory;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writing the fingerprint leaves everything else of the file where readers look for it. */
class FingerprintsTest {

    @Test
    void aCameraJpeg_keepsItsExifFirst_andItsOrientation() throws Exception {
        byte[] camera = TestImages.withExif(TestImages.jpeg(TestImages.noisyHalves(120, 80, 1)), 6, "2026:11:29 10:00:00");
        int exifAt = TestImages.indexOf(camera, "Exif\0\0".getBytes());

        byte[] fingerprinted = embed("image/jpeg", camera, "0123456789abcdef0123");

        assertThat(fingerprinted).hasSize(camera.length + (int) Fingerprints.addedBytes("image/jpeg", "0123456789abcdef0123"));
        assertThat(Arrays.copyOf(fingerprinted, exifAt + 6)).isEqualTo(Arrays.copyOf(camera, exifAt + 6)); // EXIF where it was
        assertThat(Fingerprints.read(new ByteArrayInputStream(fingerprinted))).contains("0123456789abcdef0123");
        ExifIFD0Directory exif = ImageMetadataReader.readMetadata(new ByteArrayInputStream(fingerprinted))
                .getFirstDirectoryOfType(ExifIFD0Directory.class);
        assertThat(exif.getInt(ExifIFD0Directory.TAG_ORIENTATION)).isEqualTo(6);
        assertThat(TestImages.decode(fingerprinted).getWidth()).isEqualTo(120);
    }

    @Test
    void thePacket_isStandardXmp_thatAMetadataLibraryReads() throws Exception {
        byte[] fingerprinted = embed("image/jpeg", TestImages.jpeg(TestImages.noisyHalves(60, 40, 2)), "fedcba9876543210fedc");

        var xmp = ImageMetadataReader.readMetadata(new ByteArrayInputStream(fingerprinted))
                .getFirstDirectoryOfType(XmpDirectory.class);
        assertThat(xmp.getXmpProperties()).containsValue("fedcba9876543210fedc");
    }

    @Test
    void aPngWhoseFirstChunkIsNotIhdr_isRefused_notCorrupted() {
        byte[] png = TestImages.png(TestImages.noisyHalves(20, 20, 3));
        png[12] = 'C'; // "CHDR": an Apple CgBI-like file, or damage

        assertThatThrownBy(() -> embed("image/png", png, "0123456789abcdef0123")).isInstanceOf(IOException.class);
    }

    @Test
    void aFileWithoutAFingerprint_hasNone() throws Exception {
        assertThat(Fingerprints.read(new ByteArrayInputStream(TestImages.jpeg(TestImages.noisyHalves(30, 30, 4))))).isEmpty();
        assertThat(Fingerprints.read(new ByteArrayInputStream("not an image".getBytes()))).isEmpty();
    }

    private static byte[] embed(String type, byte[] image, String id) throws IOException {
        try (InputStream in = Fingerprints.embed(type, new ByteArrayInputStream(image), id)) {
            return in.readAllBytes();
        }
    }
}
