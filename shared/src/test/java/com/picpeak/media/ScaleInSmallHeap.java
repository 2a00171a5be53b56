package com.picpeak.media;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link ImageScalerBoundedMemoryTest} in a JVM whose heap ({@code -Xmx256m}) is smaller than
 * the decoded original (11904 x 8400 x 3 bytes = 300 MB): probes the file, makes a 300x300 thumbnail
 * and a 1920x1080 hero from a file stream, and prints their sizes and a few pixels. An image scaler
 * that decoded the whole raster dies with OutOfMemoryError here. Argument: the JPEG's path.
 */
public final class ScaleInSmallHeap {

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        byte[] head = new byte[ImageProbe.HEADER_BYTES];
        int length;
        try (InputStream in = Files.newInputStream(file)) {
            length = in.readNBytes(head, 0, head.length);
        }
        ImageHeader header = new ImageProbe(ImageProbe.DEFAULT_MAX_PIXELS).probe(head, length);
        StringBuilder report = new StringBuilder("header " + header.width() + "x" + header.height()
                + " orientation " + header.exifOrientation());
        ImageScaler scaler = new ImageScaler();
        for (int[] target : new int[][]{{300, 300}, {1920, 1080}}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
                scaler.cover(in, header, target[0], target[1], out);
            }
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
            int w = image.getWidth();
            int h = image.getHeight();
            report.append(String.format(" | %dx%d top=%06x bottom=%06x", w, h,
                    image.getRGB(w / 2, h / 8) & 0xFFFFFF, image.getRGB(w / 2, h - 1 - h / 8) & 0xFFFFFF));
        }
        System.out.println(report + " | maxHeap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
    }
}
