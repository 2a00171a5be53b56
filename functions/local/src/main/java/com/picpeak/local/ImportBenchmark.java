package com.picpeak.local;

import com.picpeak.media.ImageHeader;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The whole import of one upload against {@code vipsthumbnail}: the corpus of {@code bench gallery} (photo-like
 * 24 MP JPEGs) uploaded in one multipart request to a warm local server, against vipsthumbnail making the same
 * 300 px thumbnails of the same files in one process; then the thumbnails alone, {@link ImageScaler} against
 * vipsthumbnail, one thread each. Subject and reference alternate round by round (noise of a shared machine falls
 * on both); the figures are medians.
 */
final class ImportBenchmark {
    private final Path scratch;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ImportBenchmark(Path scratch, PrintStream out) {
        this.scratch = scratch;
        this.out = out;
    }

    /** The corpus: {@code photos} JPEGs of {@code width x height}, as {@code bench gallery} writes them. */
    List<Path> corpus(int photos, int width, int height) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < photos; i++) {
            files.add(GalleryBenchmark.writeJpeg(scratch.resolve("import-" + i + ".jpg"), width, height, i));
        }
        return files;
    }

    /** One upload of every file per round (a new event each), against vipsthumbnail (default threads) on the same files. */
    void wholeImport(LocalServer server, String adminToken, List<Path> files, int rounds) throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        boolean vips = GalleryBenchmark.onPath("vipsthumbnail");
        List<Double> ours = new ArrayList<>();
        List<Double> reference = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) { // round 0 warms up
            String slug = "import-" + round;
            send(HttpRequest.newBuilder(URI.create(base + "/api/admin/events")).header("Authorization", "Bearer " + adminToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"slug\":\"" + slug + "\",\"title\":\"Import\"}")).build(), 201);
            double vipsSeconds = vips && round % 2 == 0 ? vipsthumbnail(files, null) : Double.NaN;
            long start = System.nanoTime();
            uploadAll(base, adminToken, slug, files);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (vips && round % 2 == 1) {
                vipsSeconds = vipsthumbnail(files, null);
            }
            if (round > 0) {
                ours.add(seconds);
                reference.add(vipsSeconds);
                ratios.add(seconds / vipsSeconds);
            }
        }
        long bytes = 0;
        for (Path file : files) {
            bytes += Files.size(file);
        }
        out.printf(Locale.ROOT, "whole import: %d JPEGs (%.1f MB) in one multipart request to a warm local server, "
                + "median of %d rounds%n", files.size(), bytes / 1e6, rounds);
        out.printf(Locale.ROOT, "  picpeak upload (stored, hashed, thumbnail, catalog)   %6.2f s%n", median(ours));
        if (!vips) {
            out.println("  vipsthumbnail: not installed (Debian: apt-get install libvips-tools) - no ratio");
            return;
        }
        out.printf(Locale.ROOT, "  vipsthumbnail -s 300x300 -m centre, one process      %6.2f s%n", median(reference));
        out.printf(Locale.ROOT, "  ratio ours/vips: median %.2f (rounds %s) (goal <= 1.5)%n", median(ratios), rounded(ratios));
    }

    /** Thumbnails alone, one thread each: {@link ImageScaler#cover} in this JVM against vipsthumbnail --vips-concurrency=1. */
    void thumbnails(List<Path> files, int rounds) throws Exception {
        ImageProbe probe = new ImageProbe();
        ImageScaler scaler = new ImageScaler();
        boolean vips = GalleryBenchmark.onPath("vipsthumbnail");
        List<Double> ours = new ArrayList<>();
        List<Double> reference = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            double vipsSeconds = vips && round % 2 == 0 ? vipsthumbnail(files, "1") : Double.NaN;
            long start = System.nanoTime();
            for (Path file : files) {
                byte[] head;
                try (InputStream in = Files.newInputStream(file)) {
                    head = in.readNBytes(ImageProbe.HEADER_BYTES);
                }
                ImageHeader header = probe.probe(head, head.length);
                try (InputStream in = Files.newInputStream(file)) {
                    scaler.cover(in, header, 300, 300, OutputStream.nullOutputStream());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (vips && round % 2 == 1) {
                vipsSeconds = vipsthumbnail(files, "1");
            }
            if (round > 0) {
                ours.add(seconds);
                reference.add(vipsSeconds);
                ratios.add(seconds / vipsSeconds);
            }
        }
        out.printf(Locale.ROOT, "thumbnails alone: the same %d files, 300x300 cover, q85, one thread each, median of %d%n",
                files.size(), rounds);
        out.printf(Locale.ROOT, "  picpeak ImageScaler (1 thread)                       %6.2f thumbnails/s%n",
                files.size() / median(ours));
        if (!vips) {
            out.println("  vipsthumbnail: not installed (Debian: apt-get install libvips-tools) - no ratio");
            return;
        }
        out.printf(Locale.ROOT, "  vipsthumbnail --vips-concurrency=1                   %6.2f thumbnails/s%n",
                files.size() / median(reference));
        out.printf(Locale.ROOT, "  ratio time ours/vips: median %.2f (rounds %s) (goal <= 1.0)%n", median(ratios),
                rounded(ratios));
    }

    /** Seconds vipsthumbnail takes for the 300 px cover of every file in one process. */
    private double vipsthumbnail(List<Path> files, String concurrency) throws Exception {
        List<String> command = new ArrayList<>(List.of("vipsthumbnail", "-s", "300x300", "-m", "centre",
                "-o", scratch.resolve("%s-vips.jpg[Q=85]").toString()));
        if (concurrency != null) {
            command.add("--vips-concurrency=" + concurrency);
        }
        files.forEach(f -> command.add(f.toString()));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException("vipsthumbnail failed");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private void uploadAll(String base, String adminToken, String slug, List<Path> files) throws Exception {
        String boundary = "benchboundary";
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        for (Path file : files) {
            parts.add(HttpRequest.BodyPublishers.ofByteArray(("--" + boundary + "\r\nContent-Disposition: form-data; "
                    + "name=\"files\"; filename=\"" + file.getFileName() + "\"\r\nContent-Type: image/jpeg\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8)));
            parts.add(HttpRequest.BodyPublishers.ofFile(file));
            parts.add(HttpRequest.BodyPublishers.ofByteArray("\r\n".getBytes(StandardCharsets.UTF_8)));
        }
        parts.add(HttpRequest.BodyPublishers.ofByteArray(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8)));
        send(HttpRequest.newBuilder(URI.create(base + "/api/admin/events/" + slug + "/photos"))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new))).build(), 201);
    }

    private String send(HttpRequest request, int expected) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String rounded(List<Double> values) {
        List<String> texts = new ArrayList<>();
        values.forEach(v -> texts.add(String.format(Locale.ROOT, "%.2f", v)));
        return String.join(", ", texts);
    }
}
