package com.picpeak.archive;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Local mode: builds on one background thread; a slug already queued is not queued twice. */
public final class BackgroundArchiveBuilds implements ArchiveBuilds, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundArchiveBuilds.class);

    private final ArchiveService archives;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "archive-builder");
        thread.setDaemon(true);
        return thread;
    });

    public BackgroundArchiveBuilds(ArchiveService archives) {
        this.archives = archives;
    }

    @Override
    public void request(String slug) {
        if (!queued.add(slug)) {
            return;
        }
        worker.submit(() -> {
            queued.remove(slug);
            try {
                archives.build(slug);
            } catch (RuntimeException e) {
                log.warn("building the archive of {} failed: {}", slug, e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
