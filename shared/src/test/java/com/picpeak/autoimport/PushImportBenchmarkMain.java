package com.picpeak.autoimport;

import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Photo;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.DelegatingStore;
import com.picpeak.testing.StorageEventBodies;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Push import against the prefix walker at its default cadence, in one run, on the in-process S3 server and
 * DynamoDB Local: photos put into an event's prefix, the time until each is in the gallery's listing (the catalog
 * listing the gallery API pages through), p50 and p99, and the LIST requests per hour of each.
 * <ul>
 *   <li>push: each photo is put, then its S3 event (EventBridge's shape) handed to {@link PushImportLanes} (4 at
 *   once) at once; latency is wall time from the put until the listing shows it. In AWS, add S3's delivery
 *   ("typically seconds") and the queue's 1 s batching window.</li>
 *   <li>walker: the same number of photos arrive at random moments of one simulated hour; the walker polls every
 *   {@code STORAGE_AUTO_IMPORT_INTERVAL_MS} (300 s) of a simulated clock (scaled: a poll runs as soon as the
 *   previous one ends, the clock is moved by the interval between them), each object put just before the first
 *   poll after its arrival. Latency = the simulated time from arrival to the poll that imported it, plus that
 *   poll's real duration.</li>
 * </ul>
 * {@code mvn -q -pl shared exec:java@bench-push-import -Dexec.args="200 20"} (photos, other active events).
 */
public final class PushImportBenchmarkMain {
    static final Duration INTERVAL = Duration.ofMillis(300_000);

    /** A store that counts the LIST calls made through it (one page each here: every prefix holds under 1,000). */
    static final class CountingStore extends DelegatingStore {
        final AtomicLong lists = new AtomicLong();

        CountingStore(BlobStore inner) {
            super(inner);
        }

        @Override
        public Stream<BlobInfo> list(String prefix) {
            lists.incrementAndGet();
            return super.list(prefix);
        }
    }

