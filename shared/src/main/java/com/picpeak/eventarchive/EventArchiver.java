package com.picpeak.eventarchive;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.ingest.ImportService;
import com.picpeak.ingest.Orphans;
import com.picpeak.jobs.Deadline;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobJson;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobStep;
import com.picpeak.jobs.JobStore;
import com.picpeak.jobs.Jobs;
import com.picpeak.jobs.Progress;
import com.picpeak.jobs.StepResult;
import com.picpeak.zip.PhotoZips;
import com.picpeak.zip.ZipBuild;
import com.picpeak.zip.ZipParts;
import com.picpeak.zip.ZipPlan;
import com.picpeak.media.ImageHeader;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.ByteRange;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Archiving an expired event, as PicPeak keeps "archive zips" in storage, and restoring it:
 * both are jobs (see {@link com.picpeak.jobs}) that run in steps and resume from their checkpoint.
 * <ul>
 *   <li><b>Archive</b>: the event is hidden, its originals are written to {@code events/archived/<slug>.zip}
 *   by part jobs rendering its parts in parallel ({@link ZipParts}, as Download All's cache is built: every photo
 *   checked against the catalog's size and CRC-32 as it passes, each part's digest,
 *   the length checked at the end), the event is marked archived with the visibility it had, and only then
 *   are the photos' originals and everything derived from them removed, photo by photo. The event and its
 *   photo rows stay (listed for admins as archived). Files in the folder that are not photos of the catalog
 *   are left where they are.</li>
 *   <li><b>Restore</b>: every photo is read from its place in the archive (the plan gives each entry's
 *   offset, so any photo can be read on its own), stored at its key checked against its sha256, and its
 *   thumbnail and the hero rendered again; then the archive is removed.</li>
 *   <li><b>Sweep</b>: one archive job for every expired event with photos.</li>
 * </ul>
 * Archive, restore and delete of one event exclude one another (one lock); while one holds the event, no
 * photo can be added to it or removed from it (the catalog checks the lock in the same transaction).
 */
public final class EventArchiver {
    private static final Logger log = LoggerFactory.getLogger(EventArchiver.class);
    static final String SWEEP_TARGET = "expired-events";

    private final Catalog catalog;
    private final BlobStore store;
    private final ImportService imports;
    private final Jobs jobs;
    private final ZipParts zipParts;
    private final Clock clock;

    public EventArchiver(Catalog catalog, BlobStore store, ImportService imports, Jobs jobs, ZipParts zipParts,
                         Clock clock) {
        this.catalog = catalog;
        this.store = store;
        this.imports = imports;
        this.jobs = jobs;
        this.zipParts = zipParts;
        this.clock = clock;
    }

    public record Target(String slug) {
    }

    /** What an archive job reports when it is done. */
    public record Result(String slug, String key, long length, int photos) {
    }

    // ---- requests (what the admin API calls) ----

    /**
     * Submits the archive job (or returns the running one), after the checks that answer at once whatever
     * the event's size (the job checks its photos in its first step).
     */
    public JobStore.Submission archive(String slug) {
        requireArchivable(event(slug), false);
        return submit(JobKind.EVENT_ARCHIVE, slug);
    }

    public JobStore.Submission restore(String slug) {
        if (!event(slug).isArchived()) {
            conflictUnlessRunning(JobKind.EVENT_RESTORE, slug, "event '" + slug + "' is not archived");
        }
        return submit(JobKind.EVENT_RESTORE, slug);
    }

    /** Submits the sweep, which submits one archive job per due event. */
    public JobStore.Submission sweep() {
        return jobs.submit(JobKind.ARCHIVE_SWEEP, SWEEP_TARGET, new Target(SWEEP_TARGET));
    }

    private JobStore.Submission submit(JobKind kind, String slug) {
        JobStore.Submission submission = jobs.submit(kind, slug, new Target(slug));
        if (!submission.created() && submission.job().kind() != kind) {
            throw busy(slug, submission.job());
        }
        return submission;
    }

    private void conflictUnlessRunning(JobKind kind, String slug, String message) {
        if (jobs.holder(kind, slug).filter(j -> j.kind() == kind).isEmpty()) {
            throw new PicPeakException(ErrorCode.CONFLICT, message);
        }
    }

    static PicPeakException busy(String slug, Job holder) {
        return new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is busy with job " + holder.id() + " ("
                + holder.kind().wireName() + ", " + holder.state().wireName() + "): wait until it has ended");
    }

