package com.picpeak.autoimport;

import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.downloadall.DownloadAllService;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.ingest.ImportService;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.media.RenditionMaker;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.ExternalMediaStore;
import com.picpeak.storage.LocalBlobStore;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The folder watcher on a real file system, importing through the real ImportService into DynamoDB Local. */
class LocalFolderWatcherTest {
    static final Duration SETTLE = Duration.ofMillis(300);

    @TempDir
    Path root;
    @TempDir
    Path externalRoot;
    BlobStore store;
    DynamoCatalog catalog;
    AutoImportState state;
    ImportService imports;
    EventService events;
    LocalFolderWatcher watcher;

    @BeforeEach
    void setUp() {
        store = new ExternalMediaStore(new LocalBlobStore(root), externalRoot);
        String table = TestDynamo.createTable();
        catalog = new DynamoCatalog(TestDynamo.client(), table);
        state = new AutoImportState(new DynamoTable(TestDynamo.client(), table));
        imports = new ImportService(catalog, store, new ImageProbe(), new ImageScaler(), Clock.systemUTC(), 10_000_000);
        events = new EventService(catalog, store, new PasswordHasher(1000), Clock.systemUTC());
        events.create("wedding", new EventPatch("Wedding", null, null, false, null, null, null, null));
        watcher = new LocalFolderWatcher(catalog, store, imports, state, Optional.of(root), Optional.of(externalRoot),
                Clock.systemUTC(), SETTLE, Duration.ofMillis(200));
        watcher.start();
    }

    @AfterEach
    void tearDown() {
        watcher.close();
        store.close();
    }

    Path eventFolder(String slug) {
        return root.resolve("events/active/" + slug);
    }

    long photos(String slug) {
        return catalog.allPhotos(slug).count();
    }

    @Test
    void twentyCopiedJpegs_appearInTheGallery_asWatchImports() throws IOException {
        await().until(() -> Files.isDirectory(eventFolder("wedding"))); // made for the photographer
        for (int i = 0; i < 20; i++) {
            Files.write(eventFolder("wedding").resolve("IMG_" + i + ".jpg"),
                    TestImages.jpeg(TestImages.noisyHalves(200, 150, i)));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> photos("wedding") == 20);
        assertThat(catalog.allPhotos("wedding")).allSatisfy(p -> assertThat(p.source()).isEqualTo(PhotoSource.WATCH));
        assertThat(catalog.findEvent("wedding").orElseThrow().photoCount()).isEqualTo(20);
    }

