package com.picpeak.local;

import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoIds;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.catalog.GuestPolicy;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What favourites cost the listing (docs/selections.md): a guest walks a 2,000-photo gallery where they marked 300
 * favourites, and the same guest walks a twin gallery without any, page by page alternately, so both walks share
 * the server's state (which of a pair goes first alternates); the ratio of their p50s is the figure (goal at most 1.1). The guests sign in by name; the
 * favourites are marked over HTTP, as the page marks them.
 */
final class SelectionsBenchmark {
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SelectionsBenchmark(PrintStream out) {
        this.out = out;
    }

    void run(LocalServer server, int photoCount, int favourites, int rounds) throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        List<String> marked = seed(server, "with-favourites", photoCount);
        seed(server, "without-favourites", photoCount);
        String withToken = signIn(base, "with-favourites");
        String withoutToken = signIn(base, "without-favourites");
        for (String photoId : marked.subList(0, favourites)) {
            send(HttpRequest.newBuilder(URI.create(base + "/api/gallery/with-favourites/favourites/" + photoId))
                    .header("Authorization", "Bearer " + withToken).PUT(HttpRequest.BodyPublishers.noBody()).build(), 200);
        }
        List<Double> with = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        List<Double> favouritesGet = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            String withCursor = null;
            String withoutCursor = null;
            int pages = 0;
            do {
                // which of the pair goes first alternates, so neither gains from following the other
                double a;
                double b;
                if (pages % 2 == 0) {
                    a = page(base, "with-favourites", withToken, withCursor);
                    withCursor = lastCursor;
                    b = page(base, "without-favourites", withoutToken, withoutCursor);
                    withoutCursor = lastCursor;
                } else {
                    b = page(base, "without-favourites", withoutToken, withoutCursor);
                    withoutCursor = lastCursor;
                    a = page(base, "with-favourites", withToken, withCursor);
                    withCursor = lastCursor;
                }
                if (round > 0) {
                    with.add(a);
                    without.add(b);
                }
                pages++;
            } while (withCursor != null && withoutCursor != null);
            long start = System.nanoTime();
            String body = send(HttpRequest.newBuilder(URI.create(base + "/api/gallery/with-favourites/favourites"))
                    .header("Authorization", "Bearer " + withToken).build(), 200);
            if (round > 0) {
                favouritesGet.add((System.nanoTime() - start) / 1e6);
            }
            if (!body.contains("\"count\":" + favourites + ",")) {
                throw new IllegalStateException("the selection does not hold " + favourites + " favourites: " + body.substring(0, 200));
            }
            if (pages != (photoCount + 99) / 100) {
                throw new IllegalStateException("walked " + pages + " pages of 100, expected " + (photoCount + 99) / 100);
            }
        }
        out.printf(Locale.ROOT, "selections: %d-photo galleries, a guest signed in by name, pages of 100, %d walks each, "
                + "alternating (%d pages each)%n", photoCount, rounds, with.size());
        out.printf(Locale.ROOT, "  listing page, guest with %d favourites:   p50 %.2f ms  p99 %.2f ms%n", favourites,
                pct(with, 50), pct(with, 99));
        out.printf(Locale.ROOT, "  listing page, guest without favourites: p50 %.2f ms  p99 %.2f ms%n",
                pct(without, 50), pct(without, 99));
        out.printf(Locale.ROOT, "  ratio with / without p50 %.2f (goal <= 1.1);  the page's one GET of the %d favourites: "
                + "p50 %.2f ms%n", pct(with, 50) / pct(without, 50), favourites, pct(favouritesGet, 50));
    }

    private String lastCursor;

    private double page(String base, String slug, String token, String cursor) throws Exception {
        String url = base + "/api/gallery/" + slug + "/photos?limit=100" + (cursor == null ? "" : "&cursor=" + cursor);
        long start = System.nanoTime();
        String body = send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(), 200);
        double ms = (System.nanoTime() - start) / 1e6;
        int at = body.indexOf("\"nextCursor\":\"");
        lastCursor = at < 0 ? null : body.substring(at + 14, body.indexOf('"', at + 14));
        return ms;
    }

    /** A gallery with guest identity "name" and photo rows seeded directly (listing never reads storage). */
    private static List<String> seed(LocalServer server, String slug, int photoCount) {
        server.runtime().events().create(slug, new EventPatch(slug, null, null, false, null, null, null, null, null,
                null, new EventPatch.GuestsPatch(GuestPolicy.Identity.NAME, null, false), null, false));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < photoCount; i++) {
            String id = PhotoIds.next(Instant.now());
            server.runtime().catalog().addPhoto(new Photo(id, slug, "events/active/" + slug + "/IMG_" + i + ".jpg",
                    "thumbnails/" + slug + "/" + id + ".jpg", "IMG_" + i + ".jpg", "image/jpeg", 8_000_000, i, "sha" + i,
                    6000, 4000, null, Instant.now(), PhotoSource.UPLOAD));
            ids.add(id);
        }
        Collections.shuffle(ids, new java.util.Random(7)); // favourites spread over the whole gallery
        return ids;
    }

    private String signIn(String base, String slug) throws Exception {
        String body = send(HttpRequest.newBuilder(URI.create(base + "/api/gallery/" + slug + "/auth"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Bench Guest\"}")).build(), 200);
        int at = body.indexOf("\"token\":\"");
        return body.substring(at + 9, body.indexOf('"', at + 9));
    }

    private String send(HttpRequest request, int status) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return response.body();
    }

    private static double pct(List<Double> values, int percentile) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }
}
