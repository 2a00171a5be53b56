package com.picpeak.autoimport;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.FileClaim;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.ingest.ImportService;
import com.picpeak.jobs.Deadline;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import com.picpeak.storage.S3RequestCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The S3 auto-import poll. For every active event it lists the event's folder (page by page: one request
 * per 1,000 objects, nothing per object) and compares what it finds with the catalog: imported names are
 * skipped, new objects get a sighting, and an object is imported only when a later poll finds it again with
 * the same etag and size, at least half an interval after its sighting. So a file still being uploaded (a
 * multipart upload shows no object until complete, but a client may overwrite it) is never imported half
 * done, and two walkers running the same poll cannot promote each other's fresh sightings. The import claims
 * the file name with a conditional write: of two walkers importing at once, one wins, the other skips.
 */
public final class PrefixWalker {
    private static final Logger log = LoggerFactory.getLogger(PrefixWalker.class);
    private static final int MAX_REPORTED = 50;

    private final Catalog catalog;
    private final BlobStore store;
    private final ImportService imports;
    private final AutoImportState state;
    private final Clock clock;
    private final Duration minAge;
    /** Push import is on: the walker is its reconciler, and what it imports is what push missed. */
    private final boolean reconcilingPush;

    public PrefixWalker(Catalog catalog, BlobStore store, ImportService imports, AutoImportState state, Clock clock,
                        Duration interval) {
        this(catalog, store, imports, state, clock, interval, false);
    }

    /** @param reconcilingPush push import is on: each import of this walker is counted as one push missed */
    public PrefixWalker(Catalog catalog, BlobStore store, ImportService imports, AutoImportState state, Clock clock,
                        Duration interval, boolean reconcilingPush) {
        this.reconcilingPush = reconcilingPush;
        this.catalog = catalog;
        this.store = store;
        this.imports = imports;
        this.state = state;
        this.clock = clock;
        this.minAge = interval.dividedBy(2);
    }

    /** One poll over every active event; never throws for an event's failure (it is in the report). */
    public PollReport poll() {
        return poll(null, null);
    }

    /**
     * One poll over the active events after {@code resumeAfter} (all when null), in slug order, that stops
     * taking on work once {@code deadline} has passed (none when null): the report's {@code resumeAfter}
     * then says where the next poll goes on. Two polls at once do no duplicate work: the two-poll gate and
     * the file-name claims let one of them import each file.
     */
    public PollReport poll(Deadline deadline, String resumeAfter) {
        Instant started = clock.instant();
        long requestsBefore = S3RequestCounter.currentThread();
        Tally tally = new Tally();
        List<Event> active;
        try (Stream<Event> events = catalog.allEvents()) {
            active = events.filter(e -> e.active() && !e.isArchived())
                    .filter(e -> resumeAfter == null || e.slug().compareTo(resumeAfter) > 0).toList();
        } catch (PicPeakException e) {
            tally.errors.add("listing events: " + e.getMessage());
            active = List.of();
        }
        String stoppedAfter = null;
        for (Event event : active) {
            if (deadline != null && deadline.passed() && stoppedAfter == null && tally.walked > 0) {
                stoppedAfter = tally.lastWalked;
                break;
            }
            try {
                walk(event.slug(), tally, deadline);
            } catch (RuntimeException e) { // S3 or the catalog unreachable: this event waits for the next poll
                tally.errors.add(event.slug() + ": " + e.getMessage());
                log.warn("auto-import could not poll {}: {}", event.slug(), e.getMessage());
            }
            tally.walked++;
            tally.lastWalked = event.slug();
        }
        PollReport report = new PollReport(started, Duration.between(started, clock.instant()).toMillis(),
                active.size(), tally.listed, tally.newSightings, tally.waiting, tally.imported, tally.skipped,
                tally.failed, S3RequestCounter.currentThread() - requestsBefore, List.copyOf(tally.failures),
                List.copyOf(tally.errors), stoppedAfter, reconcilingPush ? tally.imported : 0,
                List.copyOf(tally.missed));
        try {
            state.saveLastPoll(report);
        } catch (PicPeakException e) {
            log.warn("could not record the poll report: {}", e.getMessage());
        }
        log.info("auto-import poll: {}", report.summary());
        return report;
    }

