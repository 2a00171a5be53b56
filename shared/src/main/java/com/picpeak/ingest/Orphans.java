package com.picpeak.ingest;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.FileClaim;
import com.picpeak.catalog.Photo;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reconciles storage with the catalog after a failure: a thumbnail or an original that an import wrote and could not
 * remove when it failed (a killed server, an S3 outage, a catalog outage), with no photo row, is removed. Local mode
 * runs it at start, and the archive sweep (daily) on every shape.
 * <ul>
 *   <li>A <b>thumbnail</b> ({@code thumbnails/<slug>/<id>.jpg}) is an orphan when no photo of its event has it and no
 *   import of the event is under way (an unfinished live name claim): an import writes its thumbnail just before its
 *   row, and holds its claim from before the write until after the row. The thumbnails are listed first, then the
 *   claims, then the rows, so one written by an import that starts meanwhile is never taken for an orphan.</li>
 *   <li>An <b>original</b> ({@code events/active/<slug>/<name>}) is an orphan when no photo has it, it carries the
 *   sha256 an import records (a file dropped in by hand never does: it is the photographer's, left alone), and the
 *   store has no auto-import. With auto-import (local mode's folder watcher, the S3 walker or push import) a file in
 *   an event's folder without a row is what the watcher or walker imports, leftover or not (what was uploaded is
 *   what the admin asked for): it is left to them. The original is removed under the name's claim, taken here
 *   as an import would, so no import of that name can start while it goes.</li>
 * </ul>
 * Archived events (their photos are in the archive) and names with a live claim or a tombstone are never touched.
 */
public final class Orphans {
    private static final Logger log = LoggerFactory.getLogger(Orphans.class);

    /** What one reconciliation removed. */
    public record Removed(int thumbnails, int originals) {
        public int total() {
            return thumbnails + originals;
        }
    }

    private final Catalog catalog;
    private final BlobStore store;
    private final Clock clock;
    private final boolean autoImport;

    /** @param autoImport whether a watcher or walker imports what is dropped into an event's folder */
    public Orphans(Catalog catalog, BlobStore store, Clock clock, boolean autoImport) {
        this.catalog = catalog;
        this.store = store;
        this.clock = clock;
        this.autoImport = autoImport;
    }

    /** Every event that is not archived; an event that cannot be reconciled now (storage down) is left for next time. */
    public Removed reconcileAll() {
        List<Event> events;
        try (Stream<Event> all = catalog.allEvents()) {
            events = all.filter(e -> !e.isArchived()).toList();
        }
        int thumbnails = 0;
        int originals = 0;
        for (Event event : events) {
            try {
                Removed removed = reconcile(event.slug());
                thumbnails += removed.thumbnails();
                originals += removed.originals();
            } catch (RuntimeException e) {
                log.warn("orphans of event {} not reconciled now (next time): {}", event.slug(), e.getMessage());
            }
        }
        if (thumbnails + originals > 0) {
            log.info("removed {} orphaned thumbnails and {} orphaned originals (files without a photo row)",
                    thumbnails, originals);
        }
        return new Removed(thumbnails, originals);
    }

    public Removed reconcile(String slug) {
        String thumbnailFolder = Keys.thumbnail(slug, "x").substring(0, Keys.thumbnail(slug, "x").lastIndexOf('/') + 1);
        String eventFolder = Keys.eventFolder(slug);
        // the order matters: objects first, then the claims, then the rows (see the class comment)
        List<String> thumbnails = keys(thumbnailFolder);
        List<String> originals = autoImport ? List.of() : keys(eventFolder);
        Map<String, FileClaim> claims = catalog.liveFileClaims(slug, clock.instant());
        boolean importing = claims.values().stream().anyMatch(c -> c.photoId() == null && c.tombstone() == null);
        Set<String> rowKeys = new HashSet<>();
        try (Stream<Photo> photos = catalog.allPhotos(slug)) {
            photos.forEach(p -> {
                rowKeys.add(p.key());
                rowKeys.add(p.thumbnailKey());
            });
        }
        int removedThumbnails = 0;
        if (!importing) {
            for (String key : thumbnails) {
                String name = key.substring(thumbnailFolder.length());
                if (!rowKeys.contains(key) && !name.contains("/") && !name.startsWith(".")) {
                    store.delete(key);
                    removedThumbnails++;
                    log.info("removed orphaned thumbnail {} (no photo has it)", key);
                }
            }
        }
        int removedOriginals = 0;
        for (String key : originals) {
            String name = key.substring(eventFolder.length());
            if (name.contains("/") || name.startsWith(".") || rowKeys.contains(key) || claims.containsKey(name)) {
                continue; // a sub-folder (caches), a dot-file, a photo's, or an import's under way or a tombstone's
            }
            if (removeOriginal(slug, name, key)) {
                removedOriginals++;
            }
        }
        return new Removed(removedThumbnails, removedOriginals);
    }

    /** Under the name's claim: removed when no photo took the name meanwhile and the object is an import's. */
    private boolean removeOriginal(String slug, String name, String key) {
        Optional<String> token = catalog.leaseFilename(slug, name, clock.instant(), ImportService.CLAIM_LEASE);
        if (token.isEmpty()) {
            return false; // an import, a photo or a tombstone holds the name
        }
        try {
            Optional<BlobInfo> object = store.head(key);
            if (object.isEmpty() || object.get().sha256().isEmpty()) {
                return false; // gone, or dropped in by hand: not ours
            }
            store.delete(key);
            log.info("removed orphaned original {} (an import's leftover: no photo has it)", key);
            return true;
        } finally {
            catalog.releaseFilename(slug, name, token.get());
        }
    }

    private List<String> keys(String prefix) {
        try (Stream<BlobInfo> listed = store.list(prefix)) {
            return listed.map(BlobInfo::key).toList();
        }
    }
}
