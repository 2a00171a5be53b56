package com.picpeak.migrate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The failures of one migration run as CSV ({@code key,size,error,message}), written as they happen so
 * that a crash keeps what was known. The file of an earlier run is replaced at the start; it is only
 * created when something fails.
 */
public final class FailureReport implements AutoCloseable {
    public static final Path DEFAULT = Path.of("/tmp/migrate-storage-failures.csv");

    private final Path file;
    private BufferedWriter writer;
    private long count;

    public FailureReport(Path file) {
        this.file = file;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace the failures file " + file, e);
        }
    }

    public synchronized void record(String key, long size, String errorClass, String message) {
        try {
            if (writer == null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                writer.write("key,size,error,message\n");
            }
            writer.write(csv(key) + "," + size + "," + csv(errorClass) + "," + csv(message) + "\n");
            writer.flush();
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the failures file " + file, e);
        }
    }

    public synchronized long count() {
        return count;
    }

    public Path file() {
        return file;
    }

    /** RFC 4180: every field quoted, quotes doubled, line breaks kept inside the quotes. */
    static String csv(String value) {
        return "\"" + (value == null ? "" : value).replace("\"", "\"\"") + "\"";
    }

    @Override
    public synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
