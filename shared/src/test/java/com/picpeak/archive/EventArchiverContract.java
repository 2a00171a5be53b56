package com.picpeak.archive;

import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.Thumbnailer;
import com.picpeak.media.WatermarkService;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Archiving expired events, and restoring them, on a real catalog and each backend (subclasses). */
abstract class EventArchiverContract {
    BlobStore store;
    DynamoCatalog catalog;
    EventService events;
    ImportService imports;
    EventArchiver archiver;
    com.picpeak.testing.TestClock clock = new com.picpeak.testing.TestClock(Instant.parse("2026-11-25T10:00:00Z"));

    @TempDir
    Path scratch;

    protected abstract BlobStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
        catalog = TestDynamo.newCatalog();
        imports = new ImportService(catalog, store, new ImageProbe(), new Thumbnailer(), clock, 10_000_000);
        ArchiveService archives = new ArchiveService(catalog, store,
                new WatermarkService(store, new ImageProbe(), new Thumbnailer()), clock);
        archiver = new EventArchiver(catalog, store, archives, imports, clock);
        events = new EventService(catalog, store, new PasswordHasher(1000), clock);
        createEvent("old", Instant.parse("2026-11-01T00:00:00Z"), 3);
        createEvent("current", Instant.parse("2027-01-01T00:00:00Z"), 1);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void archiving_writesAVerifiedZip_thenRemovesTheOriginalsAndEverythingDerived() throws Exception {
        List<Photo> photos = catalog.listPhotos("old", 10, null).items();
        Photo hero = photos.get(0);
        events.setHero("old", hero.id(), Keys.hero("old", hero.id()));
        store.put(Keys.hero("old", hero.id()), new ByteArrayInputStream(new byte[] {1}), com.picpeak.storage.PutOptions.of(null));

        EventArchiver.Result result = archiver.archive("old");

        assertThat(result.key()).isEqualTo("events/archived/old.zip");
        assertThat(result.photos()).isEqualTo(3);
        assertThat(store.head("events/archived/old.zip").orElseThrow().size()).isEqualTo(result.length());
        assertThat(keys("events/active/old/")).isEmpty();
        assertThat(keys("thumbnails/old/")).isEmpty();
        assertThat(keys("heroes/old/")).isEmpty();
        assertThat(keys("events/active/current/")).hasSize(1);
        Event archived = catalog.findEvent("old").orElseThrow();
        assertThat(archived.isArchived()).isTrue();
        assertThat(archived.active()).isFalse();
        assertThat(catalog.listPhotos("old", 10, null).items()).hasSize(3);
        assertThatThrownBy(() -> archiver.archive("old")).isInstanceOfSatisfying(PicPeakException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void restoring_putsEveryPhotoBackCheckedBySha256_withThumbnailsAndHero() throws Exception {
        List<Photo> photos = catalog.listPhotos("old", 10, null).items();
        events.setHero("old", photos.get(1).id(), Keys.hero("old", photos.get(1).id()));
        archiver.archive("old");

        Event restored = archiver.restore("old");

        assertThat(restored.isArchived()).isFalse();
        assertThat(restored.active()).isTrue();
        for (Photo photo : photos) {
            try (BlobRead read = store.get(photo.key())) {
                assertThat(TestData.sha256(read.stream())).isEqualTo(photo.sha256());
            }
            assertThat(TestImages.decode(bytes(photo.thumbnailKey())).getWidth()).isEqualTo(300);
        }
        assertThat(TestImages.decode(bytes(Keys.hero("old", photos.get(1).id()))).getWidth()).isEqualTo(1920);
        assertThat(store.head("events/archived/old.zip")).isEmpty();
    }

    @Test
    void aMissingOriginal_failsTheArchive_andRemovesNothing() {
        Photo gone = catalog.listPhotos("old", 10, null).items().get(2);
        store.delete(gone.key());

        assertThatThrownBy(() -> archiver.archive("old")).isInstanceOf(PicPeakException.class)
                .hasMessageContaining(gone.key());

        assertThat(store.head("events/archived/old.zip")).isEmpty();
        assertThat(keys("events/active/old/")).hasSize(2);
        assertThat(keys("thumbnails/old/")).hasSize(3);
        assertThat(catalog.findEvent("old").orElseThrow().isArchived()).isFalse();
        assertThat(catalog.findEvent("old").orElseThrow().active()).as("shown to guests again").isTrue();
    }

    @Test
    void anArchivedEvent_refusesNewPhotos_untilRestored() {
        archiver.archive("old");

        assertThatThrownBy(() -> imports.importStream("old", "late.jpg", new ByteArrayInputStream(
                TestImages.jpeg(TestImages.noisyHalves(100, 80, 77))), PhotoSource.UPLOAD))
                .isInstanceOfSatisfying(PicPeakException.class, e -> assertThat(e.getMessage()).contains("archived"));
    }

    @Test
    void theSweep_archivesOnlyExpiredEventsWithPhotos() {
        createEvent("expired-empty", Instant.parse("2026-10-01T00:00:00Z"), 0);

        List<EventArchiver.Result> archived = archiver.sweepExpired();

        assertThat(archived).extracting(EventArchiver.Result::slug).containsExactly("old");
        assertThat(catalog.findEvent("current").orElseThrow().isArchived()).isFalse();
        assertThat(archiver.sweepExpired()).isEmpty();
    }

    private void createEvent(String slug, Instant expiresAt, int photos) {
        events.create(slug, new EventPatch(slug, null, expiresAt, false, null, null, null, null));
        for (int i = 0; i < photos; i++) {
            imports.importStream(slug, "IMG_" + i + ".jpg", new ByteArrayInputStream(
                    TestImages.jpeg(TestImages.noisyHalves(320, 240, slug.hashCode() + i))), PhotoSource.UPLOAD);
        }
    }

    private List<String> keys(String prefix) {
        try (Stream<BlobInfo> listing = store.list(prefix)) {
            return listing.map(BlobInfo::key).toList();
        }
    }

    private byte[] bytes(String key) throws Exception {
        try (BlobRead read = store.get(key)) {
            return read.stream().readAllBytes();
        }
    }
}