    private void requireArchivable(Event event, boolean checkPhotos) {
        String slug = event.slug();
        if (event.isArchived()) {
            conflictUnlessRunning(JobKind.EVENT_ARCHIVE, slug, "event '" + slug + "' is archived already");
            return;
        }
        if (event.photoCount() == 0) {
            throw new PicPeakException(ErrorCode.NO_PHOTOS, "event '" + slug + "' has no photos to archive: delete it instead");
        }
        if (!checkPhotos) {
            return;
        }
        try (Stream<Photo> rows = catalog.allPhotos(slug)) {
            if (rows.anyMatch(p -> p.source() == PhotoSource.EXTERNAL)) {
                // archiving removes originals; referenced files are the photographer's, not ours to move
                throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' references files under "
                        + "EXTERNAL_MEDIA_ROOT: it cannot be archived (deactivate or delete it instead)");
            }
        }
    }

    // ---- the archive job ----

    /**
     * Where an archive job is: submitting part jobs ({@code submitted} so far), waiting for them (failed parts
     * submitted again {@code retries} times), completing, removing (with the photos removed so far).
     */
    /** {@code looks}: how often the archive looked at its parts while waiting (its next look backs off). */
    public record ArchiveCheckpoint(String phase, boolean wasActive, long revision, ZipBuild.State build, int removed,
                                    int submitted, int retries, int looks) {
        ArchiveCheckpoint with(String newPhase, ZipBuild.State newBuild, int newRemoved) {
            return new ArchiveCheckpoint(newPhase, wasActive, revision, newBuild, newRemoved, submitted, retries, looks);
        }

        ArchiveCheckpoint parts(String newPhase, int newSubmitted, int newRetries) {
            return new ArchiveCheckpoint(newPhase, wasActive, revision, build, removed, newSubmitted, newRetries, looks);
        }

        ArchiveCheckpoint looked() {
            return new ArchiveCheckpoint(phase, wasActive, revision, build, removed, submitted, retries, looks + 1);
        }
    }

    /** Rounds of submitting failed parts again before the archive gives up (each part has its own attempts too). */
    static final int PART_RETRY_ROUNDS = 3;

    /** The step of a part job of an archive: one part of the event's zip, rendered from the plan. */
    public JobStep partStep() {
        return zipParts.partStep(task -> PhotoZips.plan(catalog, task.subject()));
    }

    public JobStep archiveStep(long partBytes) {
        return JobStep.of((job, deadline) -> archiveStep(job, deadline, partBytes), (job, reason, passing) -> {
            ArchiveCheckpoint at = JobJson.read(job.checkpoint(), ArchiveCheckpoint.class);
            if (at == null || "removing".equals(at.phase())) {
                return; // nothing started, or archived already: the zip holds every photo
            }
            zipParts.abort(at.build());
            catalog.updateEvent(slugOf(job), e -> e.isArchived() ? e : e.withActive(at.wasActive(), clock.instant()));
            log.warn("archiving {} failed for good ({}): the event is as it was", slugOf(job), reason);
        });
    }

    private StepResult archiveStep(Job job, Deadline deadline, long partBytes) {
        String slug = slugOf(job);
        String key = Keys.archivedEvent(slug);
        ArchiveCheckpoint at = JobJson.read(job.checkpoint(), ArchiveCheckpoint.class);
        if (at == null) { // what the event was like is saved before anything changes it
            Event event = event(slug);
            requireArchivable(event, true);
            if (event.isArchived()) {
                throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is archived already");
            }
            at = new ArchiveCheckpoint("hiding", event.active(), event.revision(), null, 0, 0, 0, 0);
            return StepResult.progress(new Progress("hiding", 0, null, "bytes"), JobJson.write(at));
        }
        switch (at.phase()) {
            case "hiding" -> {
                catalog.updateEvent(slug, e -> e.withActive(false, clock.instant())); // guests stop seeing it at once
                ZipPlan plan = PhotoZips.plan(catalog, slug);
                ArchiveCheckpoint submitting = at.with("submitting", zipParts.start(key, plan, partBytes), 0)
                        .parts("submitting", 0, 0);
                return StepResult.progress(Progress.of("submitting parts", 0, submitting.build().parts(), "parts"),
                        JobJson.write(submitting));
            }
            case "writing" -> { // an archive of the sequential kind, interrupted by an upgrade: started again in parts
                zipParts.abort(at.build());
                return StepResult.progress(Progress.of("hiding", 0, 0, "parts"), JobJson.write(at.with("hiding", null, 0)));
            }
            case "submitting" -> {
                ZipPlan plan = PhotoZips.plan(catalog, slug);
                if (event(slug).revision() != at.revision()) { // cannot happen under the lock; kept as a guard
                    throw new PicPeakException(ErrorCode.CONFLICT, "the photos of '" + slug + "' changed while it "
                            + "was archived: nothing was removed");
                }
                int submitted = zipParts.fanOut(JobKind.EVENT_ARCHIVE_PART, slug, job.id(), at.build(), plan.length(),
                        at.submitted(), deadline);
                String phase = submitted < at.build().parts() ? "submitting" : "waiting";
                return StepResult.progress(Progress.of("submitting parts", submitted, at.build().parts(), "parts"),
                        JobJson.write(at.parts(phase, submitted, 0)));
            }
            case "waiting" -> {
                ZipParts.Count count = zipParts.count(at.build());
                if (count.written() == at.build().parts()) {
                    return StepResult.progress(Progress.of("completing", count.written(), at.build().parts(), "parts"),
                            JobJson.write(at.parts("completing", at.submitted(), at.retries())));
                }
                ArchiveCheckpoint next = at;
                if (count.failures() > 0) { // a refusal fails the archive here; a passing failure is tried again alone
                    zipParts.retryFailed(JobKind.EVENT_ARCHIVE_PART, slug, job.id(), at.build(),
                            PhotoZips.plan(catalog, slug).length(), at.retries() < PART_RETRY_ROUNDS);
                    next = at.parts("waiting", at.submitted(), at.retries() + 1);
                }
                return StepResult.waiting(Progress.of("writing parts", count.written(), at.build().parts(), "parts"),
                        JobJson.write(next.looked()), ZipParts.recheckAfter(at.looks()));
            }
            case "completing" -> {
                ArchiveCheckpoint completing = at;
                Event event = event(slug);
                ZipPlan plan = PhotoZips.plan(catalog, slug);
                if (!event.isArchived()) {
                    zipParts.complete(plan, at.build());
                    Instant now = clock.instant();
                    // Archived before anything is removed: a run that stops half-way leaves an archived event
                    // whose zip holds every photo, which restore can always bring back.
                    catalog.updateEvent(slug, e -> e.withArchivedAt(now, now).withActive(completing.wasActive(), now));
                }
                return StepResult.progress(Progress.of("removing", 0, (long) plan.entries().size(), "photos"),
                        JobJson.write(at.with("removing", at.build(), 0)));
            }
            case "removing" -> {
                List<Photo> photos = catalog.photosOf(slug);
                int removed = at.removed();
                int first = removed;
                while (removed < photos.size() && (removed == first || !deadline.passed())) { // one at least
                    removeObjectsOf(slug, photos.get(removed));
                    removed++;
                }
                if (removed < photos.size()) {
                    return StepResult.progress(Progress.of("removing", removed, photos.size(), "photos"),
                            JobJson.write(at.with("removing", at.build(), removed)));
                }
                deleteAll(Keys.downloadCacheFolder(slug)); // caches of Download All: ours, and stale now
                long length = store.head(key).map(BlobInfo::size).orElse(-1L);
                log.info("archived {}: {} photos in {} ({} bytes)", slug, photos.size(), key, length);
                return StepResult.done(Progress.of("done", photos.size(), photos.size(), "photos"),
                        JobJson.write(new Result(slug, key, length, photos.size())));
            }
            default -> throw new IllegalStateException("unknown phase " + at.phase());
        }
    }

    /** The photo's original and everything rendered from it: only what the catalog says is the photo's. */
    private void removeObjectsOf(String slug, Photo photo) {
        List<String> keys = new ArrayList<>(List.of(photo.key(), photo.thumbnailKey(), Keys.hero(slug, photo.id())));
        try (Stream<BlobInfo> renditions = store.list(Keys.renditionsOf(slug, photo.id()))) {
            renditions.forEach(r -> keys.add(r.key()));
        }
        keys.forEach(store::delete);
    }

    private void deleteAll(String prefix) {
        try (Stream<BlobInfo> objects = store.list(prefix)) {
            objects.forEach(object -> store.delete(object.key()));
        }
    }

    // ---- the restore job ----

    public record RestoreCheckpoint(int restored) {
    }

    public JobStep restoreStep() {
        return this::restoreStep;
    }

    private StepResult restoreStep(Job job, Deadline deadline) {
        String slug = slugOf(job);
        Event event = event(slug);
        RestoreCheckpoint at = JobJson.read(job.checkpoint(), RestoreCheckpoint.class);
        String key = Keys.archivedEvent(slug);
        if (!event.isArchived()) {
            if (at == null) {
                throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is not archived");
            }
            store.delete(key); // a step that marked the event restored but was cut off before the end
            return restored(event);
        }
        List<Photo> photos = catalog.photosOf(slug);
        ZipPlan plan = PhotoZips.planOf(photos); // the entries' offsets, as the archive was written
        int restored = at == null ? 0 : at.restored();
        if (restored >= photos.size() && at != null) {
            Instant now = clock.instant();
            Event done = catalog.updateEvent(slug, e -> e.withArchivedAt(null, now)); // its visibility is as it was
            store.delete(key);
            log.info("restored {} ({} photos)", slug, photos.size());
            return restored(done);
        }
        int first = restored;
        while (restored < photos.size() && (restored == first || !deadline.passed())) { // one at least
            restorePhoto(event, photos.get(restored), plan.entries().get(restored), key);
            restored++;
        }
        // every photo is back: saved before the event is marked restored, so a cut-off end is finished, not refused
        return StepResult.progress(Progress.of(restored < photos.size() ? "restoring" : "finishing", restored,
                photos.size(), "photos"), JobJson.write(new RestoreCheckpoint(restored)));
    }

    private StepResult restored(Event event) {
        long photos = event.photoCount();
        return StepResult.done(Progress.of("done", photos, photos, "photos"),
                JobJson.write(Map.of("slug", event.slug(), "photos", photos, "active", event.active())));
    }

    /** One photo from its place in the archive, checked against its sha256; then its thumbnail and hero. */
    private void restorePhoto(Event event, Photo photo, ZipPlan.Entry entry, String archiveKey) {
        boolean present = store.head(photo.key()).flatMap(BlobInfo::sha256).filter(photo.sha256()::equals).isPresent();
        if (!present) {
            ByteRange range = ByteRange.of(entry.dataOffset(), entry.dataOffset() + photo.size() - 1);
            try (BlobRead read = store.get(archiveKey, range)) {
                store.put(photo.key(), read.stream(), PutOptions.of(photo.contentType()).expectingSha256(photo.sha256()));
            } catch (IOException e) {
                throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + photo.filename() + "' from "
                        + archiveKey + " failed: " + e, e);
            }
        }
        ImageHeader header = imports.header(photo.key());
        store.put(photo.thumbnailKey(), new ByteArrayInputStream(
                imports.render(photo.key(), header, ImportService.THUMBNAIL_SIZE, ImportService.THUMBNAIL_SIZE)),
                PutOptions.of("image/jpeg"));
        if (photo.id().equals(event.heroPhotoId()) && event.heroKey() != null) {
            store.put(event.heroKey(), new ByteArrayInputStream(imports.render(photo.key(), header, 1920, 1080)),
                    PutOptions.of("image/jpeg"));
        }
    }

    // ---- the sweep job ----

    public record SweepCheckpoint(List<String> submitted, List<String> skipped) {
    }

    public JobStep sweepStep() {
        return sweepStep(null);
    }

    /** The sweep, which also removes files a failed import left without a row ({@code orphans}; null: not). */
    public JobStep sweepStep(Orphans orphans) {
        return (job, deadline) -> {
            Instant now = clock.instant();
            List<String> submitted = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            List<Event> due;
            try (Stream<Event> events = catalog.allEvents()) {
                due = events.filter(e -> e.isExpired(now) && !e.isArchived() && e.photoCount() > 0).toList();
            }
            for (Event event : due) {
                try {
                    JobStore.Submission submission = archive(event.slug());
                    (submission.job().kind() == JobKind.EVENT_ARCHIVE ? submitted : skipped).add(event.slug());
                } catch (PicPeakException e) { // another job holds it, or it cannot be archived: it stays as it is
                    skipped.add(event.slug());
                    log.warn("the sweep leaves expired event {} as it is: {}", event.slug(), e.getMessage());
                }
            }
            int resumed = jobs.resumeStranded(); // jobs whose queue message was lost get a worker again
            int orphansRemoved = orphans == null ? 0 : orphans.reconcileAll().total();
            return StepResult.done(Progress.of("done", due.size(), due.size(), "events"),
                    JobJson.write(Map.of("archiving", submitted, "skipped", skipped, "resumedJobs", resumed,
                            "orphansRemoved", orphansRemoved)));
        };
    }

    // ---- helpers ----


    private static String slugOf(Job job) {
        return JobJson.read(job.params(), Target.class).slug();
    }

    private Event event(String slug) {
        return catalog.findEvent(slug).orElseThrow(() ->
                new PicPeakException(ErrorCode.EVENT_NOT_FOUND, "there is no event '" + slug + "'"));
    }
}
