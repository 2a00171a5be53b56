package com.picpeak.storage;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link BlobStore} contract on the local filesystem, plus what only the local store does. */
class LocalBlobStoreContractTest extends BlobStoreContract {

    @TempDir
    Path root;

    @Override
    protected BlobStore newStore() {
        return new LocalBlobStore(root.resolve("storage"));
    }

    @Override
    protected void assertNoPartialWritesLeft() {
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith(LocalBlobStore.TEMP_PREFIX));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void objectsAreFilesAtTheirKeyPath_soTheDropFolderIsTheStore() throws Exception {
        store.put("events/active/wedding/IMG_1.JPG", new ByteArrayInputStream(bytes("jpeg")), PutOptions.of(null));

        assertThat(root.resolve("storage/events/active/wedding/IMG_1.JPG")).hasContent("jpeg");
    }

    @Test
    void aFileDroppedInByHand_isReadableWithAGuessedTypeAndNoMetadata() throws Exception {
        Path dropped = root.resolve("storage/events/active/e/DSC_9.jpg");
        Files.createDirectories(dropped.getParent());
        Files.write(dropped, bytes("by hand"));

        BlobInfo info = store.head("events/active/e/DSC_9.jpg").orElseThrow();

        assertThat(info.contentType()).isEqualTo("image/jpeg");
        assertThat(info.metadata()).isEmpty();
        assertThat(info.size()).isEqualTo(7);
    }

    @Test
    void aFileReplacedByHand_losesItsStaleSha256() throws Exception {
        store.put("events/active/e/a.jpg", new ByteArrayInputStream(bytes("original")), PutOptions.of("image/jpeg"));
        Path file = root.resolve("storage/events/active/e/a.jpg");
        Files.write(file, bytes("edited in place"));

        assertThat(store.head("events/active/e/a.jpg").orElseThrow().sha256()).isEmpty();
    }

    @Test
    void aSymlinkLeadingOutOfTheRoot_isRefused() throws Exception {
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.write(outside.resolve("secret.txt"), bytes("secret"));
        Files.createDirectories(root.resolve("storage/events"));
        Files.createSymbolicLink(root.resolve("storage/events/link"), outside);

        assertThatThrownBy(() -> store.get("events/link/secret.txt"))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_KEY));
        assertThatThrownBy(() -> store.put("events/link/new.txt", new ByteArrayInputStream(bytes("x")),
                PutOptions.of(null))).isInstanceOf(PicPeakException.class);
        assertThat(outside.resolve("new.txt")).doesNotExist();

        Files.createDirectories(root.resolve("storage/events/active/e"));
        Files.createSymbolicLink(root.resolve("storage/events/active/e/x.jpg"), outside.resolve("secret.txt"));
        assertThatThrownBy(() -> store.get("events/active/e/x.jpg"))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_KEY));
    }

    @Test
    void theStoresOwnFiles_areNeitherAddressableNorListed() {
        store.put("events/active/e/a.jpg", new ByteArrayInputStream(bytes("a")), PutOptions.of(null));

        assertThatThrownBy(() -> store.get(LocalBlobStore.META_DIR + "/events/active/e/a.jpg.properties"))
                .isInstanceOf(PicPeakException.class);
        assertThatThrownBy(() -> store.put("x/" + LocalBlobStore.TEMP_PREFIX + "1", InputStream.nullInputStream(),
                PutOptions.of(null))).isInstanceOf(PicPeakException.class);
        try (Stream<BlobInfo> all = store.list("")) {
            assertThat(all.map(BlobInfo::key)).containsExactly("events/active/e/a.jpg");
        }
    }

    @Test
    void presigning_isRefusedWithAClearReason() {
        assertThat(store.canPresign()).isFalse();
        assertThatThrownBy(() -> store.presignGet("a", Duration.ofMinutes(5), null))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.PRESIGN_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("local backend").contains("STORAGE_BACKEND=s3");
                });
        assertThatThrownBy(() -> store.presignPut("a", Duration.ofMinutes(5), "image/jpeg"))
                .isInstanceOfSatisfying(PicPeakException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PRESIGN_UNSUPPORTED));
    }
}
