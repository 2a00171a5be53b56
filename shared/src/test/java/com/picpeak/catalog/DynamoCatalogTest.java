package com.picpeak.catalog;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.testing.TestDynamo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The catalog against DynamoDB Local (in-process) through the real SDK. */
class DynamoCatalogTest {
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    DynamoCatalog catalog;

    @BeforeEach
    void newCatalog() {
        catalog = TestDynamo.newCatalog();
    }

    @Test
    void event_roundTripsEveryField() {
        Event event = new Event("wedding-2026", "Anna & Ben", "pbkdf2$x", NOW.plusSeconds(3600), true, true, false,
                true, 0, null, null, 0, NOW, NOW, null);

        catalog.createEvent(event);

        assertThat(catalog.findEvent("wedding-2026")).contains(event);
        assertThat(catalog.findEvent("other")).isEmpty();
        assertThat(event.downloadSizes()).containsExactly("original"); // the default

        Event sized = catalog.updateEvent("wedding-2026", e -> e.withDownloadSizes(List.of("original", "web"), NOW));
        assertThat(sized.downloadSizes()).containsExactly("original", "web");
        assertThat(catalog.findEvent("wedding-2026")).contains(sized);
    }

    @Test
    void creatingAnEventTwice_isAConflict_andKeepsTheFirst() {
        catalog.createEvent(event("party", "First"));

        assertThatThrownBy(() -> catalog.createEvent(event("party", "Second")))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("'party' already exists");
                });
        assertThat(catalog.findEvent("party").orElseThrow().title()).isEqualTo("First");
    }

    @Test
    void addingAPhoto_bumpsRevisionAndCount_andListsInUploadOrder() {
        catalog.createEvent(event("e", "E"));

        catalog.addPhoto(photo("e", "0001", "a.jpg", "sha-a"));
        catalog.addPhoto(photo("e", "0002", "b.jpg", "sha-b"));

        Event after = catalog.findEvent("e").orElseThrow();
        assertThat(after.revision()).isEqualTo(2);
        assertThat(after.photoCount()).isEqualTo(2);
        assertThat(catalog.listPhotos("e", 10, null).items()).extracting(Photo::filename).containsExactly("a.jpg", "b.jpg");
        assertThat(catalog.findPhoto("e", "0001")).contains(photo("e", "0001", "a.jpg", "sha-a"));
    }

    @Test
    void sameBytesTwiceInOneEvent_isADuplicateNamingTheFirst_andChangesNothing() {
        catalog.createEvent(event("e", "E"));
        catalog.createEvent(event("f", "F"));
        catalog.addPhoto(photo("e", "0001", "a.jpg", "same"));

        assertThatThrownBy(() -> catalog.addPhoto(photo("e", "0002", "copy.jpg", "same")))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_PHOTO);
                    assertThat(e.getMessage()).contains("'copy.jpg'").contains("photo 0001");
                });
        assertThat(catalog.findEvent("e").orElseThrow().revision()).isEqualTo(1);
        assertThat(catalog.findPhoto("e", "0002")).isEmpty();

        catalog.addPhoto(photo("f", "0003", "a.jpg", "same")); // another event may hold the same bytes
        assertThat(catalog.findEvent("f").orElseThrow().photoCount()).isEqualTo(1);
    }

    @Test
    void aPhotoForAMissingEvent_isRefused() {
        assertThatThrownBy(() -> catalog.addPhoto(photo("ghost", "0001", "a.jpg", "x")))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.EVENT_NOT_FOUND));
        assertThat(catalog.findPhoto("ghost", "0001")).isEmpty();
    }

    @Test
    void aPhotoIdOfAnotherEvent_isNotFoundThere() {
        catalog.createEvent(event("a", "A"));
        catalog.createEvent(event("b", "B"));
        catalog.addPhoto(photo("a", "0001", "a.jpg", "x"));

        assertThat(catalog.findPhoto("b", "0001")).isEmpty();
    }

    @Test
    void paging_visitsEveryPhotoOnce_withANullCursorAtTheEnd() {
        catalog.createEvent(event("e", "E"));
        for (int i = 0; i < 25; i++) {
            catalog.addPhoto(photo("e", String.format("%04d", i), i + ".jpg", "sha" + i));
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Photo> page = catalog.listPhotos("e", 10, cursor);
            page.items().forEach(p -> seen.add(p.id()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(25).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void allPhotosAndAllEvents_streamAcrossPages_inOrder() {
        for (int e = 0; e < 105; e++) {
            catalog.createEvent(event(String.format("ev-%03d", e), "E"));
        }
        for (int i = 0; i < 520; i++) {
            catalog.addPhoto(photo("ev-000", String.format("%04d", i), i + ".jpg", "sha" + i));
        }

        try (Stream<Photo> photos = catalog.allPhotos("ev-000");
             Stream<Event> events = catalog.allEvents()) {
            assertThat(photos.map(Photo::id).toList()).hasSize(520).isSorted().doesNotHaveDuplicates();
            assertThat(events.map(Event::slug).toList()).hasSize(105).isSorted();
        }
        try (Stream<Photo> none = catalog.allPhotos("ev-001")) {
            assertThat(none).isEmpty();
        }
    }

    @Test
    void aForgedCursor_isABadRequest() {
        assertThatThrownBy(() -> catalog.listPhotos("e", 10, "%%%not-base64"))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }

    @Test
    void filenameClaims_areExclusive_untilReleased() {
        catalog.createEvent(event("e", "E"));

        assertThat(catalog.claimFilename("e", "IMG_1.JPG")).isTrue();
        assertThat(catalog.claimFilename("e", "IMG_1.JPG")).isFalse();
        assertThat(catalog.claimFilename("other", "IMG_1.JPG")).isTrue();
        catalog.releaseFilename("e", "IMG_1.JPG");
        assertThat(catalog.claimFilename("e", "IMG_1.JPG")).isTrue();
    }

    @Test
    void deletingAPhoto_freesItsBytes_keepsItsNameUntilTheTombstoneIsCleared_andBumpsTheRevision() {
        catalog.createEvent(event("e", "E"));
        catalog.claimFilename("e", "a.jpg");
        catalog.addPhoto(photo("e", "0001", "a.jpg", "sha-a"));

        assertThat(catalog.deletePhoto("e", "0001")).isTrue();
        assertThat(catalog.deletePhoto("e", "0001")).isFalse();

        Event after = catalog.findEvent("e").orElseThrow();
        assertThat(after.revision()).isEqualTo(2);
        assertThat(after.photoCount()).isZero();
        assertThat(catalog.findTombstone("e", "0001")).hasValueSatisfying(t -> {
            assertThat(t.filename()).isEqualTo("a.jpg");
            assertThat(t.originalKey()).isEqualTo("events/active/e/a.jpg");
        });
        assertThat(catalog.claimFilename("e", "a.jpg")).as("taken by the tombstone").isFalse();
        assertThat(catalog.leaseFilename("e", "a.jpg", Instant.now().plusSeconds(86_400 * 365),
                Duration.ofHours(1))).as("and it never runs out").isEmpty();
        catalog.clearTombstone("e", "a.jpg", "0001");
        assertThat(catalog.findTombstone("e", "0001")).isEmpty();
        assertThat(catalog.claimFilename("e", "a.jpg")).isTrue();
        catalog.addPhoto(photo("e", "0002", "a.jpg", "sha-a"));
    }

    @Test
    void concurrentUpdates_loseNoRevisionBump() throws Exception {
        catalog.createEvent(event("e", "E"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                futures.add(pool.submit(() -> catalog.addPhoto(photo("e", String.format("%04d", n), n + ".jpg", "s" + n))));
                futures.add(pool.submit(() -> catalog.updateEvent("e", ev -> withTitle(ev, "title " + n))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        Event after = catalog.findEvent("e").orElseThrow();
        assertThat(after.revision()).isEqualTo(10);
        assertThat(after.photoCount()).isEqualTo(10);
        assertThat(after.title()).startsWith("title ");
    }

    @Test
    void deletingAnEvent_removesItAndAllItsRows_andListingShowsTheRest() {
        catalog.createEvent(event("a", "A"));
        catalog.createEvent(event("b", "B"));
        for (int i = 0; i < 30; i++) {
            catalog.addPhoto(photo("a", String.format("%04d", i), i + ".jpg", "s" + i));
        }

        catalog.deleteEvent("a");

        assertThat(catalog.findEvent("a")).isEmpty();
        assertThat(catalog.listPhotos("a", 100, null).items()).isEmpty();
        assertThat(catalog.listEvents(10, null).items()).extracting(Event::slug).containsExactly("b");
    }

    @Test
    void events_listInSlugOrder_acrossPages() {
        for (String slug : List.of("c", "a", "e", "b", "d")) {
            catalog.createEvent(event(slug, slug.toUpperCase()));
        }

        Page<Event> first = catalog.listEvents(3, null);
        Page<Event> second = catalog.listEvents(3, first.nextCursor());

        assertThat(first.items()).extracting(Event::slug).containsExactly("a", "b", "c");
        assertThat(second.items()).extracting(Event::slug).containsExactly("d", "e");
        assertThat(second.nextCursor()).isNull();
    }

    @Test
    void createTable_isIdempotent() {
        String table = TestDynamo.createTable();

        DynamoCatalog.createTableIfMissing(TestDynamo.client(), table);

        assertThat(TestDynamo.client().describeTable(b -> b.tableName(table)).table().tableName()).isEqualTo(table);
    }

    static Event event(String slug, String title) {
        return new Event(slug, title, null, null, true, true, false, false, 0, null, null, 0, NOW, NOW, null);
    }

    static Event withTitle(Event e, String title) {
        return new Event(e.slug(), title, e.passwordHash(), e.expiresAt(), e.active(), e.allowDownloads(),
                e.watermarkDownloads(), e.allowDirectS3Download(), e.revision(), e.heroPhotoId(), e.heroKey(),
                e.photoCount(), e.createdAt(), e.updatedAt(), e.archivedAt());
    }

    static Photo photo(String slug, String id, String filename, String sha) {
        return new Photo(id, slug, "events/active/" + slug + "/" + filename, "thumbnails/" + slug + "/" + id + ".jpg",
                filename, "image/jpeg", 1234, 99, sha, 4000, 3000, NOW.minusSeconds(86400), NOW, PhotoSource.UPLOAD);
    }
}
