package com.picpeak.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.LocalBlobStore;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backups of catalog and manifest to a folder or an S3 prefix, and a restore into an empty catalog. */
class BackupServiceTest {
    @TempDir
    Path dir;

    LocalBlobStore store;
    DynamoCatalog catalog;

    /** The EXTERNAL_MEDIA_ROOT of the restoring server: the folder 2026/party, and a symlink "out" leading out of it. */
    Path externalRoot;

    @BeforeEach
    void seed() throws Exception {
        store = new LocalBlobStore(dir.resolve("storage"));
        catalog = TestDynamo.newCatalog();
        seed(store, catalog);
        externalRoot = Files.createDirectories(dir.resolve("external"));
        Files.createDirectories(externalRoot.resolve("2026/party"));
        Files.createSymbolicLink(externalRoot.resolve("out"), dir.resolve("storage"));
    }

    private BackupService restoring(DynamoCatalog into, BlobStore objects) {
        return new BackupService(into, objects, Clock.systemUTC(), Optional.of(externalRoot));
    }

    /** Two events, "party" (one photo) and "wedding" (three, the first its hero), imported into {@code store}. */
    private static void seed(BlobStore store, DynamoCatalog catalog) {
        EventService events = new EventService(catalog, store, new PasswordHasher(1000), Clock.systemUTC());
        ImportService imports = new ImportService(catalog, store, new ImageProbe(), new ImageScaler(), Clock.systemUTC(), 10_000_000);
        events.create("wedding", new EventPatch("Wedding", "secret", null, false, null, null, null, null, null,
                List.of("web"))); // a download size besides the original: restored with the event
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

    /**
     * A backup edited by hand or by an attacker. Each edit is to the LAST event of the file ("wedding" comes after
     * "party"), so a restore that wrote as it read would have written "party" before meeting it.
     */
    enum Crafted {
        FILENAME_CLIMBS_OUT("file name '../party/p.jpg'", rows -> {
            Map<String, Object> photo = photoOf(rows, "wedding", 0);
            photo.put("filename", "../party/p.jpg");
            photo.put("key", "events/active/wedding/../party/p.jpg");
        }),
        KEY_IN_ANOTHER_EVENTS_FOLDER("'events/active/party/p.jpg'", rows ->
                photoOf(rows, "wedding", 0).put("key", "events/active/party/p.jpg")),
        SLUG_WITH_A_SLASH("event slug 'wed/ding'", rows -> rows.stream()
                .filter(row -> "wedding".equals(row.get("slug")) || "wedding".equals(row.get("event")))
                .forEach(row -> {
                    row.replaceAll((field, value) -> value instanceof String text
                            ? text.replace("/wedding/", "/wed/ding/") : value);
                    row.computeIfPresent("slug", (field, value) -> "wed/ding");
                    row.computeIfPresent("event", (field, value) -> "wed/ding");
                })),
        THUMBNAIL_ELSEWHERE("'thumbnails/party/", rows -> photoOf(rows, "wedding", 0).put("thumbnailKey",
                "thumbnails/party/" + photoOf(rows, "party", 0).get("id") + ".jpg")),
        HERO_OF_ANOTHER_EVENT("'heroes/party/", rows -> eventOf(rows, "wedding").put("heroKey",
                "heroes/party/" + eventOf(rows, "wedding").get("heroPhotoId") + ".jpg")),
        PHOTO_ID_NOT_AN_ID("photo id '../x'", rows -> {
            Map<String, Object> photo = photoOf(rows, "wedding", 1);
            photo.put("id", "../x");
            photo.put("thumbnailKey", "thumbnails/wedding/../x.jpg");
        }),
        EXTERNAL_KEY_CLIMBS_OUT("'external/../events/active/party/p.jpg'", rows -> {
            Map<String, Object> photo = photoOf(rows, "wedding", 2);
            photo.put("source", "external");
            photo.put("key", "external/../events/active/party/p.jpg");
            photo.put("filename", "p.jpg");
        }),
        PHOTO_OF_ANOTHER_EVENT("event 'party'", rows -> photoOf(rows, "wedding", 0).put("event", "party")),
        /** Each guess at the gallery would cost 48 times the CPU of a hash this server makes. */
        PBKDF2_ITERATIONS_UNBOUNDED("\"passwordHash\"", rows -> eventOf(rows, "wedding").computeIfPresent("passwordHash",
                (field, hash) -> ((String) hash).replaceFirst("\\$[0-9]+\\$", "\\$9999999\\$"))),
        PBKDF2_ITERATIONS_OF_ONE("\"passwordHash\"", rows -> eventOf(rows, "wedding").computeIfPresent("passwordHash",
                (field, hash) -> ((String) hash).replaceFirst("\\$[0-9]+\\$", "\\$1\\$"))),
        TITLE_WITH_CONTROL_CHARACTERS("\"title\"", rows -> eventOf(rows, "wedding").put("title",
                "Wedding\u001b[2J\r\nadmin token: see attachment")),
        EXTERNAL_FOLDER_NOT_UNDER_THE_ROOT("'elsewhere/2026'", rows -> {
            Map<String, Object> photo = photoOf(rows, "wedding", 2);
            photo.put("source", "external");
            photo.put("key", "external/elsewhere/2026/" + photo.get("filename"));
        }),
        /** "out" is a symlink in the root leading to the store's own folder: another event's original. */
        EXTERNAL_FOLDER_THROUGH_A_SYMLINK("'out/events/active/party'", rows -> {
            Map<String, Object> photo = photoOf(rows, "wedding", 2);
            photo.put("source", "external");
            photo.put("filename", "p.jpg");
            photo.put("key", "external/out/events/active/party/p.jpg");
        });

        final String named;
        final Consumer<List<Map<String, Object>>> edit;

        Crafted(String named, Consumer<List<Map<String, Object>>> edit) {
            this.named = named;
            this.edit = edit;
        }
    }

    static Stream<Arguments> craftedBackups() {
        return Stream.of(Crafted.values()).flatMap(c -> Stream.of(Arguments.of(c, "local"), Arguments.of(c, "s3")));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("craftedBackups")
    void aCraftedBackup_isRefused_namingTheEntry_andNothingIsRestored(Crafted crafted, String backend) throws Exception {
        // GIVEN a store of either backend with its backup, whose catalog is then edited
        BlobStore objects = backend.equals("local") ? store : s3Store();
        DynamoCatalog source = backend.equals("local") ? catalog : seededCatalog(objects);
        BlobStore backup = backend.equals("local") ? new LocalBlobStore(dir.resolve("backup"))
                : TestS3Server.shared().newStore("crafted");
        new BackupService(source, objects, Clock.systemUTC()).backup(backup, dir);
        List<Map<String, Object>> rows = rows(backup);
        crafted.edit.accept(rows);
        writeRows(backup, rows);
        String table = TestDynamo.createTable();
        DynamoCatalog fresh = new DynamoCatalog(TestDynamo.client(), table);
        Map<String, Long> storeBefore = listing(objects);

        // WHEN it is restored
        // THEN it is refused naming the entry, and neither the catalog nor the store has changed
        assertThatThrownBy(() -> restoring(fresh, objects).restore(backup))
                .isInstanceOf(PicPeakException.class)
                .satisfies(e -> assertThat(((PicPeakException) e).errorCode().code()).isEqualTo("invalid_backup"))
                .satisfies(e -> assertThat(((PicPeakException) e).errorCode().httpStatus()).isEqualTo(422))
                .hasMessageContaining(BackupService.CATALOG + " line ")
                .hasMessageContaining(crafted.named)
                .hasMessageContaining("nothing was restored");
        assertThat(TestDynamo.client().scan(b -> b.tableName(table)).items()).as("rows written").isEmpty();
        assertThat(listing(objects)).isEqualTo(storeBefore);
        objects.close();
        backup.close();
    }

    @Test
    void aManifestKeyOutsideTheStore_isRefused_andNothingIsRestored() throws Exception {
        LocalBlobStore backup = new LocalBlobStore(dir.resolve("backup"));
        new BackupService(catalog, store, Clock.systemUTC()).backup(backup, dir);
        String manifest = read(backup, BackupService.MANIFEST) + "{\"key\":\"../../etc/passwd\",\"size\":1,"
                + "\"sha256\":\"" + "0".repeat(64) + "\"}\n";
        backup.put(BackupService.MANIFEST, new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8)),
                PutOptions.of("application/x-ndjson"));
        String table = TestDynamo.createTable();
        DynamoCatalog fresh = new DynamoCatalog(TestDynamo.client(), table);

        assertThatThrownBy(() -> new BackupService(fresh, store, Clock.systemUTC()).restore(backup))
                .isInstanceOf(PicPeakException.class)
                .hasMessageContaining(BackupService.MANIFEST + " line 9")
                .hasMessageContaining("'../../etc/passwd'");
        assertThat(TestDynamo.client().scan(b -> b.tableName(table)).items()).isEmpty();
    }

