package com.picpeak.gallery;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The admin's activity report of an event, from its hourly counter rows ({@link ActivityCounts#rows}): totals, per
 * photo (top first), per downloader with the guest's name where the event has guest identity and what they
 * downloaded, per hour; or the rows flat as CSV (one line per hour, downloader and photo, and one per hour and
 * downloader for Download All).
 */
public final class ActivityReport {
    private ActivityReport() {
    }

    /** The report as JSON-ready maps; {@code nameOf} names an activity key ({@code guest:<id>}), or null. */
    public static Map<String, Object> json(List<ActivityCounts.Row> rows, Function<String, String> nameOf) {
        long views = 0;
        long downloads = 0;
        long archives = 0;
        long archivePhotos = 0;
        Map<String, long[]> photos = new LinkedHashMap<>();
        Map<String, Map<String, Object>> downloaders = new LinkedHashMap<>();
        Map<String, long[]> hours = new TreeMap<>();
        for (ActivityCounts.Row row : rows) {
            views += row.views();
            downloads += row.downloads();
            archives += row.archives();
            archivePhotos += row.archivePhotos();
            long[] hour = hours.computeIfAbsent(row.hour(), k -> new long[3]);
            hour[0] += row.views();
            hour[1] += row.downloads();
            hour[2] += row.archives();
            Map<String, Object> who = downloaders.computeIfAbsent(row.downloader(), key -> {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("downloader", key);
                json.put("name", nameOf.apply(key));
                json.put("views", 0L);
                json.put("downloads", 0L);
                json.put("archives", 0L);
                json.put("photos", new TreeMap<String, Long>());
                return json;
            });
            who.merge("views", row.views(), (a, b) -> (Long) a + (Long) b);
            who.merge("downloads", row.downloads(), (a, b) -> (Long) a + (Long) b);
            who.merge("archives", row.archives(), (a, b) -> (Long) a + (Long) b);
            @SuppressWarnings("unchecked")
            Map<String, Long> downloaded = (Map<String, Long>) who.get("photos");
            row.photos().forEach((id, counts) -> {
                long[] total = photos.computeIfAbsent(id, k -> new long[2]);
                total[0] += counts[0];
                total[1] += counts[1];
                if (counts[1] > 0) {
                    downloaded.merge(id, counts[1], Long::sum);
                }
            });
        }
        List<Map<String, Object>> photoList = new ArrayList<>();
        photos.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -(e.getValue()[1] * 1_000_000L + e.getValue()[0]))
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> photoList.add(Map.of("photoId", e.getKey(), "views", e.getValue()[0],
                        "downloads", e.getValue()[1])));
        List<Map<String, Object>> downloaderList = new ArrayList<>();
        for (Map<String, Object> who : downloaders.values()) {
            @SuppressWarnings("unchecked")
            Map<String, Long> downloaded = (Map<String, Long>) who.get("photos");
            List<Map<String, Object>> list = new ArrayList<>();
            downloaded.forEach((id, n) -> list.add(Map.of("photoId", id, "downloads", n)));
            who.put("photos", list);
            downloaderList.add(who);
        }
        List<Map<String, Object>> hourList = new ArrayList<>();
        hours.forEach((hour, c) -> hourList.add(Map.of("hour", hour, "views", c[0], "downloads", c[1], "archives", c[2])));
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("views", views);
        totals.put("downloads", downloads);
        totals.put("archives", archives);
        totals.put("archivePhotos", archivePhotos);
        totals.put("downloaders", downloaders.size());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("totals", totals);
        json.put("photos", photoList);
        json.put("downloaders", downloaderList);
        json.put("hours", hourList);
        return json;
    }

    /**
     * The rows flat: {@code hour,downloader,name,photo_id,views,downloads,archives,archive_photos}; a line per photo
     * counted, and one with no photo for the Download Alls of that hour.
     */
    public static void csv(List<ActivityCounts.Row> rows, Function<String, String> nameOf, OutputStream out)
            throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(writer, CSVFormat.RFC4180.builder()
                .setHeader("hour", "downloader", "name", "photo_id", "views", "downloads", "archives", "archive_photos")
                .get());
        for (ActivityCounts.Row row : rows) {
            String name = cell(nameOf.apply(row.downloader()));
            for (Map.Entry<String, long[]> photo : row.photos().entrySet()) {
                csv.printRecord(row.hour(), cell(row.downloader()), name, photo.getKey(), photo.getValue()[0],
                        photo.getValue()[1], 0, 0);
            }
            if (row.archives() > 0) {
                csv.printRecord(row.hour(), cell(row.downloader()), name, "", 0, 0, row.archives(), row.archivePhotos());
            }
        }
        csv.flush();
    }

    /** A cell a spreadsheet will not run as a formula. */
    private static String cell(String value) {
        if (value == null) {
            return "";
        }
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }
}
