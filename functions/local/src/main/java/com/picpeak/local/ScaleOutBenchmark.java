package com.picpeak.local;

import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoIds;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench scaleout}: gallery listing throughput of one local-mode instance against two on the same shared
 * catalog (DynamoDB Local run as a server in a child process, whose CPU time is read from the operating system),
 * the same client threads in both runs. Both instances run in this JVM on this machine, so the ratio shows whether
 * the shared catalog lets a second instance add throughput, not what a second machine would add.
 */
final class ScaleOutBenchmark {
    static final String TOKEN = "scale-out-benchmark-admin-token-0123456789";
    private static final String SLUG = "listing";

    private final Path scratch;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ScaleOutBenchmark(Path scratch, PrintStream out) {
        this.scratch = scratch;
        this.out = out;
    }

    /** What one run measured: requests, wall time, and the catalog server's CPU time over it. */
    record Run(long requests, Duration wall, Duration catalogCpu) {
        double perSecond() {
            return requests / (wall.toNanos() / 1e9);
        }

        /** Catalog CPU seconds per wall second: 1.0 is one core busy. */
        double catalogCores() {
            return catalogCpu.toNanos() / (double) wall.toNanos();
        }

        double catalogMicrosPerRequest() {
            return catalogCpu.toNanos() / 1e3 / requests;
        }
    }

    void run(int photos, int clients, Duration duration) throws Exception {
        try (DynamoDbLocalServer catalog = DynamoDbLocalServer.childProcess(Files.createDirectories(scratch).resolve("dynamodb.log"))) {
            Map<String, String> envA = env(scratch.resolve("a"), catalog);
            Map<String, String> envB = new HashMap<>(envA);
            envB.put("PICPEAK_DATA", scratch.resolve("b").toString());
            try (LocalServer a = LocalServer.start(envA)) {
                seed(a, photos);
                String pageA = "http://127.0.0.1:" + a.port() + "/api/gallery/" + SLUG + "/photos?limit=100";
                measure(List.of(pageA), clients, Duration.ofSeconds(3), catalog); // warm-up
                Run one = measure(List.of(pageA), clients, duration, catalog);
                try (LocalServer b = LocalServer.start(envB)) {
                    String pageB = "http://127.0.0.1:" + b.port() + "/api/gallery/" + SLUG + "/photos?limit=100";
                    measure(List.of(pageB), clients, Duration.ofSeconds(3), catalog); // warm-up of B
                    Run two = measure(List.of(pageA, pageB), clients, duration, catalog);
                    report(photos, clients, duration, one, two);
                }
            }
        }
    }

    private void report(int photos, int clients, Duration duration, Run one, Run two) {
        out.printf(Locale.ROOT, "scale-out listing: a %d-photo gallery, first page of 100, %d client threads for %d s each,"
                        + " catalog = DynamoDB Local server (child process), %d cores on this machine%n", photos, clients,
                duration.toSeconds(), Runtime.getRuntime().availableProcessors());
        line("one instance ", one);
        line("two instances", two);
        out.printf(Locale.ROOT, "  ratio two/one: %.2fx requests/s; catalog CPU per request %.2fx%n",
                two.perSecond() / one.perSecond(), two.catalogMicrosPerRequest() / one.catalogMicrosPerRequest());
    }

    private void line(String label, Run run) {
        out.printf(Locale.ROOT, "  %s: %7.1f requests/s (%d in %.1f s); catalog server CPU %.2f cores busy, %.0f us per request%n",
                label, run.perSecond(), run.requests(), run.wall().toNanos() / 1e9, run.catalogCores(),
                run.catalogMicrosPerRequest());
    }

    /** {@code clients} threads, each taking the URLs in turn (one instance, or the two alternately), for {@code duration}. */
    private Run measure(List<String> urls, int clients, Duration duration, DynamoDbLocalServer catalog) throws Exception {
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long until = System.nanoTime() + duration.toNanos();
        Duration cpuBefore = catalog.cpu();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                for (int i = first; System.nanoTime() < until; i++) {
                    String url = urls.get(i % urls.size());
                    try {
                        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() == 200) {
                            requests.incrementAndGet();
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            }, "bench-client-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        Duration cpu = catalog.cpu().minus(cpuBefore);
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " listing requests failed: the figures would be wrong");
        }
        return new Run(requests.get(), wall, cpu);
    }

    private static void seed(LocalServer server, int photos) {
        server.runtime().events().create(SLUG, new EventPatch("Listing", null, null, false, null, null, null, null));
        for (int i = 0; i < photos; i++) {
            String id = PhotoIds.next(Instant.now());
            server.runtime().catalog().addPhoto(new Photo(id, SLUG, "events/active/listing/IMG_" + i + ".jpg",
                    "thumbnails/listing/" + id + ".jpg", "IMG_" + i + ".jpg", "image/jpeg", 8_000_000, i, "sha" + i,
                    6000, 4000, null, Instant.now(), PhotoSource.UPLOAD));
        }
    }

    /** An instance on the shared catalog, with the shared folder of the two as its storage. */
    private Map<String, String> env(Path dataDir, DynamoDbLocalServer catalog) {
        Map<String, String> env = new HashMap<>();
        env.put("PICPEAK_DATA", dataDir.toString());
        env.put("PORT", "0");
        env.put("ADMIN_TOKEN", TOKEN);
        env.put("PICPEAK_CATALOG", "dynamodb");
        env.put("CATALOG_TABLE", "picpeak_bench");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", catalog.endpoint().toString());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "bench");
        env.put("AWS_SECRET_ACCESS_KEY", "bench");
        env.put("STORAGE_BACKEND", "local");
        env.put("STORAGE_LOCAL_ROOT", scratch.resolve("shared-storage").toString());
        return env;
    }
}
