package com.picpeak.ingest;

import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoIds;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.media.ImageProbe;
import com.picpeak.media.ImageScaler;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.PutOptions;
import com.picpeak.testing.DelegatingStore;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one import path on a real catalog (DynamoDB Local) and each storage backend (subclasses). Every
 * bad input is refused with its code, and leaves no object and no catalog change behind.
 */
abstract class ImportServiceContract {
    static final long MAX_UPLOAD = 150_000;

    BlobStore store;
    DynamoCatalog catalog;
    ImportService imports;
    byte[] jpeg;

    protected abstract BlobStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
        catalog = TestDynamo.newCatalog();
        imports = new ImportService(catalog, store, new ImageProbe(ImageProbe.DEFAULT_MAX_PIXELS), new ImageScaler(),
                Clock.systemUTC(), MAX_UPLOAD);
        new EventService(catalog, store, new PasswordHasher(1000), Clock.systemUTC())
                .create("wedding", new EventPatch("Wedding", null, null, false, null, null, null, null));
        jpeg = TestImages.jpeg(TestImages.noisyHalves(640, 480, 1));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aJpeg_isStoredUnderItsName_withThumbnailRowAndDigests() throws IOException {
        Photo photo = imports.importStream("wedding", "IMG_0001.JPG", new ByteArrayInputStream(jpeg), PhotoSource.UPLOAD);

        assertThat(photo.key()).isEqualTo("events/active/wedding/IMG_0001.JPG");
        assertThat(photo.thumbnailKey()).isEqualTo("thumbnails/wedding/" + photo.id() + ".jpg");
        assertThat(photo.size()).isEqualTo(jpeg.length);
        assertThat(photo.sha256()).isEqualTo(TestData.sha256(jpeg));
        assertThat(photo.crc32()).isEqualTo(TestData.crc32(jpeg));
        assertThat(photo.width()).isEqualTo(640);
        assertThat(photo.height()).isEqualTo(480);
        assertThat(photo.contentType()).isEqualTo("image/jpeg");
        assertThat(photo.source()).isEqualTo(PhotoSource.UPLOAD);
        assertThat(catalog.findPhoto("wedding", photo.id())).contains(photo);
        Event event = catalog.findEvent("wedding").orElseThrow();
        assertThat(event.revision()).isEqualTo(1);
        assertThat(event.photoCount()).isEqualTo(1);
        try (BlobRead original = store.get(photo.key())) {
            assertThat(original.stream().readAllBytes()).isEqualTo(jpeg);
        }
        try (BlobRead thumbnail = store.get(photo.thumbnailKey())) {
            BufferedImage image = ImageIO.read(thumbnail.stream());
            assertThat(image.getWidth()).isEqualTo(ImportService.THUMBNAIL_SIZE);
            assertThat(image.getHeight()).isEqualTo(ImportService.THUMBNAIL_SIZE);
        }
    }

