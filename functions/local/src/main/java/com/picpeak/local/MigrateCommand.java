package com.picpeak.local;

import com.picpeak.migrate.FailureReport;
import com.picpeak.migrate.Migrator;
import com.picpeak.migrate.Migrator.Outcome;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.LocalBlobStore;
import com.picpeak.storage.S3BlobStore;
import com.picpeak.storage.SentinelCheck;
import com.picpeak.storage.StorageConfig;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/** {@code migrate}: copies the local store to the configured S3 bucket, or back; changes no configuration. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Copy every object of the local backend to the S3 backend configured by STORAGE_S3_* "
                + "(or back with --to local), under the same keys, checked by sha256. Objects already there with "
                + "the same sha256 are skipped, so a re-run copies only what is missing or different. "
                + "No configuration is changed.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:everything copied, skipped or verified", "1:some objects failed (see the CSV)",
                "2:configuration refused"})
final class MigrateCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = "--to", defaultValue = "s3", description = "s3 (local -> S3, default) or local (S3 -> local)")
    String to;

    @Option(names = "--dry-run", description = "list what would be copied and skipped, with counts and bytes; write nothing")
    boolean dryRun;

    @Option(names = "--verify", description = "re-read every target object and compare its sha256 with the source; copy nothing")
    boolean verify;

    @Option(names = "--include-archives", description = "also copy cached Download All archives (they can be rebuilt)")
    boolean includeArchives;

    @Option(names = "--parallel", defaultValue = "4", description = "objects copied at once (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--failures", defaultValue = "/tmp/migrate-storage-failures.csv",
            description = "CSV of the objects that failed (default ${DEFAULT-VALUE})")
    Path failuresFile;

    MigrateCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StorageConfig config = StorageConfig.fromEnv(env);
        if (!to.equals("s3") && !to.equals("local")) {
            err.println("--to must be 's3' or 'local', not '" + to + "'");
            return CheckCommand.CONFIG_REFUSED;
        }
        if (config.s3().isEmpty()) {
            err.println("migrate needs the S3 side: set STORAGE_S3_BUCKET and the other STORAGE_S3_* variables as "
                    + "for STORAGE_BACKEND=s3 (STORAGE_BACKEND itself can stay 'local')");
            return CheckCommand.CONFIG_REFUSED;
        }
        // a dry run and a verification write nothing into the bucket, not even the start-up sentinel
        SentinelCheck.Result check = dryRun || verify ? SentinelCheck.checkS3ReadOnly(config.s3().get())
                : SentinelCheck.checkS3(config.s3().get());
        if (!check.ok()) {
            err.println(check.line());
            return CheckCommand.CHECK_FAILED;
        }
        try (BlobStore local = new LocalBlobStore(config.localRoot());
             BlobStore s3 = S3BlobStore.create(config.s3().get());
             FailureReport failures = new FailureReport(failuresFile)) {
            BlobStore source = to.equals("s3") ? local : s3;
            BlobStore target = to.equals("s3") ? s3 : local;
            out.println((verify ? "verifying " : dryRun ? "dry run, nothing is written: " : "migrating ")
                    + source.describe() + "  ->  " + target.describe());
            out.flush();
            Progress progress = new Progress(out, System.console() != null);
            Migrator.Summary summary;
            try {
                summary = new Migrator(source, target).run(
                        new Migrator.Options(dryRun, verify, includeArchives, parallel), progress, failures);
            } finally {
                progress.close();
            }
            printSummary(out, summary);
            if (summary.anyFailed()) {
                err.println(failures.count() + " object(s) failed: see " + failures.file()
                        + " (key,size,error,message); run the same command again to retry only those");
                return 1;
            }
            if (!dryRun && !verify) {
                out.println(to.equals("s3")
                        ? "No configuration was changed. To serve from S3, set STORAGE_BACKEND=s3 (keep the STORAGE_S3_* "
                                + "variables) and restart; run with --verify first to re-read every object."
                        : "No configuration was changed. To serve from the local copy, set STORAGE_BACKEND=local and restart.");
            }
            return 0;
        }
    }

    private static void printSummary(PrintWriter out, Migrator.Summary s) {
        double seconds = Math.max(s.took().toMillis(), 1) / 1000.0;
        if (s.count(Outcome.VERIFIED) + s.count(Outcome.VERIFY_FAILED) > 0) {
            out.printf(Locale.ROOT, "verified %d, mismatched or missing %d, of %d objects in %.1f s%n",
                    s.count(Outcome.VERIFIED), s.count(Outcome.VERIFY_FAILED), s.objects(), seconds);
        } else if (s.count(Outcome.WOULD_COPY) + s.count(Outcome.WOULD_OVERWRITE) > 0 || s.objects() == 0
                || (s.count(Outcome.COPIED) + s.count(Outcome.OVERWRITTEN) == 0 && s.count(Outcome.SKIPPED) == 0)) {
            out.printf(Locale.ROOT, "would copy %d, would overwrite %d, would skip %d (same sha256), failed %d; "
                            + "%d objects, %.1f MB%n", s.count(Outcome.WOULD_COPY), s.count(Outcome.WOULD_OVERWRITE),
                    s.count(Outcome.SKIPPED), s.count(Outcome.FAILED), s.objects(), s.bytes() / 1e6);
        } else {
            out.printf(Locale.ROOT, "copied %d, overwritten %d, skipped %d (same sha256), failed %d; %.1f MB in %.1f s "
                            + "(%.1f MB/s, %.1f files/s)%n", s.count(Outcome.COPIED), s.count(Outcome.OVERWRITTEN),
                    s.count(Outcome.SKIPPED), s.count(Outcome.FAILED), s.bytesCopied() / 1e6, seconds,
                    s.bytesCopied() / 1e6 / seconds, (s.count(Outcome.COPIED) + s.count(Outcome.OVERWRITTEN)) / seconds);
        }
        out.flush();
    }

    /**
     * A progress bar on a terminal (files, bytes, rate, ETA); a plain line every 5 seconds otherwise. Done counts only
     * what was copied, skipped or verified; failed files and their bytes are shown apart.
     */
    private static final class Progress implements Migrator.Listener, AutoCloseable {
        private final PrintWriter out;
        private final boolean terminal;
        private final AtomicLong files = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong failedFiles = new AtomicLong();
        private final AtomicLong failedBytes = new AtomicLong();
        private volatile long totalFiles;
        private volatile long totalBytes;
        private volatile long lastLine = System.nanoTime();
        private final long start = System.nanoTime();
        private ProgressBar bar;

        Progress(PrintWriter out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        @Override
        public void planned(long objects, long totalBytes) {
            this.totalFiles = objects;
            this.totalBytes = totalBytes;
            out.printf(Locale.ROOT, "%d objects, %.1f MB%n", objects, totalBytes / 1e6);
            out.flush();
            if (terminal) {
                boolean large = totalBytes >= 100_000_000L; // MB for real migrations, KB for small ones
                bar = new ProgressBarBuilder().setTaskName("migrate").setInitialMax(Math.max(1, totalBytes))
                        .setUnit(large ? " MB" : " KB", large ? 1_000_000 : 1_000).setStyle(ProgressBarStyle.ASCII).showSpeed()
                        .setUpdateIntervalMillis(500).build();
            }
        }

        @Override
        public synchronized void done(String key, long size, Outcome outcome, String detail) {
            boolean failed = outcome == Outcome.FAILED || outcome == Outcome.VERIFY_FAILED;
            long doneFiles = failed ? files.get() : files.incrementAndGet();
            long doneBytes = failed ? bytes.get() : bytes.addAndGet(size);
            long failures = failed ? failedFiles.incrementAndGet() : failedFiles.get();
            long bytesFailed = failed ? failedBytes.addAndGet(size) : failedBytes.get();
            String failedPart = failures == 0 ? ""
                    : String.format(Locale.ROOT, ", failed %d (%.1f MB)", failures, bytesFailed / 1e6);
            if (bar != null) {
                bar.stepTo(doneBytes);
                bar.setExtraMessage(" " + doneFiles + "/" + totalFiles + " files" + failedPart);
            } else if (System.nanoTime() - lastLine > Duration.ofSeconds(5).toNanos()
                    || doneFiles + failures == totalFiles) {
                lastLine = System.nanoTime();
                double seconds = (lastLine - start) / 1e9;
                long handled = doneBytes + bytesFailed; // the rate and the time left count failed files as handled
                double rate = handled / 1e6 / Math.max(seconds, 0.001);
                long etaSeconds = rate > 0 ? (long) ((totalBytes - handled) / 1e6 / rate) : 0;
                out.printf(Locale.ROOT, "migrate: %d/%d files, %.1f/%.1f MB%s, %.1f MB/s, ETA %ds%n", doneFiles,
                        totalFiles, doneBytes / 1e6, totalBytes / 1e6, failedPart, rate, etaSeconds);
                out.flush();
            }
            if (failed) {
                String line = "failed: " + key + ": " + detail;
                if (bar != null) {
                    bar.pause();
                }
                out.println(line);
                out.flush();
                if (bar != null) {
                    bar.resume();
                }
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
