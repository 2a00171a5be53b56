package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a download limit costs a single download, through the local server: the same photos downloaded from a
 * gallery without a limit and from one with a limit, interleaved request by request so that both see the same
 * machine; p50 and p90 of each, and their ratio. The limited gallery's counts are started over (untimed) before each
 * round, so every timed download there is a first grant with its conditional write (a repeat, remembered in process,
 * writes nothing: timed apart).
 */
final class DownloadLimitsBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrintStream out;
    private final String base;
    private final String adminToken;

    DownloadLimitsBenchmark(LocalServer server, String adminToken, PrintStream out) {
        this.base = "http://127.0.0.1:" + server.port();
        this.adminToken = adminToken;
        this.out = out;
    }

    void run(Path scratch, int photos, int megapixels, int rounds) throws Exception {
        int width = (int) Math.round(Math.sqrt(megapixels * 1_000_000.0 * 4 / 3));
        int height = width * 3 / 4;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < photos; i++) {
            files.add(GalleryBenchmark.writeJpeg(scratch.resolve("photo-" + i + ".jpg"), width, height, 300 + i));
        }
        List<String> plain = gallery("bench-unlimited", "null", files);
        List<String> limited = gallery("bench-limited", String.valueOf(photos), files);
        for (int i = 0; i < photos; i++) { // warm-up; the limited gallery's photos are all granted from here on
            download("bench-unlimited", plain.get(i));
            download("bench-limited", limited.get(i));
        }
        long[] withoutLimit = new long[rounds * photos];
        long[] withLimit = new long[rounds * photos];
        int n = 0;
        for (int round = 0; round < rounds; round++) {
            send("DELETE", "/api/admin/events/bench-limited/downloads", null, null, adminToken);
            download("bench-limited", limited.get(0)); // the first request after a reset reads the event anew
            send("DELETE", "/api/admin/events/bench-limited/downloads", null, null, adminToken);
            for (int i = 0; i < photos; i++, n++) {
                boolean limitedFirst = (n % 2) == 1; // neither always second
                if (limitedFirst) {
                    withLimit[n] = download("bench-limited", limited.get(i));
                    withoutLimit[n] = download("bench-unlimited", plain.get(i));
                } else {
                    withoutLimit[n] = download("bench-unlimited", plain.get(i));
                    withLimit[n] = download("bench-limited", limited.get(i));
                }
            }
        }
        long[] repeats = new long[rounds * photos];
        long[] plainAgain = new long[rounds * photos];
        n = 0;
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < photos; i++, n++) {
                plainAgain[n] = download("bench-unlimited", plain.get(i));
                repeats[n] = download("bench-limited", limited.get(i));
            }
        }
        Arrays.sort(withoutLimit);
        Arrays.sort(withLimit);
        Arrays.sort(repeats);
        Arrays.sort(plainAgain);
        out.printf(Locale.ROOT, "single download with a download limit vs without: %d photos of %d x %d, %d rounds, "
                + "interleaved%n", photos, width, height, rounds);
        out.printf(Locale.ROOT, "  without a limit   p50 %6.2f ms  p90 %6.2f ms%n", ms(withoutLimit, 0.5), ms(withoutLimit, 0.9));
        out.printf(Locale.ROOT, "  with a limit, each photo's first download (granted)   p50 %6.2f ms  p90 %6.2f ms   "
                + "x%.2f at p50, x%.2f at p90%n", ms(withLimit, 0.5), ms(withLimit, 0.9),
                ms(withLimit, 0.5) / ms(withoutLimit, 0.5), ms(withLimit, 0.9) / ms(withoutLimit, 0.9));
        out.printf(Locale.ROOT, "  with a limit, the same photo again (remembered)         p50 %6.2f ms  p90 %6.2f ms   "
                + "x%.2f at p50 (against %.2f ms without, same rounds)%n", ms(repeats, 0.5), ms(repeats, 0.9),
                ms(repeats, 0.5) / ms(plainAgain, 0.5), ms(plainAgain, 0.5));
        out.printf(Locale.ROOT, "  catalog writes per download: without a limit 1 (the activity count, one UpdateItem "
                + "ADD, ActivityCounts); with one, a photo's first 2 (the conditional grant, DownloadLimits.grant, and the "
                + "count), again 1 (the count); both sides count activity, so the ratios are the limit's alone%n");
    }

    private static double ms(long[] sortedNanos, double quantile) {
        return sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.floor(quantile * sortedNanos.length))] / 1e6;
    }

    /** Nanoseconds to receive the whole photo. */
    private long download(String slug, String id) throws Exception {
        long started = System.nanoTime();
        send("GET", "/api/gallery/" + slug + "/photos/" + id + "/download", null, null, null);
        return System.nanoTime() - started;
    }

    private List<String> gallery(String slug, String limit, List<Path> files) throws Exception {
        send("POST", "/api/admin/events", "application/json", ("{\"slug\":\"" + slug + "\",\"title\":\"" + slug
                + "\",\"downloadLimit\":" + limit + "}").getBytes(StandardCharsets.UTF_8), adminToken);
        for (Path file : files) {
            String boundary = "bench-boundary";
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
                    + file.getFileName() + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] photo = Files.readAllBytes(file);
            byte[] body = new byte[head.length + photo.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(photo, 0, body, head.length, photo.length);
            System.arraycopy(tail, 0, body, head.length + photo.length, tail.length);
            send("POST", "/api/admin/events/" + slug + "/photos", "multipart/form-data; boundary=" + boundary, body,
                    adminToken);
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode photo : JSON.readTree(send("GET", "/api/gallery/" + slug + "/photos?limit=200", null, null, null))
                .get("photos")) {
            ids.add(photo.get("id").asText());
        }
        return ids;
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
}
