package com.picpeak.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What local mode keeps of its own is for its user only: the data folder, the catalog (password hashes, webhook
 * secrets in clear), the admin token, backups. Folders {@code rwx------}, files {@code rw-------}, whatever the
 * umask. On a file system without POSIX permissions (Windows) the folder's own access rules apply instead; a folder
 * or file this user may use but does not own (a mounted volume) keeps its permissions, with a warning.
 */
final class OwnerOnly {
    private static final Logger log = LoggerFactory.getLogger(OwnerOnly.class);
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    /** The file DynamoDB Local keeps the whole catalog in, under {@code $PICPEAK_DATA/db}. */
    static final String CATALOG_FILE = "catalog.db";

    private OwnerOnly() {
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The folder, created owner-only when missing (with any missing parents); an existing one is made owner-only. */
    static Path folder(Path folder) throws IOException {
        createFolder(folder);
        if (posix(folder)) {
            set(folder, FOLDER);
        }
        return folder;
    }

    /** The folder, created owner-only when missing (with any missing parents); an existing one is left as it is. */
    static Path createFolder(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return folder;
        }
        if (posix(folder)) {
            return Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER));
        }
        return Files.createDirectories(folder);
    }

    /** Makes these files (where they exist) and everything under these folders owner-only. */
    static void restrict(List<Path> paths) throws IOException {
        for (Path path : paths) {
            if (!Files.exists(path) || !posix(path)) {
                continue;
            }
            try (Stream<Path> tree = Files.walk(path)) {
                for (Path each : (Iterable<Path>) tree::iterator) {
                    set(each, Files.isDirectory(each) ? FOLDER : FILE);
                }
            }
        }
    }

    private static void set(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (Files.getPosixFilePermissions(path).equals(permissions)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(path, permissions);
        } catch (FileSystemException notOwner) {
            log.warn("could not make {} owner-only ({}): it keeps its permissions", path, notOwner.getMessage());
        }
    }

    /**
     * The catalog's folder under the data folder, both owner-only, with the catalog's file: an existing one made
     * owner-only, a missing one created so (DynamoDB Local's SQLite takes an empty file as an empty database, and gives
     * its journal files the database's permissions).
     */
    static Path catalogFile(Path dataDir) throws IOException {
        folder(dataDir);
        Path file = folder(dataDir.resolve("db")).resolve(CATALOG_FILE);
        if (Files.exists(file)) {
            restrict(List.of(file));
        } else if (posix(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        }
        return file;
    }
}
