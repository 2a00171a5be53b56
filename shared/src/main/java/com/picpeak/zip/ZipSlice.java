package com.picpeak.zip;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.ByteRange;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.CRC32;

/**
 * Bytes {@code [from, to)} of a planned archive as a stream, rendered on their own: headers and the central
 * directory from the plan, photo bytes from ranged reads of the originals. Memory is one read buffer and
 * the headers of the entries in the slice. Every photo read is checked: one that lies wholly in the slice
 * against the catalog's size and CRC-32 when its last byte passes; one cut by the slice's edge gives its
 * piece's CRC-32 in {@link #pieces()}, to be joined with its other pieces ({@link #joinPieces}). A photo
 * that changed or vanished fails the read with an error naming it, kept in {@link #failure()} so that a
 * caller whose transport wraps the error can report the real cause.
 */
public final class ZipSlice extends InputStream {
    /** The CRC-32 of the part of an entry's content that one slice covered. */
    public record Piece(int entry, long offset, long length, long crc32) {
    }

    private static final int CENTRAL_BATCH = 1024;

    private final ZipPlan plan;
    private final BlobStore store;
    private final List<Piece> pieces = new ArrayList<>();
    private final InputStream bytes;
    private volatile PicPeakException failure;

    private ZipSlice(ZipPlan plan, BlobStore store, long from, long to) {
        this.plan = plan;
        this.store = store;
        this.bytes = new SequenceInputStream(new Segments(from, to));
    }