    @Test
    void theFilesOfOneUpload_areImportedTogether_andReportedAndListedInTheirOrder() {
        List<byte[]> photos = List.of(jpeg(11), jpeg(12), "not a photo".getBytes(), jpeg(13), jpeg(14));
        List<ImportService.UploadedFile> files = new java.util.ArrayList<>();
        for (int i = 0; i < photos.size(); i++) {
            byte[] bytes = photos.get(i);
            files.add(new ImportService.UploadedFile("IMG_" + i + ".jpg", () -> new ByteArrayInputStream(bytes)));
        }

        List<ImportService.Outcome> outcomes = imports.importAll("wedding", files, PhotoSource.UPLOAD);

        assertThat(outcomes).extracting(ImportService.Outcome::filename)
                .containsExactly("IMG_0.jpg", "IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg", "IMG_4.jpg");
        assertThat(outcomes.get(2).photo()).isNull();
        assertThat(outcomes.get(2).failure().errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
        for (int i : new int[] {0, 1, 3, 4}) {
            assertThat(outcomes.get(i).failure()).isNull();
            assertThat(outcomes.get(i).photo().filename()).isEqualTo("IMG_" + i + ".jpg");
            assertThat(outcomes.get(i).photo().sha256()).isEqualTo(TestData.sha256(photos.get(i)));
        }
        assertThat(catalog.listPhotos("wedding", 10, null).items()).extracting(Photo::filename)
                .containsExactly("IMG_0.jpg", "IMG_1.jpg", "IMG_3.jpg", "IMG_4.jpg");
        Event event = catalog.findEvent("wedding").orElseThrow();
        assertThat(event.photoCount()).isEqualTo(4);
        assertThat(event.revision()).isEqualTo(4);
    }

    @Test
    void theImportsOfOneUpload_areBoundedByCoresAndHeap() {
        assertThat(ImportService.parallelism(16, 2, 4L << 30)).isEqualTo(2);      // the cores
        assertThat(ImportService.parallelism(1, 8, 4L << 30)).isEqualTo(1);       // the files
        assertThat(ImportService.parallelism(16, 8, 256L << 20)).isEqualTo(2);    // half the heap, 64 MB each
        assertThat(ImportService.parallelism(16, 8, 64L << 20)).isEqualTo(1);     // never fewer than one
    }

    @Test
    void theSameFileNameTwice_keepsBothPhotos() {
        byte[] other = TestImages.jpeg(TestImages.noisyHalves(320, 240, 2));

        Photo first = imports.importStream("wedding", "IMG_1.jpg", new ByteArrayInputStream(jpeg), PhotoSource.UPLOAD);
        Photo second = imports.importStream("wedding", "IMG_1.jpg", new ByteArrayInputStream(other), PhotoSource.UPLOAD);

        assertThat(first.filename()).isEqualTo("IMG_1.jpg");
        assertThat(second.filename()).isEqualTo("IMG_1-1.jpg");
        assertThat(store.head("events/active/wedding/IMG_1.jpg").orElseThrow().size()).isEqualTo(jpeg.length);
        assertThat(store.head("events/active/wedding/IMG_1-1.jpg").orElseThrow().size()).isEqualTo(other.length);
    }

    @Test
    void storageFailingWhileTheNameIsChecked_keepsNoClaim_andTheRetryGetsTheSameName() {
        ImportService failingOnce = new ImportService(catalog, new DelegatingStore(store) {
            boolean failed;

            @Override
            public Optional<BlobInfo> head(String key) {
                if (!failed) {
                    failed = true;
                    throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "the S3 store did not answer");
                }
                return super.head(key);
            }
        }, new ImageProbe(ImageProbe.DEFAULT_MAX_PIXELS), new ImageScaler(), Clock.systemUTC(), MAX_UPLOAD);

        assertThatThrownBy(() -> failingOnce.importStream("wedding", "IMG_0007.JPG", new ByteArrayInputStream(jpeg),
                PhotoSource.UPLOAD)).isInstanceOfSatisfying(PicPeakException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
        Photo retried = failingOnce.importStream("wedding", "IMG_0007.JPG", new ByteArrayInputStream(jpeg),
                PhotoSource.UPLOAD);

        assertThat(retried.filename()).isEqualTo("IMG_0007.JPG");
    }

    @Test
    void anOriginalLeftByAFailedImport_isTakenOverByTheRetry_butAFileDroppedInByHandIsNot() {
        // what an import stored (with its sha256) before the storage failed again while undoing it
        store.put("events/active/wedding/IMG_0008.JPG", new ByteArrayInputStream(jpeg), PutOptions.of("image/jpeg"));
        Photo retried = imports.importStream("wedding", "IMG_0008.JPG", new ByteArrayInputStream(jpeg), PhotoSource.UPLOAD);
        assertThat(retried.filename()).isEqualTo("IMG_0008.JPG");

        byte[] other = TestImages.jpeg(TestImages.noisyHalves(64, 48, 9));
        dropByHand("events/active/wedding/IMG_0009.JPG", other);
        Photo beside = imports.importStream("wedding", "IMG_0009.JPG", new ByteArrayInputStream(jpeg(2)), PhotoSource.UPLOAD);
        assertThat(beside.filename()).isEqualTo("IMG_0009-1.JPG");
    }

    /** A file that did not come through PicPeak (no sha256 recorded with it). */
    protected abstract void dropByHand(String key, byte[] bytes);

    private static byte[] jpeg(long seed) {
        return TestImages.jpeg(TestImages.noisyHalves(640, 480, seed));
    }

    @Test
    void theSameBytesTwice_areADuplicate_andTheSecondCopyIsNotKept() {
        Photo first = imports.importStream("wedding", "a.jpg", new ByteArrayInputStream(jpeg), PhotoSource.UPLOAD);

        assertRefused(() -> imports.importStream("wedding", "b.jpg", new ByteArrayInputStream(jpeg), PhotoSource.UPLOAD),
                ErrorCode.DUPLICATE_PHOTO, "photo " + first.id());

        assertThat(keys("events/active/wedding/")).containsExactly("events/active/wedding/a.jpg");
        assertThat(keys("thumbnails/wedding/")).containsExactly(first.thumbnailKey());
        assertThat(catalog.findEvent("wedding").orElseThrow().revision()).isEqualTo(1);
    }

    @Test
    void notAnImage_is415() {
        assertNothingKept(() -> upload("notes.jpg", "just some text, not a photo".getBytes()),
                ErrorCode.UNSUPPORTED_MEDIA_TYPE, "not a JPEG, PNG or WebP");
    }

    @Test
    void aTruncatedJpeg_is422() {
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);

        assertNothingKept(() -> upload("cut.jpg", truncated), ErrorCode.TRUNCATED_IMAGE, "cut.jpg");
    }

