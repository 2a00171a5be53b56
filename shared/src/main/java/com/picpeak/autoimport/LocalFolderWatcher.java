package com.picpeak.autoimport;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.ingest.ImportService;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Local-mode auto-import: watches the folder of every active event ({@code events/active/<slug>/} under the
 * local root, when the backend is local) and every folder an event references under
 * {@code EXTERNAL_MEDIA_ROOT}, and imports what a photographer drops in. The file system only tells that
 * something changed; sizes and bytes are read through the {@link BlobStore} like everywhere else. A file is
 * imported once two looks at least {@code settle} apart found the same size and modification time, so a
 * copy in progress is never imported half written. A periodic look at the catalog picks up new events; a
 * folder is listed in full once when its watch starts (files that arrived while the server was down) and
 * whenever the watch queue overflowed (a burst of many files) -- never per request.
 * Everything runs on one thread: imports happen one at a time, in arrival order.
 */
public final class LocalFolderWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalFolderWatcher.class);

    /** One watched folder: whose it is and how its files are named in the store. */
    private record Folder(String slug, Path dir, String keyPrefix, String externalFolder) {
        boolean external() {
            return externalFolder != null;
        }
    }

    /** A file waiting to settle: what the last look found. */
    private record Candidate(Folder folder, String filename, long size, Instant modified, Instant lookedAt) {
    }

    private final Catalog catalog;
    private final BlobStore store;
    private final ImportService imports;
    private final AutoImportState state;
    private final Optional<Path> localRoot;
    private final Optional<Path> externalRoot;
    private final Clock clock;
    private final Duration settle;
    private final Duration rescanEvery;

    private final Map<Path, Folder> folders = new HashMap<>();
    private final Map<WatchKey, Folder> keys = new HashMap<>();
    private final Map<String, Candidate> candidates = new LinkedHashMap<>();
    /** Files whose import failed for good, with the size and mtime that failed: tried again once they change. */
    private final Map<String, Candidate> rejected = new HashMap<>();
    private final AtomicLong importedCount = new AtomicLong();
    private WatchService watcher;
    private ScheduledExecutorService thread;
    private Instant lastRescan = Instant.EPOCH;
    /** What the last round ended with, for other threads (the maps above belong to the watcher's thread). */
    private volatile Round lastRound = new Round(0, Set.of(), 0);

    /**
     * What a round of the watcher ended with: how many rounds so far, the events whose folders it watches, the
     * files waiting to settle.
     */
    public record Round(long number, Set<String> watching, int waiting) {
    }

    /**
     * @param localRoot    the local backend's root, or empty when the backend is S3 (then only referenced
     *                     folders are watched)
     * @param externalRoot {@code EXTERNAL_MEDIA_ROOT}, when set
     */
    public LocalFolderWatcher(Catalog catalog, BlobStore store, ImportService imports, AutoImportState state,
                              Optional<Path> localRoot, Optional<Path> externalRoot, Clock clock, Duration settle,
                              Duration rescanEvery) {
        this.catalog = catalog;
        this.store = store;
        this.imports = imports;
        this.state = state;
        this.localRoot = localRoot;
        this.externalRoot = externalRoot;
        this.clock = clock;
        this.settle = settle;
        this.rescanEvery = rescanEvery;
    }

    /** Starts watching on a daemon thread that looks every {@code settle / 2}. */
    public synchronized void start() {
        try {
            watcher = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "cannot watch folders: " + e.getMessage(), e);
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "folder-watcher");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(50, settle.toMillis() / 2);
        thread.scheduleWithFixedDelay(this::tickQuietly, 0, tick, TimeUnit.MILLISECONDS);
        log.info("watching event folders for new photos (settle {} ms, rescan every {} s)", settle.toMillis(),
                rescanEvery.toSeconds());
    }

    /** What the last round of looking ended with (the count of rounds, the events watched, files waiting). */
    public Round lastRound() {
        return lastRound;
    }

    /** Photos this watcher imported since it started. */
    public long imported() {
        return importedCount.get();
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (ClosedWatchServiceException closed) {
            // stopping
        } catch (RuntimeException e) {
            log.warn("folder watcher: {} (tries again)", e.getMessage());
        }
    }

    /** One round: rescan when due, take the watch events, import what has settled. */
    void tick() {
        Instant now = clock.instant();
        if (!now.isBefore(lastRescan.plus(rescanEvery))) {
            rescan();
            lastRescan = now;
        }
        drainWatchEvents();
        settleCandidates();
        Set<String> watching = new HashSet<>();
        folders.values().forEach(folder -> watching.add(folder.slug()));
        lastRound = new Round(lastRound.number() + 1, Set.copyOf(watching), candidates.size());
    }

    private void rescan() {
        Map<Path, Folder> wanted = new HashMap<>();
        try (Stream<Event> events = catalog.allEvents()) {
            events.filter(e -> e.active() && !e.isArchived()).forEach(e -> localRoot.ifPresent(root -> {
                Folder folder = new Folder(e.slug(), root.resolve(Keys.eventFolder(e.slug())), Keys.eventFolder(e.slug()),
                        null);
                wanted.put(folder.dir(), folder);
            }));
        }
        externalRoot.ifPresent(root -> state.externalFolders().forEach((slug, relative) -> {
            Folder folder = new Folder(slug, root.resolve(relative), Keys.EXTERNAL_PREFIX + relative + "/", relative);
            wanted.put(folder.dir(), folder);
        }));
        keys.entrySet().removeIf(entry -> {
            if (!wanted.containsKey(entry.getValue().dir())) {
                entry.getKey().cancel();
                folders.remove(entry.getValue().dir());
                return true;
            }
            return false;
        });
        for (Folder folder : wanted.values()) {
            if (!folders.containsKey(folder.dir()) && register(folder)) {
                scanFolder(folder); // once, after registering: from then on the watch service tells
            }
        }
    }

    private boolean register(Folder folder) {
        try {
            if (!folder.external()) {
                Files.createDirectories(folder.dir()); // so a photographer has a place to drop files into
            }
            if (!Files.isDirectory(folder.dir())) {
                log.warn("event {} references {}, which is not a folder: nothing to watch", folder.slug(), folder.dir());
                return false;
            }
            WatchKey key = folder.dir().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            keys.put(key, folder);
            folders.put(folder.dir(), folder);
            return true;
        } catch (IOException e) {
            log.warn("cannot watch {} of event {}: {}", folder.dir(), folder.slug(), e.getMessage());
            return false;
        }
    }

    /** Files of the folder not imported yet become candidates (new events, restarts, overflows). */
    private void scanFolder(Folder folder) {
        Set<String> claimed = catalog.liveFileClaims(folder.slug(), clock.instant()).keySet();
        try (Stream<BlobInfo> files = store.list(folder.keyPrefix())) {
            files.forEach(file -> {
                String name = ImportCandidates.plainName(file.key().substring(folder.keyPrefix().length()));
                if (name != null && !claimed.contains(name)) {
                    offer(folder, name);
                }
            });
        }
    }

    private void drainWatchEvents() {
        WatchKey key;
        while ((key = watcher.poll()) != null) {
            Folder folder = keys.get(key);
            for (WatchEvent<?> event : key.pollEvents()) {
                if (folder == null) {
                    continue;
                }
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    scanFolder(folder); // the queue dropped events: look at everything
                } else if (event.context() instanceof Path name) {
                    String filename = ImportCandidates.plainName(name.toString());
                    if (filename != null && !candidates.containsKey(folder.keyPrefix() + filename)) {
                        offer(folder, filename);
                    }
                }
            }
            if (!key.reset()) {
                keys.remove(key);
                if (folder != null) {
                    folders.remove(folder.dir()); // the folder went away; a rescan registers it again
                }
            }
        }
    }

    private void offer(Folder folder, String filename) {
        candidates.putIfAbsent(folder.keyPrefix() + filename,
                new Candidate(folder, filename, -1, Instant.EPOCH, Instant.EPOCH));
    }

    private void settleCandidates() {
        List<Candidate> settled = new ArrayList<>();
        var it = candidates.entrySet().iterator();
        while (it.hasNext()) {
            var entry = it.next();
            String key = entry.getKey();
            Candidate last = entry.getValue();
            Optional<BlobInfo> now;
            try {
                now = store.head(key);
            } catch (RuntimeException unreadable) {
                // a name the store refuses (a backslash, a control character) or a link leading out of the
                // root: drop it, said once, so the files queued behind it still settle
                it.remove();
                log.warn("{} of event {} is not imported: {}", last.filename(), last.folder().slug(),
                        unreadable.getMessage());
                continue;
            }
            if (now.isEmpty()) {
                it.remove(); // gone (moved away, or a temp file renamed)
                continue;
            }
            BlobInfo info = now.get();
            Instant lookedAt = clock.instant();
            boolean unchanged = info.size() == last.size() && info.lastModified().equals(last.modified());
            if (!unchanged || lookedAt.isBefore(last.lookedAt().plus(settle))) {
                if (!unchanged) {
                    entry.setValue(new Candidate(last.folder(), last.filename(), info.size(), info.lastModified(),
                            lookedAt));
                }
                continue;
            }
            it.remove();
            Candidate failedBefore = rejected.get(key);
            if (failedBefore != null && failedBefore.size() == info.size()
                    && failedBefore.modified().equals(info.lastModified())) {
                continue; // reported already; waits until the file changes
            }
            settled.add(last);
        }
        settled.forEach(this::importSettled);
    }

    private void importSettled(Candidate file) {
        Folder folder = file.folder();
        String key = folder.keyPrefix() + file.filename();
        try {
            if (folder.external()) {
                imports.importReferenced(folder.slug(), folder.externalFolder(), file.filename());
            } else {
                imports.importOrReplaceStored(folder.slug(), key, PhotoSource.WATCH);
            }
            rejected.remove(key);
            importedCount.incrementAndGet();
        } catch (PicPeakException e) {
            if (e.errorCode() == ErrorCode.CONFLICT) {
                return; // imported already (an upload, or this file before a restart)
            }
            if (ImportCandidates.isFinal(e.errorCode()) || e.errorCode() == ErrorCode.EVENT_NOT_FOUND) {
                rejected.put(key, file);
                log.warn("not importing {} into {}: {}", key, folder.slug(), e.getMessage());
            } else {
                log.warn("importing {} failed, trying again: {}", key, e.getMessage());
                offer(folder, file.filename());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
