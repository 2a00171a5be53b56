package com.picpeak.zip;

import com.picpeak.storage.SafeNames;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The exact layout of a STORED zip (no compression: photos do not compress) of known items: every
 * header's bytes, every offset and the total length, decided before the first byte is written, so the
 * archive can be served with a Content-Length and resumed by byte range. Zip64 records are used when
 * any size or offset reaches 4 GiB or there are more than 65,535 entries. Names are made safe to unpack on any
 * system ({@link SafeNames#safe}) and unique without regard to case ({@code IMG_1.JPG}, {@code IMG_1 (2).JPG}); non-ASCII
 * names carry the UTF-8 flag.
 * Memory: about 150 bytes per entry (its name and numbers), none per byte of content.
 */
public final class ZipPlan {
    static final long ZIP64_MARKER = 0xFFFFFFFFL;
    static final int MAX_ENTRIES_WITHOUT_ZIP64 = 0xFFFF;
    /** One entry as it will be written. */
    public record Entry(ZipItem item, byte[] name, boolean utf8, long localHeaderOffset, int dosTime, int dosDate) {
        boolean sizeNeedsZip64() {
            return item.size() >= ZIP64_MARKER;
        }

        boolean offsetNeedsZip64() {
            return localHeaderOffset >= ZIP64_MARKER;
        }

        int localHeaderLength() {
            return 30 + name.length + (sizeNeedsZip64() ? 20 : 0);
        }

        int centralHeaderLength() {
            int zip64Fields = (sizeNeedsZip64() ? 2 : 0) + (offsetNeedsZip64() ? 1 : 0);
            return 46 + name.length + (zip64Fields > 0 ? 4 + 8 * zip64Fields : 0);
        }

        /** Where this entry's content starts in the archive. */
        public long dataOffset() {
            return localHeaderOffset + localHeaderLength();
        }
    }

    private final List<Entry> entries;
    private final long centralDirectoryOffset;
    private final long centralDirectoryLength;
    private final boolean zip64;
    private final long length;

    private ZipPlan(List<Entry> entries, long centralDirectoryOffset, long centralDirectoryLength, boolean zip64,
                    long length) {
        this.entries = entries;
        this.centralDirectoryOffset = centralDirectoryOffset;
        this.centralDirectoryLength = centralDirectoryLength;
        this.zip64 = zip64;
        this.length = length;
    }

    public static ZipPlan of(Iterable<ZipItem> items) {
        List<Entry> entries = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        long offset = 0;
        for (ZipItem item : items) {
            String name = unique(SafeNames.safe(item.name()), taken);
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            boolean utf8 = nameBytes.length != name.length();
            LocalDateTime time = LocalDateTime.ofInstant(item.modified() == null ? Instant.EPOCH : item.modified(),
                    ZoneOffset.UTC);
            Entry entry = new Entry(item, nameBytes, utf8, offset, dosTime(time), dosDate(time));
            entries.add(entry);
            offset += entry.localHeaderLength() + item.size();
        }
        long centralOffset = offset;
        long centralLength = 0;
        for (Entry entry : entries) {
            centralLength += entry.centralHeaderLength();
        }
        boolean zip64 = entries.size() > MAX_ENTRIES_WITHOUT_ZIP64 || centralOffset >= ZIP64_MARKER
                || centralLength >= ZIP64_MARKER || entries.stream().anyMatch(e -> e.sizeNeedsZip64() || e.offsetNeedsZip64());
        long length = centralOffset + centralLength + (zip64 ? 56 + 20 : 0) + 22;
        return new ZipPlan(List.copyOf(entries), centralOffset, centralLength, zip64, length);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The archive's exact size in bytes. */
    public long length() {
        return length;
    }

    public boolean zip64() {
        return zip64;
    }

    long centralDirectoryOffset() {
        return centralDirectoryOffset;
    }

    /** The local file header of an entry (its content follows it directly: sizes are known, no descriptor). */
    byte[] localHeader(Entry e) {
        Bytes b = new Bytes(e.localHeaderLength());
        b.u32(0x04034b50);
        b.u16(e.sizeNeedsZip64() ? 45 : 20);
        b.u16(e.utf8() ? 0x0800 : 0);
        b.u16(0); // STORED
        b.u16(e.dosTime());
        b.u16(e.dosDate());
        b.u32(e.item().crc32());
        b.u32(e.sizeNeedsZip64() ? ZIP64_MARKER : e.item().size());
        b.u32(e.sizeNeedsZip64() ? ZIP64_MARKER : e.item().size());
        b.u16(e.name().length);
        b.u16(e.sizeNeedsZip64() ? 20 : 0);
        b.bytes(e.name());
        if (e.sizeNeedsZip64()) {
            b.u16(0x0001);
            b.u16(16);
            b.u64(e.item().size());
            b.u64(e.item().size());
        }
        return b.done();
    }

    /** The central directory and the end records, after all contents. */
    byte[] trailer(int fromEntry, int toEntry) {
        Bytes b = new Bytes(0);
        for (Entry e : entries.subList(fromEntry, toEntry)) {
            boolean sizes = e.sizeNeedsZip64();
            boolean offset = e.offsetNeedsZip64();
            int zip64Fields = (sizes ? 2 : 0) + (offset ? 1 : 0);
            b.u32(0x02014b50);
            b.u16(3 << 8 | 45); // made by: Unix, 4.5
            b.u16(sizes ? 45 : 20);
            b.u16(e.utf8() ? 0x0800 : 0);
            b.u16(0);
            b.u16(e.dosTime());
            b.u16(e.dosDate());
            b.u32(e.item().crc32());
            b.u32(sizes ? ZIP64_MARKER : e.item().size());
            b.u32(sizes ? ZIP64_MARKER : e.item().size());
            b.u16(e.name().length);
            b.u16(zip64Fields > 0 ? 4 + 8 * zip64Fields : 0);
            b.u16(0); // comment
            b.u16(0); // disk
            b.u16(0); // internal attributes
            b.u32(0100644L << 16); // regular file, rw-r--r--
            b.u32(offset ? ZIP64_MARKER : e.localHeaderOffset());
            b.bytes(e.name());
            if (zip64Fields > 0) {
                b.u16(0x0001);
                b.u16(8 * zip64Fields);
                if (sizes) {
                    b.u64(e.item().size());
                    b.u64(e.item().size());
                }
                if (offset) {
                    b.u64(e.localHeaderOffset());
                }
            }
        }
        return b.done();
    }

    byte[] endRecords() {
        Bytes b = new Bytes(0);
        if (zip64) {
            long zip64EndOffset = centralDirectoryOffset + centralDirectoryLength;
            b.u32(0x06064b50);
            b.u64(44);
            b.u16(3 << 8 | 45);
            b.u16(45);
            b.u32(0);
            b.u32(0);
            b.u64(entries.size());
            b.u64(entries.size());
            b.u64(centralDirectoryLength);
            b.u64(centralDirectoryOffset);
            b.u32(0x07064b50);
            b.u32(0);
            b.u64(zip64EndOffset);
            b.u32(1);
        }
        b.u32(0x06054b50);
        b.u16(0);
        b.u16(0);
        b.u16(Math.min(entries.size(), MAX_ENTRIES_WITHOUT_ZIP64));
        b.u16(Math.min(entries.size(), MAX_ENTRIES_WITHOUT_ZIP64));
        b.u32(zip64 ? ZIP64_MARKER : centralDirectoryLength);
        b.u32(zip64 ? ZIP64_MARKER : centralDirectoryOffset);
        b.u16(0);
        return b.done();
    }

    private static String unique(String wanted, Set<String> taken) {
        String name = wanted;
        int dot = wanted.lastIndexOf('.');
        String base = dot > 0 ? wanted.substring(0, dot) : wanted;
        String extension = dot > 0 ? wanted.substring(dot) : "";
        for (int n = 2; !taken.add(name.toLowerCase(Locale.ROOT)); n++) {
            name = base + " (" + n + ")" + extension;
        }
        return name;
    }

    private static int dosTime(LocalDateTime t) {
        return t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() / 2;
    }

    private static int dosDate(LocalDateTime t) {
        int year = Math.max(1980, Math.min(2107, t.getYear()));
        return (year - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth();
    }

    /** Little-endian byte building for the headers. */
    private static final class Bytes {
        private final ByteArrayOutputStream out;

        Bytes(int expected) {
            out = new ByteArrayOutputStream(Math.max(expected, 64));
        }

        void u16(int v) {
            out.write(v & 0xff);
            out.write(v >>> 8 & 0xff);
        }

        void u32(long v) {
            for (int i = 0; i < 4; i++) {
                out.write((int) (v >>> 8 * i) & 0xff);
            }
        }

        void u64(long v) {
            for (int i = 0; i < 8; i++) {
                out.write((int) (v >>> 8 * i) & 0xff);
            }
        }

        void bytes(byte[] bytes) {
            out.writeBytes(bytes);
        }

        byte[] done() {
            return out.toByteArray();
        }
    }
}