    @Test
    void zeroBytes_is400() {
        assertNothingKept(() -> upload("empty.jpg", new byte[0]), ErrorCode.EMPTY_FILE, "");
    }

    @Test
    void aPngDeclaring100000x100000Pixels_isRefusedFromItsHeader() {
        assertNothingKept(() -> upload("bomb.png", TestImages.pngHeaderOnly(100_000, 100_000)),
                ErrorCode.IMAGE_TOO_LARGE, "100000");
    }

    @Test
    void aFileOverTheSizeLimit_is413() {
        byte[] large = TestImages.jpeg(TestImages.noisyHalves(1600, 1200, 3));
        assertThat(large.length).isGreaterThan((int) MAX_UPLOAD);

        assertNothingKept(() -> upload("large.jpg", large), ErrorCode.FILE_TOO_LARGE, "PICPEAK_MAX_UPLOAD_BYTES");
    }

    @Test
    void badFileNames_are400() {
        for (String name : List.of("../escape.jpg", "a/b.jpg", "nul\u0000.jpg", "x".repeat(300) + ".jpg", ".hidden.jpg")) {
            assertNothingKept(() -> upload(name, jpeg), ErrorCode.INVALID_FILENAME, "file name");
        }
    }

    @Test
    void fileNamesTooLongForTheirStoredNames_are400_onEveryBackend() {
        // 245 to 255 bytes fit a file system, but not the names stored beside them (the local store's
        // metadata file adds ".properties", a second copy "-1"): refused alike on every backend
        for (int bytes : List.of(250, 245, 255, 241)) {
            String name = "x".repeat(bytes - 4) + ".jpg";
            assertNothingKept(() -> upload(name, jpeg), ErrorCode.INVALID_FILENAME, "longer than 240 bytes");
        }
        String multiByte = "\u00fc".repeat(119) + ".jpg"; // 242 bytes in UTF-8, 123 characters
        assertNothingKept(() -> upload(multiByte, jpeg), ErrorCode.INVALID_FILENAME, "longer than 240 bytes");
    }

    @Test
    void aFileNameAtTheLimit_isStored_andSoIsItsSecondCopy() {
        String name = "y".repeat(236) + ".jpg"; // 240 bytes
        byte[] other = TestImages.jpeg(TestImages.noisyHalves(320, 240, 5));

        Photo first = upload(name, jpeg);
        Photo second = upload(name, other);

        assertThat(first.filename()).isEqualTo(name);
        assertThat(second.filename()).isEqualTo("y".repeat(236) + "-1.jpg");
        assertThat(store.head(second.key()).orElseThrow().sha256()).contains(TestData.sha256(other));
    }

    @Test
    void aJpegWithMoreThanOneMiBOfMetadataBeforeItsFrameHeader_isImported_withItsOrientationAndThumbnail() throws IOException {
        byte[] photo = TestImages.withMetadata(TestImages.withExif(jpeg, 6, "2026:06:20 14:30:00"), 3 * 1024 * 1024);
        ImportService large = new ImportService(catalog, store, new ImageProbe(ImageProbe.DEFAULT_MAX_PIXELS),
                new ImageScaler(), Clock.systemUTC(), 10_000_000);

        Photo imported = large.importStream("wedding", "LIGHTROOM.jpg", new ByteArrayInputStream(photo), PhotoSource.UPLOAD);

        assertThat(imported.width()).isEqualTo(480); // EXIF orientation 6 (found after the 3 MiB): upright portrait
        assertThat(imported.height()).isEqualTo(640);
        assertThat(imported.takenAt()).isEqualTo(Instant.parse("2026-06-20T14:30:00Z"));
        assertThat(imported.sha256()).isEqualTo(TestData.sha256(photo));
        try (BlobRead thumbnail = store.get(imported.thumbnailKey())) {
            BufferedImage image = ImageIO.read(thumbnail.stream());
            assertThat(image.getWidth()).isEqualTo(ImportService.THUMBNAIL_SIZE);
        }
    }

