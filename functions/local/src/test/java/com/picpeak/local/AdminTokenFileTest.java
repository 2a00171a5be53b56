package com.picpeak.local;

import com.picpeak.storage.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code $PICPEAK_DATA/admin-token}: the rule of {@code ADMIN_TOKEN} (16 characters at least), written whole or not at all. */
class AdminTokenFileTest {

    @Test
    void aShortTokenInTheFile_isRefused_likeAShortAdminToken_namingTheFile(@TempDir Path dataDir) throws Exception {
        Files.writeString(dataDir.resolve(LocalServer.TOKEN_FILE), "abc\n");
        Map<String, String> env = Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", "0");

        assertThatThrownBy(() -> LocalServer.start(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(dataDir.resolve(LocalServer.TOKEN_FILE).toString())
                .hasMessageContaining("shorter than 16 characters");
        assertThat(dataDir.resolve(LocalServer.TOKEN_FILE)).hasContent("abc\n"); // left for its owner to fix
        assertThat(dataDir.resolve("db")).as("nothing opened").doesNotExist();
    }

    @Test
    void anEmptyTokenFile_asAWriteCutOffBeforeItsFirstByteLeftIt_isRefused_notTakenAsAnEmptyToken(@TempDir Path dataDir)
            throws Exception {
        Files.createFile(dataDir.resolve(LocalServer.TOKEN_FILE));
        Map<String, String> env = Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", "0");

        assertThatThrownBy(() -> LocalServer.start(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(dataDir.resolve(LocalServer.TOKEN_FILE).toString())
                .hasMessageContaining("delete it");
    }

    @Test
    void theFirstStart_writesTheTokenWhole_byRename_ownerOnly_leavingNoTemporaryFile(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", "0");
        try (LocalServer server = LocalServer.start(env)) {
            assertThat(server.port()).isPositive();
        }
        Path file = dataDir.resolve(LocalServer.TOKEN_FILE);
        assertThat(Files.readString(file)).matches("[0-9a-f]{48}\n");
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.contains(LocalServer.TOKEN_FILE) && !name.equals(LocalServer.TOKEN_FILE));
        }
    }
}