    public static void main(String[] args) throws Exception {
        int photos = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int otherEvents = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        TestS3Server server = TestS3Server.start(Optional.empty());
        try (S3Client raw = server.client(TestS3Server.SECRET_KEY)) {
            String bucket = server.createBucket();
            S3BlobStore s3 = S3BlobStore.create(server.settings(bucket, "studio"));
            CountingStore store = new CountingStore(s3);
            String table = TestDynamo.createTable();
            DynamoCatalog catalog = new DynamoCatalog(TestDynamo.client(), table);
            AutoImportState state = new AutoImportState(new DynamoTable(TestDynamo.client(), table));
            TestClock clock = new TestClock(Instant.parse("2026-12-08T10:00:00Z"));
            ImportService imports = new ImportService(catalog, store, new ImageProbe(), new ImageScaler(), clock, 50_000_000);
            EventService events = new EventService(catalog, s3, new PasswordHasher(1000), Clock.systemUTC());
            for (String slug : List.of("pushed", "polled")) {
                events.create(slug, new EventPatch(slug, null, null, false, null, null, null, null));
            }
            for (int e = 0; e < otherEvents; e++) { // active events a walker lists whatever arrives
                events.create("other-" + e, new EventPatch("other", null, null, false, null, null, null, null));
            }
            List<byte[]> images = new ArrayList<>();
            for (int i = 0; i < 2 * photos; i++) {
                images.add(TestImages.jpeg(TestImages.noisyHalves(640, 480, 7_000 + i)));
            }
            System.out.printf("%d photos of 640x480 per run, %d other active events, walker interval %d s%n",
                    photos, otherEvents, INTERVAL.toSeconds());

            // ---- push ----
            PushImporter importer = new PushImporter(catalog, store, imports, state, "studio", bucket, null);
            long listsBefore = store.lists.get();
            Map<String, Long> putAt = new HashMap<>();
            List<Long> pushLatencies = new ArrayList<>();
            long pushStarted = System.nanoTime();
            try (PushImportLanes lanes = new PushImportLanes(importer::apply, 4, 10_000)) {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < photos; i++) {
                    String name = String.format("PUSH_%04d.JPG", i);
                    String key = "studio/" + Keys.original("pushed", name);
                    byte[] bytes = images.get(i);
                    String etag = raw.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes)).eTag()
                            .replace("\"", "");
                    putAt.put(name, System.nanoTime());
                    lanes.submit(StorageNotifications.parse(StorageEventBodies.eventBridge("Object Created", bucket, key,
                            bytes.length, etag, "v1", String.format("%018X", 0x100000L + i))));
                    collect(catalog, "pushed", putAt, seen, pushLatencies);
                }
                while (seen.size() < photos) {
                    collect(catalog, "pushed", putAt, seen, pushLatencies);
                    Thread.sleep(5);
                }
            }
            double pushSeconds = (System.nanoTime() - pushStarted) / 1e9;
            long pushLists = store.lists.get() - listsBefore;

            // ---- the walker at its default cadence, on a simulated clock ----
            PrefixWalker walker = new PrefixWalker(catalog, store, imports, state, clock, INTERVAL);
            Random random = new Random(42);
            List<long[]> arrivals = new ArrayList<>(); // {arrival ms into the hour, index}
            for (int i = 0; i < photos; i++) {
                arrivals.add(new long[]{(long) (random.nextDouble() * 3_600_000), i});
            }
            arrivals.sort((a, b) -> Long.compare(a[0], b[0]));
            Map<String, Long> arrivedAt = new HashMap<>();
            List<Long> walkerLatencies = new ArrayList<>();
            Set<String> imported = new HashSet<>();
            long walkerLists = 0;
            int polls = 0;
            long pollMs = 0;
            int next = 0;
            walker.poll(); // the walker was running before the hour began
            for (long t = INTERVAL.toMillis(); imported.size() < photos; t += INTERVAL.toMillis()) {
                clock.advance(INTERVAL);
                while (next < arrivals.size() && arrivals.get(next)[0] <= t) {
                    int i = (int) arrivals.get(next)[1];
                    String name = String.format("POLL_%04d.JPG", i);
                    raw.putObject(b -> b.bucket(bucket).key("studio/" + Keys.original("polled", name)),
                            RequestBody.fromBytes(images.get(photos + i)));
                    arrivedAt.put(name, arrivals.get(next)[0]);
                    next++;
                }
                long before = store.lists.get();
                long started = System.nanoTime();
                walker.poll();
                long took = (System.nanoTime() - started) / 1_000_000;
                if (t <= 3_600_000) {
                    walkerLists += store.lists.get() - before;
                    polls++;
                    pollMs += took;
                }
                for (Photo photo : catalog.listPhotos("polled", 1000, null).items()) {
                    if (imported.add(photo.filename())) {
                        walkerLatencies.add(t - arrivedAt.get(photo.filename()) + took);
                    }
                }
            }
            long reconcilerListsPerHour = 2L + otherEvents; // one poll an hour: one LIST per active event

            pushLatencies.sort(null);
            walkerLatencies.sort(null);
            System.out.printf("%n| | p50 until listed | p99 until listed | LIST requests per hour |%n|---|---|---|---|%n");
            System.out.printf("| push (notifications) | %d ms | %d ms | %d in steady state (%d LIST calls while importing %d photos in %.1f s) |%n",
                    percentile(pushLatencies, 50), percentile(pushLatencies, 99), pushLists, pushLists, photos, pushSeconds);
            System.out.printf("| walker every %d s | %.0f s | %.0f s | %d (%d polls in the hour, mean poll %d ms) |%n",
                    INTERVAL.toSeconds(), percentile(walkerLatencies, 50) / 1000.0, percentile(walkerLatencies, 99) / 1000.0,
                    walkerLists, polls, polls == 0 ? 0 : pollMs / polls);
            System.out.printf("| walker as push's reconciler (hourly) | (push's) | (push's) | %d |%n", reconcilerListsPerHour);
            System.out.printf("%nwalker p50 / push p50 = %.0fx; walker p99 / push p99 = %.0fx%n",
                    percentile(walkerLatencies, 50) / (double) Math.max(1, percentile(pushLatencies, 50)),
                    percentile(walkerLatencies, 99) / (double) Math.max(1, percentile(pushLatencies, 99)));
            store.close();
        } finally {
            System.exit(0);
        }
    }

    private static void collect(DynamoCatalog catalog, String slug, Map<String, Long> putAt, Set<String> seen,
                                List<Long> latencies) {
        long now = System.nanoTime();
        for (Photo photo : catalog.listPhotos(slug, 1000, null).items()) {
            if (seen.add(photo.filename())) {
                latencies.add((now - putAt.get(photo.filename())) / 1_000_000);
            }
        }
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