    @Test
    void anImportedFileReplacedByAnother_becomesThatPhotosNewVersion_andDownloadAllStaysWhole() throws Exception {
        await().until(() -> Files.isDirectory(eventFolder("wedding")));
        byte[] first = TestImages.jpeg(TestImages.noisyHalves(400, 300, 61));
        Files.write(eventFolder("wedding").resolve("IMG_1.jpg"), first);
        await().atMost(Duration.ofSeconds(30)).until(() -> photos("wedding") == 1);
        Photo before = catalog.allPhotos("wedding").findFirst().orElseThrow();
        long revision = catalog.findEvent("wedding").orElseThrow().revision();

        byte[] second = TestImages.jpeg(TestImages.noisyHalves(640, 480, 62)); // another photo copied over it
        Path temp = eventFolder("wedding").resolve(".copying");
        Files.write(temp, second);
        Files.move(temp, eventFolder("wedding").resolve("IMG_1.jpg"), StandardCopyOption.REPLACE_EXISTING);

        await().atMost(Duration.ofSeconds(30)).until(() ->
                catalog.findPhoto("wedding", before.id()).orElseThrow().sha256().equals(TestData.sha256(second)));
        Photo after = catalog.findPhoto("wedding", before.id()).orElseThrow();
        assertThat(after.size()).isEqualTo(second.length);
        assertThat(after.crc32()).isEqualTo(TestData.crc32(second));
        assertThat(after.width()).isEqualTo(640);
        assertThat(photos("wedding")).as("the same photo, not a second one").isEqualTo(1);
        assertThat(catalog.findEvent("wedding").orElseThrow().revision()).isGreaterThan(revision);
        DownloadAllService archives = new DownloadAllService(catalog, store,
                new RenditionMaker(store, new ImageProbe(), new ImageScaler()), Clock.systemUTC());
        DownloadAllService.Archive archive = archives.current(catalog.findEvent("wedding").orElseThrow());
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        archives.writeFromOriginals(archive, zip);
        assertThat((long) zip.size()).as("the length Download All promises is the one it delivers").isEqualTo(archive.length());
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.toByteArray()))) {
            assertThat(in.getNextEntry().getName()).isEqualTo("IMG_1.jpg");
            assertThat(in.readAllBytes()).isEqualTo(second);
        }
    }

    @Test
    void aSameSizeEditThatKeepsTheModificationTime_isThePhotosNewVersion() throws Exception {
        await().until(() -> Files.isDirectory(eventFolder("wedding")));
        byte[] pixels = TestImages.jpeg(TestImages.noisyHalves(400, 300, 63));
        byte[] first = withComment(pixels, "edit A");
        byte[] second = withComment(pixels, "edit B"); // same size, other bytes
        Path file = eventFolder("wedding").resolve("IMG_2.jpg");
        Files.write(file, first);
        await().atMost(Duration.ofSeconds(30)).until(() -> photos("wedding") == 1);
        Photo before = catalog.allPhotos("wedding").findFirst().orElseThrow();
        assertThat(before.sha256()).isEqualTo(TestData.sha256(first));

        FileTime time = Files.getLastModifiedTime(file);
        Files.write(file, second);
        Files.setLastModifiedTime(file, time); // size and time as they were: only the bytes tell
        await().atMost(Duration.ofSeconds(30)).until(() ->
                catalog.findPhoto("wedding", before.id()).orElseThrow().sha256().equals(TestData.sha256(second)));
        assertThat(catalog.findPhoto("wedding", before.id()).orElseThrow().crc32()).isEqualTo(TestData.crc32(second));
        assertThat(photos("wedding")).isEqualTo(1);
    }

    /** The JPEG with a comment segment right after its start: the same pixels, bytes of the text's choosing. */
    private static byte[] withComment(byte[] jpeg, String text) {
        byte[] comment = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        int length = comment.length + 2;
        out.write(new byte[]{(byte) 0xFF, (byte) 0xFE, (byte) (length >> 8), (byte) length}, 0, 4);
        out.write(comment, 0, comment.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    @Test
    void aFileWrittenSlowly_isImportedWhole_notHalfWritten() throws Exception {
        await().until(() -> Files.isDirectory(eventFolder("wedding")));
        byte[] jpeg = TestImages.jpeg(TestImages.noisyHalves(800, 600, 42));
        Path target = eventFolder("wedding").resolve("slow.jpg");
        try (OutputStream out = Files.newOutputStream(target)) {
            int chunk = jpeg.length / 5;
            for (int i = 0; i < 5; i++) {
                int end = i == 4 ? jpeg.length : (i + 1) * chunk;
                out.write(jpeg, i * chunk, end - i * chunk);
                out.flush();
                // shorter than the settle time: the size keeps changing between the watcher's looks
                long pauseUntil = System.nanoTime() + SETTLE.toNanos() / 3;
                await().pollInterval(Duration.ofMillis(10)).until(() -> System.nanoTime() >= pauseUntil);
                assertThat(photos("wedding")).isZero();
            }
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> photos("wedding") == 1);
        assertThat(catalog.allPhotos("wedding").toList()).singleElement()
                .satisfies(p -> assertThat(p.sha256()).isEqualTo(TestData.sha256(jpeg)));
    }

    @Test
    void dotFiles_andNonImages_areNotImported_andANewEventIsWatchedWithoutRestart() throws IOException {
        events.create("party", new EventPatch("Party", null, null, false, null, null, null, null));
        await().until(() -> Files.isDirectory(eventFolder("party")));
        Files.write(eventFolder("party").resolve(".hidden.jpg"), TestImages.jpeg(TestImages.noisyHalves(50, 50, 1)));
        Files.writeString(eventFolder("party").resolve("readme.txt"), "hello");
        Files.write(eventFolder("party").resolve("ok.jpg"), TestImages.jpeg(TestImages.noisyHalves(50, 50, 2)));

        await().atMost(Duration.ofSeconds(30)).until(() -> photos("party") == 1);
        assertThat(catalog.allPhotos("party").map(Photo::filename).toList()).containsExactly("ok.jpg");
    }

    @Test
    void aBurstOfAThousandFiles_isImportedCompletely() throws IOException {
        await().until(() -> Files.isDirectory(eventFolder("wedding")));
        for (int i = 0; i < 1000; i++) {
            Files.write(eventFolder("wedding").resolve(String.format("burst-%04d.jpg", i)),
                    TestImages.jpeg(TestImages.noisyHalves(32, 24, 10_000 + i)));
        }

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> photos("wedding") == 1000);
        assertThat(watcher.imported()).isEqualTo(1000);
    }

    @Test
    void aReferencedFolder_isImportedByReference_servedFromTheFolder_andNeverCopied() throws IOException {
        Path folder = Files.createDirectories(externalRoot.resolve("2026/smith"));
        byte[] jpeg = TestImages.jpeg(TestImages.noisyHalves(300, 200, 7));
        Files.write(folder.resolve("ext-1.jpg"), jpeg);
        events.create("smith", new EventPatch("Smith", null, null, false, null, null, null, null));
        ExternalFolders external = new ExternalFolders(catalog, state, Optional.of(externalRoot));

        assertThat(external.link("smith", "2026/smith/")).isEqualTo("2026/smith");
        await().atMost(Duration.ofSeconds(30)).until(() -> photos("smith") == 1);
        Files.write(folder.resolve("ext-2.jpg"), TestImages.jpeg(TestImages.noisyHalves(300, 200, 8)));
        await().atMost(Duration.ofSeconds(30)).until(() -> photos("smith") == 2);

        Photo first = catalog.allPhotos("smith").filter(p -> p.filename().equals("ext-1.jpg")).findFirst().orElseThrow();
        assertThat(first.source()).isEqualTo(PhotoSource.EXTERNAL);
        assertThat(first.key()).isEqualTo("external/2026/smith/ext-1.jpg");
        try (BlobRead read = store.get(first.key())) {
            assertThat(read.stream().readAllBytes()).isEqualTo(jpeg);
        }
        assertThat(store.head(first.thumbnailKey())).isPresent(); // thumbnails live in the backend
        try (var files = Files.walk(root)) { // the original was never copied into the backend
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("ext-"))).isEmpty();
        }

        events.deletePhoto("smith", first.id()); // forgets the row; the photographer's file stays, not re-imported
        assertThat(folder.resolve("ext-1.jpg")).exists();
        Files.write(folder.resolve("ext-3.jpg"), TestImages.jpeg(TestImages.noisyHalves(300, 200, 9)));
        await().atMost(Duration.ofSeconds(30)).until(() -> photos("smith") == 2);
        assertThat(catalog.allPhotos("smith").map(Photo::filename)).containsExactlyInAnyOrder("ext-2.jpg", "ext-3.jpg");
    }

    @Test
    void aLinkLeadingOutOfTheRoot_isSkipped_andTheFilesAfterItStillArrive() throws IOException {
        await().until(() -> Files.isDirectory(eventFolder("wedding")));
        Path outside = Files.write(Files.createTempDirectory("picpeak-outside-the-root").resolve("secret.jpg"),
                TestImages.jpeg(TestImages.noisyHalves(60, 40, 5)));
        Files.createSymbolicLink(eventFolder("wedding").resolve("a-link.jpg"), outside);
        for (int i = 0; i < 3; i++) {
            Files.write(eventFolder("wedding").resolve("z-" + i + ".jpg"), TestImages.jpeg(TestImages.noisyHalves(80, 60, 70 + i)));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> photos("wedding") == 3);
        assertThat(catalog.allPhotos("wedding").map(Photo::filename)).containsExactlyInAnyOrder("z-0.jpg", "z-1.jpg", "z-2.jpg");
    }

    @Test
    void aFolderOutsideTheRoot_isRefused() throws IOException {
        ExternalFolders external = new ExternalFolders(catalog, state, Optional.of(externalRoot));
        Path outside = Files.createDirectories(root.resolve("elsewhere"));
        Files.createSymbolicLink(externalRoot.resolve("escape"), outside);

        for (String bad : List.of("../elsewhere", "/etc", "escape", "a/../../b", "missing-folder", "")) {
            assertThatThrownBy(() -> external.link("wedding", bad)).as(bad)
                    .isInstanceOfSatisfying(PicPeakException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST));
        }
        assertThat(state.externalFolder("wedding")).isEmpty();
        assertThatThrownBy(() -> new ExternalFolders(catalog, state, Optional.empty()).link("wedding", "x"))
                .hasMessageContaining("EXTERNAL_MEDIA_ROOT");
    }
}
