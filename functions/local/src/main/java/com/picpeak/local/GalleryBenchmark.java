package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoIds;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.media.ImageHeader;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The figures of the import and gallery paths, each against a reference measured in the same run:
 * thumbnails of 24 MP JPEGs against {@code vipsthumbnail} (libvips) on the same files; the heap's peak
 * while a 100 MP JPEG is uploaded through the local server; listing latency of a 2,000-photo gallery
 * through the local server against the event-info request.
 */
final class GalleryBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path scratch;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    GalleryBenchmark(Path scratch, PrintStream out) {
        this.scratch = scratch;
        this.out = out;
    }

    /** Thumbnails per second, ours (one thread) against vipsthumbnail (one thread and its default). */
    void thumbnails(int photos, int rounds) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < photos; i++) {
            files.add(writeJpeg(scratch.resolve("24mp-" + i + ".jpg"), 6000, 4000, i));
        }
        long bytes = 0;
        for (Path file : files) {
            bytes += Files.size(file);
        }
        ImageProbe probe = new ImageProbe();
        ImageScaler scaler = new ImageScaler();
        double best = Double.MAX_VALUE;
        for (int round = 0; round <= rounds; round++) { // round 0 warms up
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
            if (round > 0) {
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
        }
        double ours = photos / best;
        out.printf(Locale.ROOT, "thumbnails: %d JPEGs of 6000x4000 (24 MP, %.1f MB each), 300x300 cover, q85, best of %d%n",
                photos, bytes / 1e6 / photos, rounds);
        out.printf(Locale.ROOT, "  picpeak ImageScaler (1 thread)          %7.2f thumbnails/s%n", ours);
        if (!onPath("vipsthumbnail")) {
            out.println("  vipsthumbnail: not installed (Debian: apt-get install libvips-tools) - no ratio");
            return;
        }
        double vipsOne = photos / bestVips(files, rounds, "1");
        double vipsDefault = photos / bestVips(files, rounds, null);
        out.printf(Locale.ROOT, "  vipsthumbnail --vips-concurrency=1      %7.2f thumbnails/s   ratio vips/ours %.2f%n",
                vipsOne, vipsOne / ours);
        out.printf(Locale.ROOT, "  vipsthumbnail (default threads)         %7.2f thumbnails/s   ratio vips/ours %.2f%n",
                vipsDefault, vipsDefault / ours);
    }

    private double bestVips(List<Path> files, int rounds, String concurrency) throws Exception {
        double best = Double.MAX_VALUE;
        for (int round = 0; round <= rounds; round++) {
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
            if (round > 0) {
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
        }
        return best;
    }

    /** The heap's peak (all heap pools) while one 100 MP JPEG is uploaded and imported through the server. */
    void uploadHeap(LocalServer server, String adminToken) throws Exception {
        Path file = writeJpeg(scratch.resolve("100mp.jpg"), 11904, 8400, 7);
        String base = "http://127.0.0.1:" + server.port();
        send(HttpRequest.newBuilder(URI.create(base + "/api/admin/events")).header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"slug\":\"heap\",\"title\":\"Heap\"}")).build(), 201);
        String boundary = "benchboundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HeapPeak.reset();
        long before = heapUsed();
        long start = System.nanoTime();
        send(HttpRequest.newBuilder(URI.create(base + "/api/admin/events/heap/photos"))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofByteArray(tail))).build(), 201);
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = HeapPeak.sinceReset();
        out.printf(Locale.ROOT, "100 MP upload: 11904x8400 JPEG, %.1f MB, imported in %.2f s through the local server%n",
                Files.size(file) / 1e6, seconds);
        out.printf(Locale.ROOT, "  heap in use before %.0f MB, peak during the upload %.0f MB (sum of heap pools' peaks, "
                + "an upper bound); a full decode alone would need %.0f MB%n",
                before / 1e6, peak / 1e6, 11904L * 8400 * 3 / 1e6);
    }

    /** Listing latency of a 2,000-photo gallery (catalog rows seeded directly; listing never reads storage). */
    void listing(LocalServer server, int photoCount, int rounds) throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        String slug = "listing";
        server.runtime().events().create(slug, new EventPatch("Listing", null, null, false,
                null, null, null, null));
        for (int i = 0; i < photoCount; i++) {
            String id = PhotoIds.next(Instant.now());
            server.runtime().catalog().addPhoto(new Photo(id, slug, "events/active/listing/IMG_" + i + ".jpg",
                    "thumbnails/listing/" + id + ".jpg", "IMG_" + i + ".jpg", "image/jpeg", 8_000_000, i, "sha" + i,
                    6000, 4000, null, Instant.now(), PhotoSource.UPLOAD));
        }
        List<Double> pages = new ArrayList<>();
        List<Double> notModified = new ArrayList<>();
        List<Double> info = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            String cursor = null;
            int listed = 0;
            do {
                String url = base + "/api/gallery/" + slug + "/photos?limit=100" + (cursor == null ? "" : "&cursor=" + cursor);
                long start = System.nanoTime();
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
                double ms = (System.nanoTime() - start) / 1e6;
                String body = page.body();
                String etag = page.headers().firstValue("ETag").orElseThrow(() -> new IllegalStateException("no ETag"));
                long t1 = System.nanoTime();
                send(HttpRequest.newBuilder(URI.create(url)).header("If-None-Match", etag).build(), 304);
                double revalidateMs = (System.nanoTime() - t1) / 1e6;
                long t0 = System.nanoTime();
                send(HttpRequest.newBuilder(URI.create(base + "/api/gallery/" + slug)).build(), 200);
                double infoMs = (System.nanoTime() - t0) / 1e6;
                if (round > 0) {
                    pages.add(ms);
                    notModified.add(revalidateMs);
                    info.add(infoMs);
                }
                listed += count(body, "\"id\":");
                int at = body.indexOf("\"nextCursor\":\"");
                cursor = at < 0 ? null : body.substring(at + 14, body.indexOf('"', at + 14));
            } while (cursor != null);
            if (listed != photoCount) {
                throw new IllegalStateException("listed " + listed + " photos, expected " + photoCount);
            }
        }
        out.printf(Locale.ROOT, "listing: %d photos, pages of 100 through the local server, %d full walks (%d requests)%n",
                photoCount, rounds, pages.size());
        out.printf(Locale.ROOT, "  page of 100 (200, from the in-process cache of the revision): p50 %.2f ms  p99 %.2f ms%n",
                pct(pages, 50), pct(pages, 99));
        out.printf(Locale.ROOT, "  revalidation (If-None-Match, 304):                          p50 %.2f ms  p99 %.2f ms%n",
                pct(notModified, 50), pct(notModified, 99));
        out.printf(Locale.ROOT, "  reference event-info GET:                                   p50 %.2f ms  p99 %.2f ms%n",
                pct(info, 50), pct(info, 99));
        out.printf(Locale.ROOT, "  ratio page p50 / info p50 %.2f (goal <= 1.2);  304 p50 / info p50 %.2f (goal <= 1.0)%n",
                pct(pages, 50) / pct(info, 50), pct(notModified, 50) / pct(info, 50));
    }

    /**
     * What a viewer session of {@code photos} photos transfers, originals (what the viewer loaded before tiers)
     * against the 1920 preview, and the preview's first-request latency (made on that request) against
     * {@code vipsthumbnail} making the same size from the same files.
     */
    void renditions(LocalServer server, String adminToken, int photos, int width, int height) throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        String slug = "viewer";
        send(HttpRequest.newBuilder(URI.create(base + "/api/admin/events")).header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"slug\":\"" + slug + "\",\"title\":\"Viewer\"}")).build(), 201);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < photos; i++) {
            Path file = writeJpeg(scratch.resolve("view-" + i + ".jpg"), width, height, 100 + i);
            files.add(file);
            upload(base, adminToken, slug, file);
        }
        JsonNode listed = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/api/gallery/" + slug
                + "/photos?limit=100")).build(), 200)).get("photos");
        long originalBytes = 0;
        long previewBytes = 0;
        long preview2560Bytes = 0;
        List<Double> firstRequest = new ArrayList<>();
        List<Double> repeatRequest = new ArrayList<>();
        for (JsonNode photo : listed) {
            String p1920 = tierUrl(photo, "p1920");
            long start = System.nanoTime();
            HttpResponse<byte[]> preview = http.send(HttpRequest.newBuilder(URI.create(base + p1920)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            firstRequest.add((System.nanoTime() - start) / 1e6);
            if (preview.statusCode() != 200) {
                throw new IllegalStateException(p1920 + " answered " + preview.statusCode());
            }
            previewBytes += preview.body().length;
            long again = System.nanoTime();
            http.send(HttpRequest.newBuilder(URI.create(base + p1920)).build(), HttpResponse.BodyHandlers.discarding());
            repeatRequest.add((System.nanoTime() - again) / 1e6);
            preview2560Bytes += http.send(HttpRequest.newBuilder(URI.create(base + tierUrl(photo, "p2560"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body().length;
            originalBytes += http.send(HttpRequest.newBuilder(URI.create(base + photo.get("url").asText())).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body().length;
        }
        out.printf(Locale.ROOT, "viewer session: %d photos of %dx%d (%.1f MB each on average)%n", photos, width, height,
                originalBytes / 1e6 / photos);
        out.printf(Locale.ROOT, "  originals (the viewer before tiers)  %8.1f MB%n", originalBytes / 1e6);
        out.printf(Locale.ROOT, "  previews p1920 (a 1920 px screen)    %8.1f MB   %.1f %% of the originals%n",
                previewBytes / 1e6, 100.0 * previewBytes / originalBytes);
        out.printf(Locale.ROOT, "  previews p2560 (2x on 1280 px)       %8.1f MB   %.1f %% of the originals%n",
                preview2560Bytes / 1e6, 100.0 * preview2560Bytes / originalBytes);
        out.printf(Locale.ROOT, "  p1920 first request (made on it): p50 %.0f ms  max %.0f ms;  repeat request p50 %.1f ms%n",
                pct(firstRequest, 50), pct(firstRequest, 100), pct(repeatRequest, 50));
        if (!onPath("vipsthumbnail")) {
            out.println("  vipsthumbnail: not installed (Debian: apt-get install libvips-tools) - no ratio");
            return;
        }
        List<Double> vips = new ArrayList<>();
        for (Path file : files) {
            long start = System.nanoTime();
            Process process = new ProcessBuilder("vipsthumbnail", "-s", "1920x1920", "--vips-concurrency=1", "-o",
                    scratch.resolve("%s-1920.jpg[Q=85]").toString(), file.toString()).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IOException("vipsthumbnail failed");
            }
            vips.add((System.nanoTime() - start) / 1e6);
        }
        out.printf(Locale.ROOT, "  vipsthumbnail -s 1920x1920 (1 thread, one process per file): p50 %.0f ms;  ratio ours/vips "
                + "p50 %.2f%n", pct(vips, 50), pct(firstRequest, 50) / pct(vips, 50));
    }

    private static String tierUrl(JsonNode photo, String tier) {
        for (JsonNode preview : photo.get("previews")) {
            if (preview.get("tier").asText().equals(tier)) {
                return preview.get("url").asText();
            }
        }
        throw new IllegalStateException("photo " + photo.get("id") + " offers no " + tier);
    }

    private void upload(String base, String adminToken, String slug, Path file) throws Exception {
        String boundary = "benchboundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        send(HttpRequest.newBuilder(URI.create(base + "/api/admin/events/" + slug + "/photos"))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofByteArray(tail))).build(), 201);
    }

    private String send(HttpRequest request, int expected) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static double pct(List<Double> values, int percentile) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }


    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** A photo-like JPEG (gradient plus grain, q90): compresses like a camera file, not like flat colour. */
    static Path writeJpeg(Path file, int width, int height, long seed) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(30, 80 + (int) (seed % 100), 160), width, height, new Color(240, 190, 60)));
        g.fillRect(0, 0, width, height);
        g.dispose();
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) Math.max(0, Math.min(255, (pixels[i] & 0xff) + random.nextInt(-12, 13)));
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        try (ImageOutputStream output = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            writer.setOutput(output);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return file;
    }

    static Map<String, String> env(Path dataDir, int port) {
        return Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", String.valueOf(port));
    }
}
