package com.picpeak.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Local mode's spool of multipart uploads being received: {@code $PICPEAK_DATA/upload-spool}, on the disk whose space
 * the operator already watches, instead of the system temp folder. The server removes each file when its request
 * ends; what a killed server left is removed at the next start, before any upload can arrive.
 */
public final class UploadSpool {
    private static final Logger log = LoggerFactory.getLogger(UploadSpool.class);
    public static final String FOLDER = "upload-spool";

    private UploadSpool() {
    }

    /** The spool folder under {@code dataDir}, created, and emptied of what an earlier run left. */
    public static Path prepare(Path dataDir) {
        Path spool = dataDir.resolve(FOLDER);
        try {
            Files.createDirectories(spool);
            List<Path> leftovers;
            try (Stream<Path> walk = Files.walk(spool)) {
                leftovers = walk.filter(path -> !path.equals(spool)).sorted(Comparator.reverseOrder()).toList();
            }
            long bytes = 0;
            for (Path path : leftovers) {
                bytes += Files.isRegularFile(path) ? Files.size(path) : 0;
                Files.deleteIfExists(path);
            }
            if (!leftovers.isEmpty()) {
                log.info("removed {} bytes of unfinished uploads from {} (left by a server that stopped during an upload)",
                        bytes, spool);
            }
            return spool;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the upload spool " + spool + ": make " + dataDir
                    + " a writable folder, or change PICPEAK_DATA", e);
        }
    }
}
