package com.picpeak.autoimport;

import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.storage.Keys;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestS3Server;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One S3 auto-import poll over many events with nothing new, against a raw ListObjectsV2 walk of the same
 * prefixes (the floor: a poll cannot list with fewer requests). Prints the poll's duration, its S3 request
 * count and the pages a listing needs:
 * {@code mvn -q -pl shared test-compile exec:java@bench-autoimport -Dexec.args="50 2000"} (events, objects each).
 */
public final class AutoImportBenchmarkMain {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int perEvent = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        TestS3Server server = TestS3Server.start(Optional.empty());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (S3Client raw = server.client(TestS3Server.SECRET_KEY)) {
            String bucket = server.createBucket();
            S3BlobStore store = S3BlobStore.create(server.settings(bucket, "studio"));
            String table = TestDynamo.createTable();
            DynamoCatalog catalog = new DynamoCatalog(TestDynamo.client(), table);
            AutoImportState state = new AutoImportState(new DynamoTable(TestDynamo.client(), table));
            EventService eventService = new EventService(catalog, store, new PasswordHasher(1000), Clock.systemUTC());
            System.out.printf("setting up %d events x %d objects (already imported: objects and name claims)...%n",
                    events, perEvent);
            List<Future<?>> work = new ArrayList<>();
            for (int e = 0; e < events; e++) {
                String slug = "event-" + e;
                eventService.create(slug, new EventPatch(slug, null, null, false, null, null, null, null));
                for (int worker = 0; worker < 8; worker++) {
                    int first = worker;
                    work.add(pool.submit(() -> {
                        for (int i = first; i < perEvent; i += 8) {
                            String name = String.format("IMG_%05d.jpg", i);
                            raw.putObject(b -> b.bucket(bucket).key("studio/" + Keys.original(slug, name)),
                                    RequestBody.fromBytes(name.getBytes()));
                            catalog.claimFilename(slug, name);
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : work) {
                f.get();
            }
            ImportService imports = new ImportService(catalog, store, new ImageProbe(), new ImageScaler(),
                    Clock.systemUTC(), 10_000_000);
            PrefixWalker walker = new PrefixWalker(catalog, store, imports, state, Clock.systemUTC(), Duration.ofMinutes(5));
            walker.poll(); // warm-up: class loading, connections
            int rounds = 3;
            long pollNanos = 0;
            PollReport last = null;
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                last = walker.poll();
                pollNanos += System.nanoTime() - start;
            }
            long rawNanos = 0;
            long rawPages = 0;
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                for (int e = 0; e < events; e++) {
                    String prefix = "studio/" + Keys.eventFolder("event-" + e);
                    for (ListObjectsV2Response page : raw.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
                        rawPages += page.contents().isEmpty() ? 0 : 1;
                    }
                }
                rawNanos += System.nanoTime() - start;
            }
            long pagesNeeded = (long) events * ((perEvent + 999) / 1000);
            System.out.printf("poll of %d events x %d objects, nothing new (mean of %d):%n", events, perEvent, rounds);
            System.out.printf("  poll:             %8.1f ms   S3 requests %d   objects listed %d   imported %d   new sightings %d%n",
                    pollNanos / 1e6 / rounds, last.s3Requests(), last.objectsListed(), last.imported(), last.newSightings());
            System.out.printf("  raw ListObjectsV2 %8.1f ms   pages %d%n", rawNanos / 1e6 / rounds, rawPages / rounds);
            System.out.printf("  pages a listing needs: %d   poll requests / pages: %.2f   poll time / raw listing: %.2f%n",
                    pagesNeeded, (double) last.s3Requests() / pagesNeeded, (double) pollNanos / rawNanos);
            store.close();
        } finally {
            pool.shutdownNow();
            server.stop();
        }
        System.exit(0); // DynamoDB Local's threads
    }
}
