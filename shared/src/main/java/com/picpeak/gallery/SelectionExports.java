package com.picpeak.gallery;

import com.adobe.internal.xmp.XMPConst;
import com.adobe.internal.xmp.XMPException;
import com.adobe.internal.xmp.XMPMeta;
import com.adobe.internal.xmp.XMPMetaFactory;
import com.adobe.internal.xmp.options.PropertyOptions;
import com.adobe.internal.xmp.options.SerializeOptions;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.SafeNames;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The photographer's exports of guests' selections (docs/selections.md): {@code txt} (one file name a line, for
 * Lightroom's filter by file name), {@code csv} (one favourite a row), {@code xmp} (a zip of XMP sidecars, one per
 * picked photo, rated and colour-labelled for Lightroom or Capture One), {@code json} (the API's own shape, written
 * by the caller). Each is written as it goes.
 */
public final class SelectionExports {
    /** The rating and colour label a picked photo's sidecar carries. */
    public static final int RATING = 5;
    public static final String LABEL = "Green";

    private SelectionExports() {
    }

    public enum Format {
        JSON("application/json", "json"), CSV("text/csv; charset=utf-8", "csv"),
        TXT("text/plain; charset=utf-8", "txt"), XMP("application/zip", "zip");

        private final String contentType;
        private final String extension;

        Format(String contentType, String extension) {
            this.contentType = contentType;
            this.extension = extension;
        }

        public String contentType() {
            return contentType;
        }

        public String extension() {
            return extension;
        }

        public static Format parse(String value) {
            if (value == null) {
                return JSON;
            }
            for (Format format : values()) {
                if (format.name().toLowerCase(Locale.ROOT).equals(value)) {
                    return format;
                }
            }
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"format\" must be json, csv, txt or xmp, not '"
                    + value + "'");
        }
    }

    /** A selection with its guest's name (or how an anonymous session is named). */
    public record Named(Favourites.View selection, String guestName) {
    }

    /** Every picked file name once, in the order first picked across the selections. */
    public static void txt(List<Named> selections, OutputStream out) throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        for (String filename : filenames(selections)) {
            writer.write(filename);
            writer.write('\n');
        }
        writer.flush();
    }

    /** One favourite a row: filename, guest, note, time (marked), and the ids and the time the selection was sent. */
    public static void csv(List<Named> selections, OutputStream out) throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(writer, CSVFormat.RFC4180.builder()
                .setHeader("filename", "guest", "note", "time", "guest_id", "selection_id", "photo_id", "submitted_at")
                .get());
        for (Named named : selections) {
            Favourites.View s = named.selection();
            for (FavouriteStore.Favourite f : s.favourites()) {
                csv.printRecord(cell(f.filename()), cell(named.guestName()), cell(s.note()), f.markedAt(),
                        s.guestId().orElse(""), s.selectionId(), f.photoId(),
                        s.submittedAt() == null ? "" : s.submittedAt().toString());
            }
        }
        csv.flush();
    }

    /**
     * A zip of XMP sidecars, {@code <name without extension>.xmp} for each picked photo, with the rating
     * {@value #RATING}, the label {@value #LABEL} and who picked it as keywords.
     */
    public static void xmp(List<Named> selections, OutputStream out) throws IOException {
        Map<String, Set<String>> pickedBy = new LinkedHashMap<>();
        for (Named named : selections) {
            for (FavouriteStore.Favourite f : named.selection().favourites()) {
                pickedBy.computeIfAbsent(f.filename(), k -> new LinkedHashSet<>()).add(named.guestName());
            }
        }
        ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        Set<String> entries = new LinkedHashSet<>();
        for (Map.Entry<String, Set<String>> photo : pickedBy.entrySet()) {
            String entry = sidecarName(photo.getKey());
            if (!entries.add(entry)) {
                continue; // two files differing only in their extension share one sidecar name
            }
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(sidecar(photo.getValue()));
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    static byte[] sidecar(Set<String> guests) {
        try {
            XMPMeta meta = XMPMetaFactory.create();
            meta.setPropertyInteger(XMPConst.NS_XMP, "Rating", RATING);
            meta.setProperty(XMPConst.NS_XMP, "Label", LABEL);
            for (String guest : guests) {
                meta.appendArrayItem(XMPConst.NS_DC, "subject", new PropertyOptions().setArray(true),
                        "picked by " + guest, null);
            }
            return XMPMetaFactory.serializeToBuffer(meta, new SerializeOptions().setUseCompactFormat(true)
                    .setOmitPacketWrapper(false));
        } catch (XMPException e) {
            throw new IllegalStateException("an XMP sidecar could not be written", e);
        }
    }

    /** The sidecar of {@code IMG_1.jpg} is {@code IMG_1.xmp}, as Lightroom and Capture One look for it. */
    static String sidecarName(String filename) {
        String safe = SafeNames.safe(filename);
        int dot = safe.lastIndexOf('.');
        return (dot > 0 ? safe.substring(0, dot) : safe) + ".xmp";
    }

    private static List<String> filenames(List<Named> selections) {
        Set<String> names = new LinkedHashSet<>();
        for (Named named : selections) {
            named.selection().favourites().forEach(f -> names.add(f.filename()));
        }
        return List.copyOf(names);
    }

    /** A text cell a spreadsheet will not run: a leading = + - @ (a formula) is quoted with an apostrophe. */
    private static String cell(String value) {
        if (value == null) {
            return "";
        }
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }
}
