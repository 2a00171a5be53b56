package com.picpeak.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What local mode keeps of its own (the data folder, the catalog with webhook secrets and password hashes,
 * backups) is readable by its owner only, whatever the umask (the tests run with 022).
 */
class DataFolderPermissionsTest {

    @Test
    void theDataFolder_theCatalog_andBackups_areOwnerOnly(@TempDir Path dir) throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file permissions");
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of("PICPEAK_DATA", data.toString(), "PORT", "0");

        try (LocalServer server = LocalServer.start(env)) {
            server.runtime().webhooks().register("https://hooks.example.com/picpeak", null, "a-secret-of-the-receiver");
        }
        int backup = new PicPeakCli(env).execute(new String[] {"backup"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true));

        assertThat(backup).isZero();
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(data.resolve("db"))).isEqualTo("rwx------");
        assertThat(mode(data.resolve("db/catalog.db"))).isEqualTo("rw-------");
        assertThat(mode(data.resolve(LocalServer.TOKEN_FILE))).isEqualTo("rw-------");
        assertThat(mode(data.resolve("backups"))).isEqualTo("rwx------");
        List<Path> written;
        try (Stream<Path> walk = Files.walk(data.resolve("backups"))) {
            written = walk.toList();
        }
        assertThat(written).anySatisfy(p -> assertThat(p.getFileName().toString()).isEqualTo("catalog.jsonl"));
        assertThat(written).allSatisfy(p -> assertThat(mode(p)).as(p.toString())
                .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------"));
    }

    @Test
    void aBackupIntoAGivenFolder_isOwnerOnly_too(@TempDir Path dir) throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file permissions");
        Map<String, String> env = Map.of("PICPEAK_DATA", dir.resolve("data").toString(), "PORT", "0");
        try (LocalServer server = LocalServer.start(env)) {
            assertThat(server.port()).isPositive();
        }
        Path target = dir.resolve("elsewhere/bk");

        int backup = new PicPeakCli(env).execute(new String[] {"backup", "--dir", target.toString()},
                new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));

        assertThat(backup).isZero();
        assertThat(mode(target)).isEqualTo("rwx------");
        try (Stream<Path> walk = Files.walk(target)) {
            assertThat(walk.toList()).hasSizeGreaterThan(3).allSatisfy(p -> assertThat(mode(p)).as(p.toString())
                    .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------"));
        }
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