    /** The slice {@code [from, to)}; {@code 0 <= from <= to <= plan.length()}. */
    public static ZipSlice of(ZipPlan plan, BlobStore store, long from, long to) {
        if (from < 0 || to < from || to > plan.length()) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") is outside the archive of "
                    + plan.length() + " bytes");
        }
        return new ZipSlice(plan, store, from, to);
    }

    /** Pieces of entries that the slice's edges cut, once the slice has been read to its end. */
    public List<Piece> pieces() {
        return Collections.unmodifiableList(pieces);
    }

    /** The photo that failed the slice, if one did. */
    public PicPeakException failure() {
        return failure;
    }

    /**
     * Joins pieces of the same entry that meet (their CRC-32s combined), checks every entry whose pieces now
     * cover its whole content against the catalog, and returns the pieces still waiting for a neighbour.
     * Throws naming the first photo whose bytes are not the catalog's.
     */
    public static List<Piece> joinPieces(ZipPlan plan, List<Piece> pieces) {
        List<Piece> sorted = new ArrayList<>(pieces);
        sorted.sort((a, b) -> a.entry() != b.entry() ? Integer.compare(a.entry(), b.entry())
                : Long.compare(a.offset(), b.offset()));
        List<Piece> open = new ArrayList<>();
        for (Piece piece : sorted) {
            Piece last = open.isEmpty() ? null : open.get(open.size() - 1);
            if (last != null && last.entry() == piece.entry() && last.offset() + last.length() == piece.offset()) {
                open.set(open.size() - 1, new Piece(last.entry(), last.offset(), last.length() + piece.length(),
                        Crc32Combine.combine(last.crc32(), piece.crc32(), piece.length())));
            } else if (last != null && last.entry() == piece.entry() && piece.offset() < last.offset() + last.length()) {
                throw changed(plan.entries().get(piece.entry()).item(), "was read twice at byte " + piece.offset());
            } else {
                open.add(piece);
            }
        }
        List<Piece> waiting = new ArrayList<>();
        for (Piece piece : open) {
            ZipItem item = plan.entries().get(piece.entry()).item();
            if (piece.offset() == 0 && piece.length() == item.size()) {
                if (piece.crc32() != item.crc32()) {
                    throw changed(item, "has CRC-32 " + Long.toHexString(piece.crc32()) + ", the catalog says "
                            + Long.toHexString(item.crc32()));
                }
            } else {
                waiting.add(piece);
            }
        }
        return waiting;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
            return bytes.read(buffer, offset, length);
        } catch (PicPeakException e) {
            failure = e;
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        bytes.close();
    }

    /** The slice's segments, opened one at a time as the previous one ends. */
    private final class Segments implements Enumeration<InputStream> {
        private long position;
        private final long to;
        private int entry;
        private boolean inHeader = true;

        Segments(long from, long to) {
            this.position = from;
            this.to = to;
            this.entry = firstEntryEndingAfter(from);
        }

        @Override
        public boolean hasMoreElements() {
            return position < to;
        }

        @Override
        public InputStream nextElement() {
            if (position >= to) {
                throw new NoSuchElementException();
            }
            List<ZipPlan.Entry> entries = plan.entries();
            if (entry < entries.size()) {
                ZipPlan.Entry e = entries.get(entry);
                if (inHeader) {
                    inHeader = false;
                    long start = e.localHeaderOffset();
                    long end = e.dataOffset();
                    if (position < end) {
                        return bytesOf(plan.localHeader(e), start);
                    }
                }
                int index = entry;
                entry++;
                inHeader = true;
                long dataEnd = e.dataOffset() + e.item().size();
                long first = Math.max(position, e.dataOffset());
                long last = Math.min(to, dataEnd);
                position = last;
                return first == last ? InputStream.nullInputStream() : content(index, e, first - e.dataOffset(),
                        last - first);
            }
            long central = plan.centralDirectoryOffset();
            if (position < central) { // only when the archive has no entries
                position = central;
            }
            long batchStart = central;
            for (int from = 0; from < entries.size(); from += CENTRAL_BATCH) {
                int until = Math.min(from + CENTRAL_BATCH, entries.size());
                long batchLength = 0;
                for (int i = from; i < until; i++) {
                    batchLength += entries.get(i).centralHeaderLength();
                }
                if (position < batchStart + batchLength) {
                    return bytesOf(plan.trailer(from, until), batchStart);
                }
                batchStart += batchLength;
            }
            return bytesOf(plan.endRecords(), batchStart);
        }

        /** The part of {@code block} (which starts at archive byte {@code start}) that lies in the slice. */
        private InputStream bytesOf(byte[] block, long start) {
            int first = (int) (position - start);
            int last = (int) Math.min(block.length, to - start);
            position = start + last;
            return new ByteArrayInputStream(Arrays.copyOfRange(block, first, last));
        }

        private int firstEntryEndingAfter(long offset) {
            List<ZipPlan.Entry> entries = plan.entries();
            int low = 0;
            int high = entries.size();
            while (low < high) { // the first entry whose header + content end after offset
                int mid = (low + high) >>> 1;
                ZipPlan.Entry e = entries.get(mid);
                if (e.dataOffset() + e.item().size() <= offset) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }
    }

    /** Bytes {@code [offset, offset + length)} of an entry's photo, checked as they pass. */
    private InputStream content(int index, ZipPlan.Entry entry, long offset, long length) {
        ZipItem item = entry.item();
        BlobRead read;
        try {
            read = store.get(item.storageKey(), ByteRange.of(offset, offset + length - 1));
        } catch (PicPeakException e) {
            if (e.errorCode() == ErrorCode.NOT_FOUND || e.errorCode() == ErrorCode.RANGE_NOT_SATISFIABLE) {
                throw changed(item, "is missing or shorter than the catalog says (" + item.size() + " bytes)");
            }
            throw e;
        }
        if (read.info().size() != item.size()) {
            closeQuietly(read);
            throw changed(item, "has " + read.info().size() + " bytes, the catalog says " + item.size());
        }
        boolean whole = offset == 0 && length == item.size();
        return new FilterInputStream(read.stream()) {
            private final CRC32 crc = new CRC32();
            private long seen;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                if (seen == length) {
                    finishOnce(); // the piece's last byte has passed (a reader that stops at the slice's end
                    return -1;    // never asks for more, so this is checked as the last byte passes too)
                }
                int n = super.read(buffer, off, (int) Math.min(len, length - seen));
                if (n > 0) {
                    crc.update(buffer, off, n);
                    seen += n;
                    if (seen == length) {
                        finishOnce();
                    }
                } else if (n < 0) {
                    finishOnce();
                }
                return n;
            }

            private void finishOnce() {
                if (!ended) {
                    ended = true;
                    finish();
                }
            }

            private void finish() {
                if (seen != length) {
                    throw changed(item, "ended after " + (offset + seen) + " bytes, the catalog says " + item.size());
                }
                if (whole) {
                    if (crc.getValue() != item.crc32()) {
                        throw changed(item, "has CRC-32 " + Long.toHexString(crc.getValue()) + ", the catalog says "
                                + Long.toHexString(item.crc32()));
                    }
                } else {
                    pieces.add(new Piece(index, offset, length, crc.getValue()));
                }
            }
        };
    }

    static PicPeakException changed(ZipItem item, String what) {
        return new PicPeakException(ErrorCode.INTEGRITY_MISMATCH, "the archive cannot be built: '"
                + item.storageKey() + "' " + what + " (the file was changed outside PicPeak)");
    }

    private static void closeQuietly(BlobRead read) {
        try {
            read.close();
        } catch (IOException ignored) {
            // a read we are abandoning
        }
    }
}
