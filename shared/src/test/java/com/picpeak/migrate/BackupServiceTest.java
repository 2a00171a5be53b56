package com.picpeak.migrate;

import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.Thumbnailer;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.LocalBlobStore;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Backups of catalog and manifest to a folder or an S3 prefix, and a restore into an empty catalog. */
class BackupServiceTest {
    @TempDir
    Path dir;

    LocalBlobStore store;
    DynamoCatalog catalog;

    @BeforeEach
    void seed() {
        store = new LocalBlobStore(dir.resolve("storage"));
        catalog = TestDynamo.newCatalog();
        EventService events = new EventService(catalog, store, new PasswordHasher(1000), Clock.systemUTC());
        ImportService imports = new ImportService(catalog, store, new ImageProbe(), new Thumbnailer(), Clock.systemUTC(), 10_000_000);
        events.create("wedding", new EventPatch("Wedding", "secret", null, false, null, null, null, null));
        events.create("party", new EventPatch("Party", null, null, false, null, false, null, null));
        for (int i = 0; i < 3; i++) {
            imports.importStream("wedding", "IMG_" + i + ".jpg", new ByteArrayInputStream(
                    TestImages.jpeg(TestImages.noisyHalves(160, 120, i))), PhotoSource.UPLOAD);
        }
        imports.importStream("party", "p.jpg", new ByteArrayInputStream(
                TestImages.jpeg(TestImages.noisyHalves(160, 120, 9))), PhotoSource.UPLOAD);
        Photo hero = catalog.listPhotos("wedding", 1, null).items().get(0);
        events.setHero("wedding", hero.id(), "heroes/wedding/" + hero.id() + ".jpg");
    }

    @Test
    void aBackupToAFolder_restoresTheSameCatalog_intoAnEmptyTable() throws Exception {
        LocalBlobStore destination = new LocalBlobStore(dir.resolve("backup"));

        BackupService.BackupSummary summary = new BackupService(catalog, store, Clock.systemUTC()).backup(destination, dir);

        assertThat(summary.events()).isEqualTo(2);
        assertThat(summary.photos()).isEqualTo(4);
        assertThat(summary.objects()).isEqualTo(8); // 4 originals and 4 thumbnails
        assertThat(read(destination, BackupService.MANIFEST)).contains("\"key\":\"events/active/wedding/IMG_0.jpg\"")
                .contains("\"sha256\":\"" + catalog.listPhotos("wedding", 1, null).items().get(0).sha256() + "\"");

        DynamoCatalog fresh = TestDynamo.newCatalog();
        BackupService.RestoreSummary restored = new BackupService(fresh, store, Clock.systemUTC()).restore(destination);

        assertThat(restored.events()).isEqualTo(2);
        assertThat(restored.photos()).isEqualTo(4);
        assertThat(restored.objectsMissingOrDifferent()).isEmpty();
        for (String slug : List.of("wedding", "party")) {
            assertThat(fresh.findEvent(slug)).isEqualTo(catalog.findEvent(slug));
            assertThat(fresh.listPhotos(slug, 10, null).items()).isEqualTo(catalog.listPhotos(slug, 10, null).items());
        }
        assertThat(fresh.claimFilename("wedding", "IMG_0.jpg")).as("name claims are restored").isFalse();
        assertThat(new BackupService(fresh, store, Clock.systemUTC()).restore(destination).eventsSkipped()).isEqualTo(2);
    }

    @Test
    void aBackupToAnS3Prefix_andTheManifestFindsWhatTheStoreLost() {
        try (BlobStore destination = TestS3Server.shared().newStore("backups")) {
            new BackupService(catalog, store, Clock.systemUTC()).backup(destination, dir);
            Photo lost = catalog.listPhotos("party", 1, null).items().get(0);
            store.delete(lost.key());

            BackupService.RestoreSummary restored = new BackupService(TestDynamo.newCatalog(), store, Clock.systemUTC())
                    .restore(destination);

            assertThat(restored.objectsMissingOrDifferent()).containsExactly(lost.key());
            assertThat(destination.head(BackupService.SUMMARY)).isPresent();
        }
    }

    private static String read(BlobStore store, String key) throws Exception {
        try (BlobRead read = store.get(key)) {
            return new String(read.stream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
