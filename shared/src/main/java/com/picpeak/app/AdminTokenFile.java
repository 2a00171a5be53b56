package com.picpeak.app;

import com.picpeak.storage.ConfigException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Local mode's admin token file ({@code $PICPEAK_DATA/admin-token}, used when {@code ADMIN_TOKEN} is not set): read
 * under the rule of {@code ADMIN_TOKEN} ({@link AppConfig#isAdminTokenTooShort}), written whole or not at all: a
 * temporary file beside it, owner-only from its first byte, flushed to disk, then renamed over the name in one step.
 * A start killed while writing leaves no file, or a temporary one that is never read, never a short or empty token.
 */
public final class AdminTokenFile {
    private static final int RANDOM_BYTES = 24;

    private AdminTokenFile() {
    }

    /**
     * The token in the file, empty when there is no file.
     *
     * @throws ConfigException naming the file when its token breaks the rule (an empty file included)
     */
    public static Optional<String> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String token = Files.readString(file).strip();
        if (token.isEmpty()) {
            throw problem(file, "is empty: delete it to have a new token generated at the next start, or set "
                    + AppConfig.ADMIN_TOKEN);
        }
        if (AppConfig.isAdminTokenTooShort(token)) {
            throw problem(file, AppConfig.SHORT_ADMIN_TOKEN + "; or delete it to have one generated at the next start");
        }
        return Optional.of(token);
    }

    /** A new random token (48 hex characters), written to the file by rename. */
    public static String create(Path file) throws IOException {
        byte[] random = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Path folder = file.toAbsolutePath().getParent();
        Path temporary = folder.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? Files.createTempFile(folder, "." + file.getFileName(), ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(folder, "." + file.getFileName(), ".tmp"); // Windows: the folder's rules apply
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot write " + file + " by rename on this file system: set "
                        + AppConfig.ADMIN_TOKEN + " instead", e);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        return token;
    }

    private static ConfigException problem(Path file, String why) {
        return new ConfigException(List.of(new ConfigException.Problem(file.toString(), why)));
    }
}