    @Test
    void aReferencedPhoto_isRestored_withItsExternalKey() {
        // GIVEN a backup of an event whose photo references a file under EXTERNAL_MEDIA_ROOT
        LocalBlobStore backup = new LocalBlobStore(dir.resolve("backup"));
        new BackupService(catalog, store, Clock.systemUTC()).backup(backup, dir);
        List<Map<String, Object>> rows = rows(backup);
        Map<String, Object> photo = photoOf(rows, "party", 0);
        photo.put("source", "external");
        photo.put("key", "external/2026/party/p.jpg");
        writeRows(backup, rows);

        // WHEN it is restored on a server whose EXTERNAL_MEDIA_ROOT has that folder THEN the row points at the file
        DynamoCatalog fresh = TestDynamo.newCatalog();
        restoring(fresh, store).restore(backup);

        Photo restored = fresh.listPhotos("party", 1, null).items().get(0);
        assertThat(restored.key()).isEqualTo("external/2026/party/p.jpg");
        assertThat(restored.source()).isEqualTo(PhotoSource.EXTERNAL);
    }

    @Test
    void aReferencedPhoto_onAServerWithoutAnExternalRoot_isRefused_namingTheSetting() {
        LocalBlobStore backup = new LocalBlobStore(dir.resolve("backup"));
        new BackupService(catalog, store, Clock.systemUTC()).backup(backup, dir);
        List<Map<String, Object>> rows = rows(backup);
        Map<String, Object> photo = photoOf(rows, "party", 0);
        photo.put("source", "external");
        photo.put("key", "external/2026/party/p.jpg");
        writeRows(backup, rows);
        String table = TestDynamo.createTable();
        DynamoCatalog fresh = new DynamoCatalog(TestDynamo.client(), table);

        assertThatThrownBy(() -> new BackupService(fresh, store, Clock.systemUTC()).restore(backup))
                .isInstanceOf(PicPeakException.class)
                .hasMessageContaining("EXTERNAL_MEDIA_ROOT").hasMessageContaining("nothing was restored");
        assertThat(TestDynamo.client().scan(b -> b.tableName(table)).items()).isEmpty();
    }

