package com.picpeak.zip;

import com.picpeak.storage.BlobStore;
import com.picpeak.storage.LocalBlobStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class LocalZipPartsTest extends ZipPartsContract {
    Path root;

    @Override
    protected BlobStore newStore() {
        root = scratch.resolve("storage");
        return new LocalBlobStore(root);
    }

    @Override
    protected void assertNoUnfinishedUploads() {
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).noneMatch(name -> name.contains("parts-"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
