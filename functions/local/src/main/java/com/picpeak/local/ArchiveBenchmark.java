package com.picpeak.local;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.picpeak.archive.ArchiveService;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoIds;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.media.RenditionMaker;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.StoredBlob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Download All's figures on the configured backend: archive throughput against reading the same photos
 * raw from the same backend, and the heap's peak while the archive of a 1,000- and a 10,000-photo
 * gallery is written (it should not grow with the photo count).
 */
final class ArchiveBenchmark {
    private final BlobStore store;
    private final PrintStream out;

    ArchiveBenchmark(BlobStore store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    void run(int largePhotos, int largeMb, int rounds) throws IOException {
        AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create();
        try {
            DynamoCatalog catalog = new DynamoCatalog(dynamo.dynamoDbClient(), "bench-archive");
            DynamoCatalog.createTableIfMissing(dynamo.dynamoDbClient(), "bench-archive");
            ArchiveService archives = new ArchiveService(catalog, store,
                    new RenditionMaker(store, new ImageProbe(),
                            new ImageScaler()), Clock.systemUTC());

            Event big = seed(catalog, "bench-big", largePhotos, largeMb * 1024 * 1024);
            double bestRaw = 0;
            double bestZip = 0;
            long bytes = big.photoCount() * (long) largeMb * 1024 * 1024;
            for (int round = 0; round <= rounds; round++) {
                long start = System.nanoTime();
                for (Photo photo : catalog.listPhotos(big.slug(), largePhotos, null).items()) {
                    try (BlobRead read = store.get(photo.key())) {
                        read.stream().transferTo(OutputStream.nullOutputStream());
                    }
                }
                double raw = bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
                start = System.nanoTime();
                archives.writeFromOriginals(archives.current(catalog.findEvent(big.slug()).orElseThrow()),
                        OutputStream.nullOutputStream());
                double zip = bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
                if (round > 0) {
                    bestRaw = Math.max(bestRaw, raw);
                    bestZip = Math.max(bestZip, zip);
                }
            }
            out.printf(Locale.ROOT, "archive throughput on %s: %d photos of %d MiB, best of %d%n", store.describe(),
                    largePhotos, largeMb, rounds);
            out.printf(Locale.ROOT, "  raw reads %.0f MB/s, Download All stream %.0f MB/s, ratio %.2f (goal >= 0.9)%n",
                    bestRaw, bestZip, bestZip / bestRaw);

            for (int count : new int[] {1_000, 10_000}) {
                Event event = seed(catalog, "bench-" + count, count, 4096);
                ArchiveService.Archive archive = archives.current(event);
                HeapPeak.reset();
                long start = System.nanoTime();
                archives.writeFromOriginals(archive, OutputStream.nullOutputStream());
                double seconds = (System.nanoTime() - start) / 1e9;
                out.printf(Locale.ROOT, "  %,6d photos: archive %.1f MB in %.2f s, heap peak %.0f MB (sum of heap pools' peaks)%n",
                        count, archive.length() / 1e6, seconds, HeapPeak.sinceReset() / 1e6);
            }
        } finally {
            dynamo.shutdown();
        }
    }

    /** An event with {@code count} photos of {@code size} random bytes (catalog rows point at real objects). */
    private Event seed(DynamoCatalog catalog, String slug, int count, int size) {
        Instant now = Instant.now();
        catalog.createEvent(new Event(slug, slug, null, null, true, true, false, false, 0, null, null, 0, now, now, null));
        SplittableRandom random = new SplittableRandom(count);
        byte[] bytes = new byte[size];
        for (int i = 0; i < count; i++) {
            random.nextBytes(bytes);
            String name = String.format("IMG_%05d.jpg", i);
            String key = Keys.original(slug, name);
            StoredBlob stored = store.put(key, new ByteArrayInputStream(bytes), PutOptions.of("image/jpeg"));
            catalog.addPhoto(new Photo(PhotoIds.next(Instant.now()), slug, key, Keys.thumbnail(slug, "x" + i), name,
                    "image/jpeg", stored.size(), stored.crc32(), stored.sha256(), 1, 1, null, Instant.now(),
                    PhotoSource.UPLOAD));
        }
        return catalog.findEvent(slug).orElseThrow();
    }

}