    @Test
    void hashesThisServerMakes_andTitlesOfEveryScript_areRestored() throws Exception {
        LocalBlobStore backup = new LocalBlobStore(dir.resolve("backup"));
        new BackupService(catalog, store, Clock.systemUTC()).backup(backup, dir);
        List<Map<String, Object>> rows = rows(backup);
        eventOf(rows, "wedding").put("passwordHash", new PasswordHasher().hash("secret")); // the default count
        eventOf(rows, "party").put("title", "Hochzeit \u05d7\u05ea\u05d5\u05e0\u05d4 \u200f\u0639\u0631\u0633 \uD83D\uDE00");
        writeRows(backup, rows);
        DynamoCatalog fresh = TestDynamo.newCatalog();

        restoring(fresh, store).restore(backup);

        assertThat(fresh.findEvent("party").orElseThrow().title()).isEqualTo(eventOf(rows, "party").get("title"));
        assertThat(new PasswordHasher().matches("secret", fresh.findEvent("wedding").orElseThrow().passwordHash())).isTrue();
    }

    private static S3BlobStore s3Store() {
        return TestS3Server.shared().newStore("restore");
    }

    private static DynamoCatalog seededCatalog(BlobStore objects) {
        DynamoCatalog seeded = TestDynamo.newCatalog();
        seed(objects, seeded);
        return seeded;
    }

    private static Map<String, Long> listing(BlobStore objects) {
        try (Stream<BlobInfo> all = objects.list("")) {
            return all.collect(Collectors.toMap(BlobInfo::key, BlobInfo::size));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(BlobStore backup) {
        try {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String line : read(backup, BackupService.CATALOG).split("\n")) {
                rows.add(JSON.readValue(line, LinkedHashMap.class));
            }
            return rows;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeRows(BlobStore backup, List<Map<String, Object>> rows) {
        StringBuilder text = new StringBuilder();
        try {
            for (Map<String, Object> row : rows) {
                text.append(JSON.writeValueAsString(row)).append('\n');
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        backup.put(BackupService.CATALOG, new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)),
                PutOptions.of("application/x-ndjson"));
    }

    private static Map<String, Object> eventOf(List<Map<String, Object>> rows, String slug) {
        return rows.stream().filter(r -> "event".equals(r.get("type")) && slug.equals(r.get("slug"))).findFirst()
                .orElseThrow();
    }

    private static Map<String, Object> photoOf(List<Map<String, Object>> rows, String slug, int index) {
        return rows.stream().filter(r -> "photo".equals(r.get("type")) && slug.equals(r.get("event")))
                .skip(index).findFirst().orElseThrow();
    }

    private static String read(BlobStore store, String key) throws Exception {
        try (BlobRead read = store.get(key)) {
            return new String(read.stream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