    @Test
    void badSlugAndUnknownEvent_areRefused() {
        assertRefused(() -> imports.importStream("Bad Slug!", "a.jpg", new ByteArrayInputStream(jpeg), PhotoSource.UPLOAD),
                ErrorCode.INVALID_SLUG, "Bad Slug!");
        assertRefused(() -> imports.importStream("nope", "a.jpg", new ByteArrayInputStream(jpeg), PhotoSource.UPLOAD),
                ErrorCode.EVENT_NOT_FOUND, "nope");
        assertThat(keys("")).noneMatch(k -> k.contains("a.jpg"));
    }

    @Test
    void anObjectAlreadyInTheEventFolder_isImportedInPlace_once() {
        store.put("events/active/wedding/DROPPED.jpg", new ByteArrayInputStream(jpeg), PutOptions.of("image/jpeg"));

        Photo photo = imports.importStored("wedding", "events/active/wedding/DROPPED.jpg", PhotoSource.WATCH);

        assertThat(photo.key()).isEqualTo("events/active/wedding/DROPPED.jpg");
        assertThat(photo.sha256()).isEqualTo(TestData.sha256(jpeg));
        assertThat(photo.source()).isEqualTo(PhotoSource.WATCH);
        assertRefused(() -> imports.importStored("wedding", "events/active/wedding/DROPPED.jpg", PhotoSource.WATCH),
                ErrorCode.CONFLICT, "imported already");
        assertThat(catalog.findEvent("wedding").orElseThrow().photoCount()).isEqualTo(1);
    }

    @Test
    void aStagedDirectUpload_movesIntoTheEventFolder() {
        store.put("uploads/wedding/abcdef12345", new ByteArrayInputStream(jpeg), PutOptions.of("image/jpeg"));

        String uploadId = PhotoIds.next(java.time.Instant.now());
        Photo photo = imports.importStaged("wedding", "uploads/wedding/abcdef12345", "Direct.JPG", PhotoSource.UPLOAD, uploadId);

        assertThat(photo.key()).isEqualTo("events/active/wedding/Direct.JPG");
        assertThat(photo.id()).as("the upload's id: a retried import finds what an interrupted one stored").isEqualTo(uploadId);
        assertThat(store.head("uploads/wedding/abcdef12345")).isEmpty();
        assertThat(store.head(photo.key()).orElseThrow().size()).isEqualTo(jpeg.length);
    }

    @Test
    void aStagedUpload_refusedForSomethingElseThanItsBytes_isKeptForTheRetry() {
        store.put("uploads/wedding/abcdef12345", new ByteArrayInputStream(jpeg), PutOptions.of("image/jpeg"));

        assertThatThrownBy(() -> imports.importStaged("no-such-event", "uploads/wedding/abcdef12345", "x.jpg",
                PhotoSource.UPLOAD, null)).isInstanceOf(PicPeakException.class);

        assertThat(store.head("uploads/wedding/abcdef12345")).as("the photographer's bytes, for the job's retry").isPresent();
    }

    @Test
    void aBadStagedUpload_isRemoved_andNothingIsImported() {
        store.put("uploads/wedding/abcdef12345", new ByteArrayInputStream("nope".getBytes()), PutOptions.of(null));

        assertRefused(() -> imports.importStaged("wedding", "uploads/wedding/abcdef12345", "x.jpg", PhotoSource.UPLOAD, null),
                ErrorCode.UNSUPPORTED_MEDIA_TYPE, "");

        assertThat(keys("")).noneMatch(k -> k.startsWith("uploads/") || k.startsWith("events/"));
    }

    private Photo upload(String filename, byte[] bytes) {
        return imports.importStream("wedding", filename, new ByteArrayInputStream(bytes), PhotoSource.UPLOAD);
    }

    private void assertNothingKept(Executable call, ErrorCode code, String messagePart) {
        assertRefused(call, code, messagePart);
        assertThat(keys("events/active/wedding/")).isEmpty();
        assertThat(keys("thumbnails/wedding/")).isEmpty();
        Event event = catalog.findEvent("wedding").orElseThrow();
        assertThat(event.revision()).isZero();
        assertThat(event.photoCount()).isZero();
        assertThat(catalog.listPhotos("wedding", 10, null).items()).isEmpty();
    }

    private static void assertRefused(Executable call, ErrorCode code, String messagePart) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(PicPeakException.class, e -> {
            assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    private List<String> keys(String prefix) {
        try (Stream<BlobInfo> listing = store.list(prefix)) {
            return listing.map(BlobInfo::key).filter(k -> !k.startsWith(".")).sorted().toList();
        }
    }


}