    private void walk(String slug, Tally tally, Deadline deadline) {
        Map<String, FileClaim> claims = catalog.liveFileClaims(slug, clock.instant());
        Map<String, Sighting> sightings = state.sightings(slug);
        Set<String> present = new HashSet<>();
        try (Stream<BlobInfo> objects = store.list(Keys.eventFolder(slug))) {
            objects.forEach(object -> {
                tally.listed++;
                String filename = ImportCandidates.filenameOf(slug, object.key());
                if (filename == null) {
                    return; // generated or hidden: not a photo drop
                }
                present.add(filename);
                if (deadline != null && deadline.passed() && (tally.walked > 0 || tally.imported > 0)) {
                    tally.waiting++; // out of time (having done something): the next poll, its sighting stays
                    return;
                }
                consider(slug, filename, object, claims.get(filename), sightings.get(filename), tally);
            });
        }
        for (Sighting gone : sightings.values()) {
            if (!present.contains(gone.filename())) {
                state.forget(slug, gone.filename()); // deleted before its second sighting
            }
        }
    }

    private void consider(String slug, String filename, BlobInfo object, FileClaim claim, Sighting sighting,
                          Tally tally) {
        Instant now = clock.instant();
        String etag = object.etag() == null ? "" : object.etag();
        // a photo's file overwritten in the prefix is that photo's new version, through the same two-poll gate
        boolean replaced = claim != null && claim.photoId() != null && claim.objectEtag() != null
                && !claim.objectEtag().equals(etag)
                && !claim.objectEtag().startsWith(etag + ImportService.VERSION_SAMPLE_SEPARATOR); // a local file's tag
        if (claim != null && !replaced) {
            tally.skipped++;
            if (sighting != null) {
                state.forget(slug, filename);
            }
            return;
        }
        if (sighting == null || !sighting.sameVersion(etag, object.size())) {
            state.record(slug, new Sighting(filename, etag, object.size(), now, null));
            tally.newSightings++;
            return;
        }
        if (sighting.rejected()) {
            tally.skipped++;
            return;
        }
        if (Duration.between(sighting.seenAt(), now).compareTo(minAge) < 0) {
            tally.waiting++;
            return;
        }
        try {
            imports.importOrReplaceStored(slug, object.key(), PhotoSource.S3_IMPORT);
            state.forget(slug, filename);
            tally.imported++;
            if (reconcilingPush) { // no notification (or none that arrived) imported it: push missed this one
                log.warn("auto-import: {}/{} was imported by the walker, push import missed it", slug, filename);
                if (tally.missed.size() < MAX_REPORTED) {
                    tally.missed.add(slug + "/" + filename);
                }
            }
        } catch (PicPeakException e) {
            if (e.errorCode() == ErrorCode.CONFLICT) {
                tally.skipped++; // another walker (or an upload) claimed the name first
            } else if (ImportCandidates.isFinal(e.errorCode())) {
                state.record(slug, new Sighting(filename, etag, object.size(), sighting.seenAt(), e.getMessage()));
                tally.fail(slug + "/" + filename + ": " + e.getMessage());
                log.warn("auto-import leaves {}/{} alone until it changes: {}", slug, filename, e.getMessage());
            } else {
                tally.fail(slug + "/" + filename + " (retried next poll): " + e.getMessage());
            }
        }
    }

    private static final class Tally {
        long listed;
        long newSightings;
        long waiting;
        long imported;
        long skipped;
        long failed;
        int walked;
        String lastWalked;
        final List<String> failures = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        final List<String> missed = new ArrayList<>();

        void fail(String what) {
            failed++;
            if (failures.size() < MAX_REPORTED) {
                failures.add(what);
            }
        }
    }
}
