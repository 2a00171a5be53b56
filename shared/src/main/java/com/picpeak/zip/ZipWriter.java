package com.picpeak.zip;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * Writes a {@link ZipPlan} in one pass: each entry's header, then its bytes streamed from storage and
 * checked against the size and CRC-32 the headers already promised. A photo that vanished or changed
 * fails the whole archive (naming its key) instead of producing a zip that lies.
 */
public final class ZipWriter {
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Opens an entry's content for reading. */
    @FunctionalInterface
    public interface Source {
        InputStream open(ZipItem item) throws IOException;
    }

    private ZipWriter() {
    }

    public static void write(ZipPlan plan, Source source, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        for (ZipPlan.Entry entry : plan.entries()) {
            out.write(plan.localHeader(entry));
            copyChecked(entry.item(), source, out, buffer);
        }
        int batch = 1024; // the central directory in slices: memory stays flat with 65,536+ entries
        for (int from = 0; from < plan.entries().size(); from += batch) {
            out.write(plan.trailer(from, Math.min(from + batch, plan.entries().size())));
        }
        out.write(plan.endRecords());
        out.flush();
    }

    private static void copyChecked(ZipItem item, Source source, OutputStream out, byte[] buffer) throws IOException {
        CRC32 crc = new CRC32();
        long copied = 0;
        try (InputStream in = source.open(item)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (copied + n > item.size()) {
                    throw changed(item, "is larger than the catalog says (" + item.size() + " bytes)");
                }
                crc.update(buffer, 0, n);
                out.write(buffer, 0, n);
                copied += n;
            }
        }
        if (copied != item.size()) {
            throw changed(item, "has " + copied + " bytes, the catalog says " + item.size());
        }
        if (crc.getValue() != item.crc32()) {
            throw changed(item, "has CRC-32 " + Long.toHexString(crc.getValue()) + ", the catalog says "
                    + Long.toHexString(item.crc32()));
        }
    }

    private static PicPeakException changed(ZipItem item, String what) {
        return new PicPeakException(ErrorCode.STORAGE_FAILURE, "the archive cannot be built: '" + item.storageKey()
                + "' " + what + " (the file was changed outside PicPeak)");
    }
}
