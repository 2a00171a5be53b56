package com.picpeak.media;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Picks the ImageIO reader for a detected type. Loading this class turns ImageIO's disk cache off; it is loaded by the
 * first image read (not when the services are built), so a process that reads no image skips ImageIO's plugin scan.
 */
final class ImageReaders {

    static {
        // ImageIO would otherwise buffer streams in temp files: slow, and Lambda has little /tmp.
        ImageIO.setUseCache(false);
    }

    private ImageReaders() {
    }

    /** Forces the static initialiser (the ImageIO cache setting) to run. */
    static void init() {
    }

    /**
     * The first reader that recognises the stream and declares the detected type's MIME type
     * (TwelveMonkeys registers itself ahead of the JDK's JPEG reader), else any reader that
     * recognises it. The caller sets the input and must {@code dispose()} the reader.
     */
    static ImageReader forType(ImageInputStream iis, ImageType type) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
        List<ImageReader> others = new ArrayList<>();
        ImageReader chosen = null;
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            if (chosen == null && declares(reader, type)) {
                chosen = reader;
            } else {
                others.add(reader);
            }
        }
        if (chosen == null && !others.isEmpty()) {
            chosen = others.remove(0);
        }
        others.forEach(ImageReader::dispose);
        if (chosen == null) {
            throw new PicPeakException(ErrorCode.CORRUPT_IMAGE, "the file starts like a " + type
                    + " image but no image reader recognises its data; the file is damaged: export it again");
        }
        return chosen;
    }

    private static boolean declares(ImageReader reader, ImageType type) {
        ImageReaderSpi spi = reader.getOriginatingProvider();
        return spi != null && spi.getMIMETypes() != null
                && Arrays.asList(spi.getMIMETypes()).contains(type.contentType());
    }
}
