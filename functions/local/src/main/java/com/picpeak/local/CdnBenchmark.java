package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench cdn}: the origin requests (in the serverless shape, Lambda invocations) that guests of one gallery
 * cause when a CDN stands in front, as CloudFront does in the stack: {@code /assets/*} kept by URL, the tier route
 * kept by URL and query while the origin says {@code public, max-age}, everything else passed through. The CDN is
 * simulated in process (a cache keyed by URL in front of a local server), so what it keeps is decided by the
 * server's own {@code Cache-Control}, the same headers CloudFront would honour.
 */
final class CdnBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TIER_PATH = Pattern.compile("/api/gallery/[^/]+/photos/[^/]+/r/[^/?]+(\\?.*)?");
    private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");
    private static final Pattern ASSET_LINK = Pattern.compile("(?:href|src)=\"(/assets/[^\"]+)\"");
    private static final String SESSION_COOKIE = "picpeak_session";

    /** What an origin request was for. */
    enum Kind { IMAGE, ASSET, JSON_OR_PAGE }

    /** Requests a guest made, and those of them that reached the origin, by kind. */
    static final class Counts {
        final Map<Kind, Integer> made = new EnumMap<>(Kind.class);
        final Map<Kind, Integer> origin = new EnumMap<>(Kind.class);

        int made(Kind kind) {
            return made.getOrDefault(kind, 0);
        }

        int origin(Kind kind) {
            return origin.getOrDefault(kind, 0);
        }
    }

    private record Kept(long expiresAtNanos, int status, byte[] body) {
    }

    /** The simulated CDN: what it keeps, by URL (path and query), and whether it keeps anything at all. */
    private final class Cdn {
        private final boolean caching;
        private final Map<String, Kept> kept = new HashMap<>();

        Cdn(boolean caching) {
            this.caching = caching;
        }

        byte[] get(String pathAndQuery, String session, Counts counts, int expected) throws Exception {
            Kind kind = pathAndQuery.startsWith("/assets/") ? Kind.ASSET
                    : TIER_PATH.matcher(pathAndQuery).matches() ? Kind.IMAGE : Kind.JSON_OR_PAGE;
            counts.made.merge(kind, 1, Integer::sum);
            Kept hit = caching && kind != Kind.JSON_OR_PAGE ? kept.get(pathAndQuery) : null;
            if (hit != null && hit.expiresAtNanos() > System.nanoTime()) {
                return hit.body();
            }
            counts.origin.merge(kind, 1, Integer::sum);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                    .timeout(Duration.ofSeconds(60)).GET();
            if (session != null) { // the cookie goes to the origin on every behaviour; it is in no cache key
                request.header("Cookie", SESSION_COOKIE + "=" + session);
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(pathAndQuery + " answered " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
            }
            if (caching && response.statusCode() == 200) {
                long seconds = keepFor(kind, response.headers().firstValue("Cache-Control").orElse(""));
                if (seconds > 0) {
                    kept.put(pathAndQuery, new Kept(System.nanoTime() + seconds * 1_000_000_000L, 200, response.body()));
                }
            }
            return response.body();
        }

        /** CloudFront's rule per behaviour: assets a year (min TTL), tiers as the origin says (min TTL 0, max 1 day). */
        private long keepFor(Kind kind, String cacheControl) {
            if (kind == Kind.ASSET) {
                return 365L * 24 * 3600;
            }
            if (cacheControl.contains("private") || cacheControl.contains("no-store") || cacheControl.contains("no-cache")) {
                return 0;
            }
            Matcher maxAge = MAX_AGE.matcher(cacheControl);
            return maxAge.find() ? Math.min(Long.parseLong(maxAge.group(1)), 24L * 3600) : 0;
        }
    }

    private final String base;
    private final String adminToken;
    private final Path scratch;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    CdnBenchmark(LocalServer server, String adminToken, Path scratch, PrintStream out) {
        this.base = "http://127.0.0.1:" + server.port();
        this.adminToken = adminToken;
        this.scratch = scratch;
        this.out = out;
    }

    void run(int photos) throws Exception {
        String slug = "cdn-party";
        String password = "cdn-bench-password";
        admin("POST", "/api/admin/events", "{\"slug\":\"" + slug + "\",\"title\":\"CDN\",\"password\":\"" + password + "\"}", 201);
        for (int i = 0; i < photos; i++) {
            upload(slug, GalleryBenchmark.writeJpeg(scratch.resolve("cdn-" + i + ".jpg"), 3000, 2000, 300 + i));
        }
        Cdn reference = new Cdn(false);
        Counts directGuest1 = view(reference, slug, password, photos);
        Counts directGuest2 = view(reference, slug, password, photos);
        Cdn cdn = new Cdn(true);
        Counts guest1 = view(cdn, slug, password, photos);
        Counts guest2 = view(cdn, slug, password, photos);

        out.printf(Locale.ROOT, "cdn: a password gallery of %d photos (3000x2000) at protection level standard; each guest "
                + "signs in, opens the page (its assets), event info and the listing, and views every photo: grid t300 "
                + "+ t600, viewer p1920%n", photos);
        out.println("                                  origin requests (Lambda invocations)        requests made");
        out.println("                                  images   assets   JSON/pages   total          images");
        line("without a CDN (reference) guest 1", directGuest1);
        line("without a CDN (reference) guest 2", directGuest2);
        line("through the CDN           guest 1", guest1);
        line("through the CDN           guest 2", guest2);
        int before = directGuest2.origin(Kind.IMAGE);
        int after = guest2.origin(Kind.IMAGE);
        out.printf(Locale.ROOT, "  guest 2's image origin requests: %d through the CDN against %d without (goal 0 within the "
                + "window);  guest 2's origin requests in all: %d against %d (%.0f %%)%n", after, before, total(guest2),
                total(directGuest2), 100.0 * total(guest2) / total(directGuest2));
    }

    private void line(String label, Counts counts) {
        out.printf(Locale.ROOT, "  %-32s %6d   %6d   %10d   %5d          %6d%n", label, counts.origin(Kind.IMAGE),
                counts.origin(Kind.ASSET), counts.origin(Kind.JSON_OR_PAGE), total(counts), counts.made(Kind.IMAGE));
    }

    private static int total(Counts counts) {
        return counts.origin.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** One guest's visit, through {@code cdn}. */
    private Counts view(Cdn cdn, String slug, String password, int photos) throws Exception {
        Counts counts = new Counts();
        HttpResponse<byte[]> auth = http.send(HttpRequest.newBuilder(URI.create(base + "/api/gallery/" + slug + "/auth"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        counts.made.merge(Kind.JSON_OR_PAGE, 1, Integer::sum);
        counts.origin.merge(Kind.JSON_OR_PAGE, 1, Integer::sum); // a POST: always passed through
        String session = JSON.readTree(auth.body()).get("token").asText();
        String page = new String(cdn.get("/gallery/" + slug, session, counts, 200), StandardCharsets.UTF_8);
        Matcher assets = ASSET_LINK.matcher(page);
        while (assets.find()) {
            cdn.get(assets.group(1).replace("&amp;", "&"), session, counts, 200);
        }
        cdn.get("/api/gallery/" + slug, session, counts, 200);
        JsonNode listed = JSON.readTree(cdn.get("/api/gallery/" + slug + "/photos?limit=100", session, counts, 200))
                .get("photos");
        List<String> viewed = new ArrayList<>();
        for (int i = 0; i < Math.min(photos, listed.size()); i++) {
            JsonNode photo = listed.get(i);
            photo.get("thumbnails").forEach(t -> viewed.add(t.get("url").asText()));
            for (JsonNode preview : photo.get("previews")) {
                if (preview.get("tier").asText().equals("p1920")) {
                    viewed.add(preview.get("url").asText());
                }
            }
        }
        for (String url : viewed) {
            cdn.get(url, session, counts, 200);
        }
        return counts;
    }

    private void admin(String method, String path, String body, int expected) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private void upload(String slug, Path file) throws Exception {
        String boundary = "cdnbenchboundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/admin/events/" + slug + "/photos"))
                .timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofByteArray(tail))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
        }
    }
}
