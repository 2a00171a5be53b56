package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * What each protection level costs per photo a guest views, through the local server: the time to get
 * everything the viewer needs (access grant, image or tiles) against a plain GET of the stored original,
 * measured in the same run on the same photos. Renditions and tiles are made on the first view and
 * stored on the first view, which is timed apart; the main figures are of repeat views, the common case.
 */
final class ProtectionBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrintStream out;
    private final String base;
    private final String adminToken;

    ProtectionBenchmark(LocalServer server, String adminToken, PrintStream out) {
        this.base = "http://127.0.0.1:" + server.port();
        this.adminToken = adminToken;
        this.out = out;
    }

    /** One gallery per level, the same photos in each; prints ms per viewed photo and the ratio to the plain GET. */
    void run(Path scratch, int photos, int megapixels, int rounds) throws Exception {
        int width = (int) Math.round(Math.sqrt(megapixels * 1_000_000.0 * 4 / 3));
        int height = width * 3 / 4;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < photos; i++) {
            files.add(GalleryBenchmark.writeJpeg(scratch.resolve("photo-" + i + ".jpg"), width, height, 100 + i));
        }
        send("PUT", "/api/admin/watermark", "image/png", watermarkPng(), adminToken);
        String[][] levels = {
                {"plain", "{\"protectionLevel\":\"basic\"}"},
                {"standard + view watermark", "{\"protectionLevel\":\"standard\",\"watermarkViews\":true}"},
                {"enhanced (token, fingerprint, log)", "{\"protectionLevel\":\"enhanced\"}"},
                {"enhanced + view watermark", "{\"protectionLevel\":\"enhanced\",\"watermarkViews\":true}"},
                {"maximum (3x3 tiles, watermark)", "{\"protectionLevel\":\"maximum\",\"watermarkViews\":true}"}};
        out.printf(Locale.ROOT, "protection cost per viewed photo: %d photos of %d x %d (%.1f MB each on average), "
                + "%d rounds after a warm-up%n", photos, width, height, averageMb(files), rounds);
        double reference = 0;
        for (int level = 0; level < levels.length; level++) {
            String slug = "bench-level-" + level;
            send("POST", "/api/admin/events", "application/json",
                    ("{\"slug\":\"" + slug + "\",\"title\":\"" + slug + "\"}").getBytes(StandardCharsets.UTF_8), adminToken);
            for (Path file : files) {
                upload(slug, file);
            }
            send("PATCH", "/api/admin/events/" + slug, "application/json",
                    levels[level][1].getBytes(StandardCharsets.UTF_8), adminToken);
            String session = JSON.readTree(send("POST", "/api/gallery/" + slug + "/auth", "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8), null)).get("token").asText();
            List<JsonNode> listed = new ArrayList<>();
            JSON.readTree(send("GET", "/api/gallery/" + slug + "/photos?limit=200", null, null, session))
                    .get("photos").forEach(listed::add);
            boolean plain = level == 0;
            long firstStarted = System.nanoTime();
            viewAll(listed, session, plain, new long[1]); // first view: renditions and tiles are made and stored
            double firstMs = (System.nanoTime() - firstStarted) / 1e6 / listed.size();
            long bytes = 0;
            long started = System.nanoTime();
            for (int round = 0; round < rounds; round++) {
                long[] counted = new long[1];
                viewAll(listed, session, plain, counted);
                bytes = counted[0];
            }
            double msPerPhoto = (System.nanoTime() - started) / 1e6 / (rounds * (double) listed.size());
            if (plain) {
                reference = msPerPhoto;
            }
            out.printf(Locale.ROOT, "  %-36s %7.1f ms/photo  %6.0f KB/photo  x%.2f of plain   (first view %.0f ms)%n",
                    levels[level][0], msPerPhoto, bytes / 1024.0 / listed.size(), msPerPhoto / reference, firstMs);
        }
    }

    /** Everything the viewer fetches for each photo, as the gallery page does; adds the bytes received. */
    private void viewAll(List<JsonNode> photos, String session, boolean plain, long[] bytes) throws Exception {
        for (JsonNode photo : photos) {
            if (plain) {
                bytes[0] += send("GET", photo.get("url").asText(), null, null, session).length;
                continue;
            }
            JsonNode grant = JSON.readTree(send("POST", photo.get("accessUrl").asText(), "application/json",
                    "{\"purpose\":\"view\"}".getBytes(StandardCharsets.UTF_8), session));
            if (grant.get("tiles").isNull()) {
                bytes[0] += send("GET", grant.get("url").asText(), null, null, session).length;
            } else {
                for (JsonNode tile : grant.get("tiles").get("items")) {
                    bytes[0] += send("GET", tile.get("url").asText(), null, null, session).length;
                }
            }
        }
    }

    private void upload(String slug, Path file) throws Exception {
        String boundary = "bench-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + (int) Files.size(file) + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        byte[] photo = Files.readAllBytes(file);
        System.arraycopy(photo, 0, body, head.length, photo.length);
        System.arraycopy(tail, 0, body, head.length + photo.length, tail.length);
        send("POST", "/api/admin/events/" + slug + "/photos", "multipart/form-data; boundary=" + boundary, body, adminToken);
    }

    private byte[] send(String method, String path, String contentType, byte[] body, String bearer)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return response.body();
    }

    private static double averageMb(List<Path> files) throws IOException {
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
        }
        return total / 1e6 / files.size();
    }

    private static byte[] watermarkPng() throws IOException {
        BufferedImage mark = new BufferedImage(400, 120, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = mark.createGraphics();
        g.setColor(new Color(255, 255, 255, 180));
        g.fillRoundRect(0, 0, 400, 120, 30, 30);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(mark, "png", png);
        return png.toByteArray();
    }
}
