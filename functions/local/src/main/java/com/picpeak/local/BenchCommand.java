package com.picpeak.local;

import com.picpeak.app.AppConfig;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.BlobStores;
import com.picpeak.storage.LocalBlobStore;
import com.picpeak.storage.SentinelCheck;
import com.picpeak.storage.StorageConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code bench storage}: throughput of the configured backend against plain file copies, as ratios. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print figures (ratios against a reference measured in the same run).",
        subcommands = {BenchCommand.Storage.class, BenchCommand.Gallery.class, BenchCommand.DownloadAll.class,
                BenchCommand.Protection.class, BenchCommand.ScaleOut.class, BenchCommand.Renditions.class,
                BenchCommand.Cdn.class, BenchCommand.Import.class, BenchCommand.Hardening.class,
                BenchCommand.Selections.class, BenchCommand.Limits.class})
final class BenchCommand implements Runnable {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    BenchCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "gallery", mixinStandardHelpOptions = true,
            description = "Thumbnails/s of 24 MP JPEGs against vipsthumbnail, the heap's peak during a 100 MP "
                    + "upload, and listing p50/p99 of a 2,000-photo gallery, through a local server on a scratch data folder.")
    static final class Gallery implements Callable<Integer> {
        @Option(names = "--photos", defaultValue = "6", description = "24 MP JPEGs to thumbnail (default ${DEFAULT-VALUE})")
        int photos;

        @Option(names = "--gallery-size", defaultValue = "2000", description = "photos in the listed gallery (default ${DEFAULT-VALUE})")
        int gallerySize;

        @Option(names = "--rounds", defaultValue = "3", description = "timed rounds after a warm-up (default ${DEFAULT-VALUE})")
        int rounds;

        @Override
        public Integer call() throws Exception {
            Path scratch = Files.createTempDirectory("picpeak-bench-gallery");
            PrintStream out = new PrintStream(System.out, true);
            GalleryBenchmark bench = new GalleryBenchmark(scratch, out);
            bench.thumbnails(photos, rounds);
            onScratchServer(scratch, GalleryBenchmark.env(scratch.resolve("data"), 0), (server, token) -> {
                bench.uploadHeap(server, token);
                bench.listing(server, gallerySize, rounds);
            });
            return 0;
        }
    }

    @Command(name = "selections", mixinStandardHelpOptions = true,
            description = "Listing p50 of a 2,000-photo gallery for a guest with 300 favourites against the same "
                    + "guest's listing without favourites, alternately in one run, through a local server.")
    static final class Selections implements Callable<Integer> {
        @Option(names = "--gallery-size", defaultValue = "2000", description = "photos in each gallery (default ${DEFAULT-VALUE})")
        int gallerySize;

        @Option(names = "--favourites", defaultValue = "300", description = "favourites marked (default ${DEFAULT-VALUE})")
        int favourites;

        @Option(names = "--rounds", defaultValue = "5", description = "timed walks after a warm-up (default ${DEFAULT-VALUE})")
        int rounds;

        @Override
        public Integer call() throws Exception {
            Path scratch = Files.createTempDirectory("picpeak-bench-selections");
            PrintStream out = new PrintStream(System.out, true);
            Map<String, String> env = new java.util.HashMap<>(GalleryBenchmark.env(scratch.resolve("data"), 0));
            env.put("PICPEAK_SESSIONS_PER_MINUTE", "1000");
            onScratchServer(scratch, env, (server, token) ->
                    new SelectionsBenchmark(out).run(server, gallerySize, favourites, rounds));
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "The whole import of one upload (the corpus of bench gallery in one multipart request to a "
                    + "local server on a scratch data folder) against vipsthumbnail on the same files, and the "
                    + "thumbnails alone (one thread each), subject and reference alternating; medians.")
    static final class Import implements Callable<Integer> {
        @Option(names = "--photos", defaultValue = "6", description = "24 MP JPEGs uploaded (default ${DEFAULT-VALUE})")
        int photos;

        @Option(names = "--rounds", defaultValue = "3", description = "timed rounds after a warm-up (default ${DEFAULT-VALUE})")
        int rounds;

        @Override
        public Integer call() throws Exception {
            Path scratch = Files.createTempDirectory("picpeak-bench-import");
            PrintStream out = new PrintStream(System.out, true);
            ImportBenchmark bench = new ImportBenchmark(scratch, out);
            List<Path> files = bench.corpus(photos, 6000, 4000);
            onScratchServer(scratch, GalleryBenchmark.env(scratch.resolve("data"), 0), (server, token) -> {
                bench.wholeImport(server, token, files, rounds);
                bench.thumbnails(files, rounds);
            });
            return 0;
        }
    }

    @Command(name = "renditions", mixinStandardHelpOptions = true,
            description = "Listing of a 2,000-photo gallery (page of 100, 304 revalidation) against event info; the "
                    + "bytes of a viewer session (originals against previews); a preview's first-request latency "
                    + "against vipsthumbnail; through a local server on a scratch data folder.")
    static final class Renditions implements Callable<Integer> {
        @Option(names = "--photos", defaultValue = "20", description = "photos viewed (default ${DEFAULT-VALUE})")
        int photos;

        @Option(names = "--gallery-size", defaultValue = "2000", description = "photos in the listed gallery (default ${DEFAULT-VALUE})")
        int gallerySize;

        @Option(names = "--rounds", defaultValue = "5", description = "timed listing walks after a warm-up (default ${DEFAULT-VALUE})")
        int rounds;

        @Override
        public Integer call() throws Exception {
            Path scratch = Files.createTempDirectory("picpeak-bench-renditions");
            PrintStream out = new PrintStream(System.out, true);
            GalleryBenchmark bench = new GalleryBenchmark(scratch, out);
            try {
                try (LocalServer server = LocalServer.start(GalleryBenchmark.env(scratch.resolve("data"), 0))) {
                    String token = Files.readString(scratch.resolve("data").resolve(LocalServer.TOKEN_FILE)).trim();
                    bench.listing(server, gallerySize, rounds);
                    bench.renditions(server, token, photos, 5640, 3172);
                }
            } finally {
                deleteTree(scratch);
            }
            return 0;
        }
    }

    @Command(name = "cdn", mixinStandardHelpOptions = true,
            description = "Origin requests (Lambda invocations) of two guests viewing one gallery, without a CDN and "
                    + "through a simulated one that keeps what the server marks public (as CloudFront's behaviours do), "
                    + "against a local server on a scratch data folder.")
    static final class Cdn implements Callable<Integer> {
        @Option(names = "--photos", defaultValue = "20", description = "photos each guest views (default ${DEFAULT-VALUE})")
        int photos;

        @Override
        public Integer call() throws Exception {
            Path scratch = Files.createTempDirectory("picpeak-bench-cdn");
            onScratchServer(scratch, GalleryBenchmark.env(scratch.resolve("data"), 0), (server, token) ->
                    new CdnBenchmark(server, token, scratch, new PrintStream(System.out, true)).run(photos));
            return 0;
        }
    }

    @Command(name = "hardening", mixinStandardHelpOptions = true,
            description = "GET /health p99 while 220 connections trickle request bodies, and a gallery listing's p50 "
                    + "while 16 guessers from distinct IPv6 /64s send wrong passwords (with the gallery's budget of "
                    + "checks, and with it out of the way), each against the same figure without the attack, through "
                    + "a local server on a scratch data folder.")
    static final class Hardening implements Callable<Integer> {
        @Option(names = "--requests", defaultValue = "300", description = "timed requests per phase (default ${DEFAULT-VALUE})")
        int requests;

        @Override
        public Integer call() throws Exception {
            PrintStream out = new PrintStream(System.out, true);
            for (String budget : List.of("30", "6000")) {
                Path scratch = Files.createTempDirectory("picpeak-bench-hardening");
                Map<String, String> env = new HashMap<>(GalleryBenchmark.env(scratch.resolve("data"), 0));
                env.put("PICPEAK_TRUSTED_PROXIES", "127.0.0.1"); // the guessers' addresses come forwarded
                env.put("PICPEAK_PASSWORD_GALLERY_CHECKS_PER_MINUTE", budget);
                onScratchServer(scratch, env, (server, token) -> {
                    HardeningBenchmark bench = new HardeningBenchmark(server, out);
                    if (budget.equals("30")) {
                        bench.healthUnderTrickle(requests);
                        out.print("with the gallery's budget (30 checks a minute, the default): ");
                    } else {
                        out.print("with the budget out of the way (6000 a minute, as before it): ");
                    }
                    bench.listingUnderGuessers(requests);
                });
            }
            return 0;
        }
    }

    @Command(name = "protection", mixinStandardHelpOptions = true,
            description = "What each image protection level costs per viewed photo (grant, image or tiles) against a "
                    + "plain GET of the stored original, through a local server on a scratch data folder.")
    static final class Protection implements Callable<Integer> {
        @Option(names = "--photos", defaultValue = "8", description = "photos per gallery (default ${DEFAULT-VALUE})")
        int photos;

        @Option(names = "--megapixels", defaultValue = "12", description = "their size (default ${DEFAULT-VALUE})")
        int megapixels;

        @Option(names = "--rounds", defaultValue = "5", description = "timed rounds after a warm-up (default ${DEFAULT-VALUE})")
        int rounds;

        @Override
        public Integer call() throws Exception {
            Path scratch = Files.createTempDirectory("picpeak-bench-protection");
            Map<String, String> env = new HashMap<>(GalleryBenchmark.env(scratch.resolve("data"), 0));
            // every request is still counted against the limit (its cost is measured); it just never refuses here
            env.put(AppConfig.IMAGE_RATE_LIMIT, "1000000");
            onScratchServer(scratch, env, (server, token) ->
                    new ProtectionBenchmark(server, token, new PrintStream(System.out, true)).run(scratch, photos, megapixels, rounds));
            return 0;
        }
    }

    @Command(name = "limits", mixinStandardHelpOptions = true,
            description = "A single download with a download limit (granted by a conditional write) against the same "
                    + "download without one, interleaved, through a local server on a scratch data folder.")
    static final class Limits implements Callable<Integer> {
        @Option(names = "--photos", defaultValue = "10", description = "photos per gallery (default ${DEFAULT-VALUE})")
        int photos;

        @Option(names = "--megapixels", defaultValue = "2", description = "their size (default ${DEFAULT-VALUE})")
        int megapixels;

        @Option(names = "--rounds", defaultValue = "30", description = "timed rounds after a warm-up (default ${DEFAULT-VALUE})")
        int rounds;

        @Override
        public Integer call() throws Exception {
            Path scratch = Files.createTempDirectory("picpeak-bench-limits");
            Map<String, String> env = new HashMap<>(GalleryBenchmark.env(scratch.resolve("data"), 0));
            onScratchServer(scratch, env, (server, token) ->
                    new DownloadLimitsBenchmark(server, token, new PrintStream(System.out, true)).run(scratch, photos, megapixels, rounds));
            return 0;
        }
    }

    @Command(name = "scaleout", mixinStandardHelpOptions = true,
            description = "Gallery listing throughput of one local-mode instance against two on one shared catalog "
                    + "(DynamoDB Local as a server in a child process, its CPU time shown), the same client threads each time.")
    static final class ScaleOut implements Callable<Integer> {
        @Option(names = "--photos", defaultValue = "500", description = "photos in the listed gallery (default ${DEFAULT-VALUE})")
        int photos;

        @Option(names = "--clients", defaultValue = "8", description = "client threads (default ${DEFAULT-VALUE})")
        int clients;

        @Option(names = "--seconds", defaultValue = "15", description = "length of each timed run (default ${DEFAULT-VALUE})")
        int seconds;

        @Override
        public Integer call() throws Exception {
            Path scratch = Files.createTempDirectory("picpeak-bench-scaleout");
            try {
                new ScaleOutBenchmark(scratch, new PrintStream(System.out, true))
                        .run(photos, clients, Duration.ofSeconds(seconds));
            } finally {
                deleteTree(scratch);
            }
            return 0;
        }
    }

    /** What a benchmark does with a running local server and its admin token. */
    interface ServerBench {
        void run(LocalServer server, String adminToken) throws Exception;
    }

    /** Runs the benchmark against a local server on {@code scratch/data}, then deletes the scratch folder. */
    static void onScratchServer(Path scratch, Map<String, String> env, ServerBench bench) throws Exception {
        try (LocalServer server = LocalServer.start(env)) {
            String token = Files.readString(scratch.resolve("data").resolve(LocalServer.TOKEN_FILE)).trim();
            bench.run(server, token);
        } finally {
            deleteTree(scratch);
        }
    }

    /** Removes a benchmark's scratch folder and everything in it. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Command(name = "download-all", aliases = "archive", mixinStandardHelpOptions = true,
            description = "Download All throughput against raw reads on the configured backend (a scratch "
                    + "folder when local), the heap's peak for 1,000- and 10,000-photo galleries, and the cached "
                    + "archive built by part jobs with 1, 2 and 4 workers against a raw parallel copy.")
    static final class DownloadAll implements Callable<Integer> {
        @Option(names = "--photos", defaultValue = "40", description = "large photos for throughput (default ${DEFAULT-VALUE})")
        int photos;

        @Option(names = "--photo-mb", defaultValue = "8", description = "their size in MiB (default ${DEFAULT-VALUE})")
        int photoMb;

        @Option(names = "--rounds", defaultValue = "3", description = "timed rounds after a warm-up (default ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--sections", defaultValue = "STREAM,HEAP,BUILD", split = ",",
                description = "what to measure: STREAM (vs raw reads), HEAP (1,000 and 10,000 photos), BUILD (the "
                        + "parallel build vs a raw parallel copy) (default ${DEFAULT-VALUE})")
        Set<DownloadAllBenchmark.Section> sections;

        @Option(names = "--build-photos", defaultValue = "1000", description = "photos of the built event (default ${DEFAULT-VALUE})")
        int buildPhotos;

        @Option(names = "--build-photo-mb", defaultValue = "2", description = "their size in MiB (default ${DEFAULT-VALUE})")
        int buildPhotoMb;

        @Option(names = "--workers", defaultValue = "1,2,4", split = ",", description = "worker counts (default ${DEFAULT-VALUE})")
        List<Integer> workers;

        @Option(names = "--part-mb", defaultValue = "64", description = "part size in MiB (default ${DEFAULT-VALUE})")
        int partMb;

        @ParentCommand
        BenchCommand parent;

        @Override
        public Integer call() throws Exception {
            StorageConfig config = StorageConfig.fromEnv(parent.env);
            Path scratch = Files.createTempDirectory("picpeak-bench-download-all");
            try (BlobStore store = config.backend() == StorageConfig.Backend.LOCAL
                    ? new LocalBlobStore(scratch) : BlobStores.open(config)) {
                new DownloadAllBenchmark(store, new PrintStream(System.out, true)).run(photos, photoMb, rounds, sections,
                        new DownloadAllBenchmark.BuildRun(buildPhotos, buildPhotoMb, workers, partMb * 1024L * 1024));
            } finally {
                deleteTree(scratch);
            }
            return 0;
        }
    }

    @Command(name = "storage", mixinStandardHelpOptions = true,
            description = "Put and get one large object on the configured backend (STORAGE_BACKEND ...), "
                    + "and copy the same file with Java file streams and cp, in one run.")
    static final class Storage implements Callable<Integer> {
        @Option(names = "--size-mb", defaultValue = "256", description = "object size in MiB (default ${DEFAULT-VALUE})")
        long sizeMiB;

        @Option(names = "--rounds", defaultValue = "3", description = "timed rounds after a warm-up (default ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--scratch", description = "folder for the reference copies (default: a new temp folder)")
        Path scratch;

        @ParentCommand
        BenchCommand parent;

        @Override
        public Integer call() throws Exception {
            StorageConfig config = StorageConfig.fromEnv(parent.env);
            SentinelCheck.Result check = SentinelCheck.check(config);
            if (!check.ok()) {
                parent.spec.commandLine().getErr().println(check.line());
                return CheckCommand.CHECK_FAILED;
            }
            Path dir = scratch != null ? scratch : Files.createTempDirectory("picpeak-bench");
            try (BlobStore store = BlobStores.open(config)) {
                new StorageBenchmark(sizeMiB * 1024 * 1024, rounds, dir).run(List.of(
                        StorageBenchmark.fileStreams(dir),
                        StorageBenchmark.cp(dir),
                        StorageBenchmark.store(store)), new PrintStream(System.out, true));
            } finally {
                if (scratch == null) {
                    Files.deleteIfExists(dir);
                }
            }
            return 0;
        }
    }
}
