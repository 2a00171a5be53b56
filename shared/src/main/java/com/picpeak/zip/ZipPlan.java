package com.picpeak.zip;

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
 * system ({@link #safe}) and unique without regard to case ({@code IMG_1.JPG}, {@code IMG_1 (2).JPG}); non-ASCII
 * names carry the UTF-8 flag.
 * Memory: about 150 bytes per entry (its name and numbers), none per byte of content.
 */
public final class ZipPlan {
    static final long ZIP64_MARKER = 0xFFFFFFFFL;
    static final int MAX_ENTRIES_WITHOUT_ZIP64 = 0xFFFF;
    /** Characters Windows refuses in a file name ('/' and '\' too: a name must not make folders). */
    private static final String WINDOWS_REFUSED = "<>:\"|?*/\\";
    /** Names Windows gives to devices, whatever follows the first dot ({@code CON.jpg} is the console). */
    private static final Set<String> WINDOWS_DEVICES = Set.of("CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00b9", "COM\u00b2", "COM\u00b3",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00b9", "LPT\u00b2", "LPT\u00b3");

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
            String name = unique(safe(item.name()), taken);
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

    /**
     * The name as it can go into an archive unpacked on any system: what Windows refuses (the characters
     * {@code <>:"|?*}, controls, a device name such as {@code CON.jpg}, {@code C:evil.jpg}'s drive colon, a trailing
     * dot or space, which it drops) and the directional formatting characters that make a name read as another
     * (U+202E turns {@code invoice<U+202E>gpj.exe} into "invoiceexe.jpg" on screen) become '_', one for each byte
     * the character takes in UTF-8. So a name keeps its length, and with it every entry's offset: archives written
     * before read the same by their plan. Other names are left exactly as they are.
     */
    static String safe(String name) {
        StringBuilder safe = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7F || WINDOWS_REFUSED.indexOf(c) >= 0 || isDirectionalFormatting(c)) {
                safe.append("_".repeat(utf8Length(c)));
            } else {
                safe.appendCodePoint(c);
            }
        });
        for (int i = safe.length() - 1; i >= 0 && (safe.charAt(i) == '.' || safe.charAt(i) == ' '); i--) {
            safe.setCharAt(i, '_');
        }
        int dot = safe.indexOf(".");
        String base = (dot < 0 ? safe.toString() : safe.substring(0, dot)).stripTrailing();
        if (WINDOWS_DEVICES.contains(base.toUpperCase(Locale.ROOT))) {
            int last = base.offsetByCodePoints(base.length(), -1);
            safe.replace(last, base.length(), "_".repeat(utf8Length(base.codePointAt(last))));
        }
        return safe.toString();
    }

    /** ALM, LRM, RLM, the embeddings and overrides (LRE to RLO) and the isolates (LRI to PDI). */
    private static boolean isDirectionalFormatting(int c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069;
    }

    private static int utf8Length(int c) {
        return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
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
