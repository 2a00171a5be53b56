package com.picpeak.local;

import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.HashingInputStream;
import com.picpeak.storage.PutOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Put/get throughput of storage backends on one large object, each against plain file streams on the
 * same machine in the same run (ratios, not absolute limits: the figures depend on the disk).
 * Each subject is timed {@code rounds} times after one warm-up; the best round counts.
 */
public final class StorageBenchmark {

    /** One thing that can store the benchmark file and read it back. */
    public interface Subject {
        String name();

        void put(Path source) throws IOException;

        void get(OutputStream sink) throws IOException;

        void cleanup() throws IOException;
    }

    public record Figures(String name, double putMBps, double getMBps) {
    }

    private final long sizeBytes;
    private final int rounds;
    private final Path scratch;

    public StorageBenchmark(long sizeBytes, int rounds, Path scratch) {
        this.sizeBytes = sizeBytes;
        this.rounds = rounds;
        this.scratch = scratch;
    }

    /** Runs every subject and prints a table with ratios against the first (the reference). */
    public List<Figures> run(List<Subject> subjects, PrintStream out) throws IOException {
        Files.createDirectories(scratch);
        Path source = scratch.resolve("bench-source.bin");
        writeRandomFile(source, sizeBytes);
        List<Figures> figures = new ArrayList<>();
        try {
            for (Subject subject : subjects) {
                figures.add(measure(subject, source));
            }
        } finally {
            Files.deleteIfExists(source);
        }
        print(figures, out);
        return figures;
    }

    private Figures measure(Subject subject, Path source) throws IOException {
        double bestPut = 0;
        double bestGet = 0;
        try {
            for (int round = 0; round <= rounds; round++) { // round 0 warms up the JIT and caches
                long start = System.nanoTime();
                subject.put(source);
                double put = mbPerSecond(System.nanoTime() - start);
                start = System.nanoTime();
                subject.get(OutputStream.nullOutputStream());
                double get = mbPerSecond(System.nanoTime() - start);
                if (round > 0) {
                    bestPut = Math.max(bestPut, put);
                    bestGet = Math.max(bestGet, get);
                }
            }
        } finally {
            subject.cleanup();
        }
        return new Figures(subject.name(), bestPut, bestGet);
    }

    private void print(List<Figures> figures, PrintStream out) {
        Figures reference = figures.get(0);
        out.printf(Locale.ROOT, "storage benchmark: %d MiB object, best of %d rounds after a warm-up%n",
                sizeBytes / (1024 * 1024), rounds);
        out.printf(Locale.ROOT, "%-58s %10s %10s %9s %9s%n", "subject", "put MB/s", "get MB/s", "put/ref", "get/ref");
        for (Figures f : figures) {
            out.printf(Locale.ROOT, "%-58s %10.1f %10.1f %9.2f %9.2f%n", abbreviate(f.name()), f.putMBps(),
                    f.getMBps(), f.putMBps() / reference.putMBps(), f.getMBps() / reference.getMBps());
        }
        out.println("ref = " + reference.name() + "; ratios above 1 are faster than the reference");
    }

    private double mbPerSecond(long nanos) {
        return (sizeBytes / 1_000_000.0) / (nanos / 1_000_000_000.0);
    }

    private static String abbreviate(String name) {
        return name.length() <= 58 ? name : name.substring(0, 55) + "...";
    }

    private static void writeRandomFile(Path file, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long value = random.nextLong();
                    for (int j = 0; j < 8; j++) {
                        block[i + j] = (byte) (value >>> (8 * j));
                    }
                }
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
    }

    /** The reference: copy the file with plain Java file streams, read it back the same way. */
    public static Subject fileStreams(Path dir) {
        Path copy = dir.resolve("bench-stream-copy.bin");
        return new Subject() {
            public String name() {
                return "reference: Java file streams";
            }

            public void put(Path source) throws IOException {
                try (InputStream in = Files.newInputStream(source); OutputStream out = Files.newOutputStream(copy)) {
                    in.transferTo(out);
                }
            }

            public void get(OutputStream sink) throws IOException {
                try (InputStream in = Files.newInputStream(copy)) {
                    in.transferTo(sink);
                }
            }

            public void cleanup() throws IOException {
                Files.deleteIfExists(copy);
            }
        };
    }

    /** {@code cp} and {@code cat} as separate processes: what the operating system does without Java. */
    public static Subject cp(Path dir) {
        Path copy = dir.resolve("bench-cp-copy.bin");
        return new Subject() {
            public String name() {
                return "reference: cp / cat (processes)";
            }

            public void put(Path source) throws IOException {
                run("cp", source.toString(), copy.toString());
            }

            public void get(OutputStream sink) throws IOException {
                run("sh", "-c", "cat '" + copy + "' > /dev/null");
            }

            public void cleanup() throws IOException {
                Files.deleteIfExists(copy);
            }
        };
    }

    /** A {@link BlobStore}: put from a file stream, get into the sink. */
    public static Subject store(BlobStore store) {
        String key = "bench/bench-object.bin";
        return new Subject() {
            public String name() {
                return "BlobStore " + store.describe();
            }

            public void put(Path source) throws IOException {
                try (InputStream in = Files.newInputStream(source)) {
                    store.put(key, in, PutOptions.of("application/octet-stream"));
                }
            }

            public void get(OutputStream sink) throws IOException {
                try (BlobRead read = store.get(key)) {
                    read.stream().transferTo(sink);
                }
            }

            public void cleanup() {
                store.delete(key);
            }
        };
    }

    /**
     * A {@link BlobStore} given the expected sha256 up front, as migration does: S3 then writes the hash
     * with the upload instead of adding it by a server-side copy afterwards.
     */
    public static Subject storeWithKnownSha256(BlobStore store) {
        String key = "bench/bench-object-known-sha.bin";
        String[] sha256 = new String[1];
        return new Subject() {
            public String name() {
                return "BlobStore (sha256 known up front) " + store.describe();
            }

            public void put(Path source) throws IOException {
                if (sha256[0] == null) { // computed in the warm-up round, which is not counted
                    try (var hashing = new HashingInputStream(Files.newInputStream(source))) {
                        hashing.transferTo(OutputStream.nullOutputStream());
                        sha256[0] = hashing.sha256Hex();
                    }
                }
                try (InputStream in = Files.newInputStream(source)) {
                    store.put(key, in, PutOptions.of("application/octet-stream").expectingSha256(sha256[0]));
                }
            }

            public void get(OutputStream sink) throws IOException {
                try (BlobRead read = store.get(key)) {
                    read.stream().transferTo(sink);
                }
            }

            public void cleanup() {
                store.delete(key);
            }
        };
    }

    private static void run(String... command) throws IOException {
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + process.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }
}
