package com.picpeak.gallery;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Names;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.jobs.Deadline;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobJson;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobStep;
import com.picpeak.jobs.JobStore;
import com.picpeak.jobs.Jobs;
import com.picpeak.jobs.Progress;
import com.picpeak.jobs.StepResult;
import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Deleting an event, as a job: the event is hidden at once, then every object of it is deleted (its
 * originals, thumbnails, heroes, renditions, Download All caches, staged uploads, fingerprinted copies, its
 * own watermark and its archive: {@link Keys#eventPrefixes}), batch after batch, and last every row of it.
 * Each step goes on from what is left, so a step cut off anywhere is simply repeated; the slug can then be
 * used again with nothing of the old event behind it.
 */
public final class EventDeletion {
    private static final Logger log = LoggerFactory.getLogger(EventDeletion.class);

    private final Catalog catalog;
    private final BlobStore store;
    private final Jobs jobs;
    private final Clock clock;

    public EventDeletion(Catalog catalog, BlobStore store, Jobs jobs, Clock clock) {
        this.catalog = catalog;
        this.store = store;
        this.jobs = jobs;
        this.clock = clock;
    }

    public record Target(String slug) {
    }

    /** How far a deletion got: objects deleted so far. */
    public record Checkpoint(long deleted) {
    }

    /** Submits the deletion (or returns the one running); 404 for an unknown event, 409 while another job holds it. */
    public JobStore.Submission delete(String slug) {
        Names.slug(slug);
        if (catalog.findEvent(slug).isEmpty() && jobs.holder(JobKind.EVENT_DELETE, slug).isEmpty()) {
            throw EventService.notFound(slug);
        }
        JobStore.Submission submission = jobs.submit(JobKind.EVENT_DELETE, slug, new Target(slug));
        if (!submission.created() && submission.job().kind() != JobKind.EVENT_DELETE) {
            throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is busy with job "
                    + submission.job().id() + " (" + submission.job().kind().wireName() + "): wait until it has ended");
        }
        return submission;
    }

    public JobStep step() {
        return this::step;
    }

    private StepResult step(Job job, Deadline deadline) {
        String slug = JobJson.read(job.params(), Target.class).slug();
        Checkpoint at = JobJson.read(job.checkpoint(), Checkpoint.class);
        long deleted = at == null ? 0 : at.deleted();
        if (at == null && catalog.findEvent(slug).isPresent()) {
            catalog.updateEvent(slug, e -> e.withActive(false, clock.instant())); // guests stop seeing it at once
            return StepResult.progress(new Progress("deleting objects", 0, null, "objects"), JobJson.write(new Checkpoint(0)));
        }
        long before = deleted;
        for (String prefix : Keys.eventPrefixes(slug)) {
            try (Stream<BlobInfo> objects = store.list(prefix)) {
                Iterator<BlobInfo> each = objects.iterator();
                while (each.hasNext()) {
                    if (deleted > before && deadline.passed()) { // what is deleted is gone: the next step lists the rest
                        return StepResult.progress(new Progress("deleting objects", deleted, null, "objects"),
                                JobJson.write(new Checkpoint(deleted)));
                    }
                    store.delete(each.next().key());
                    deleted++;
                }
            }
        }
        catalog.deleteEvent(slug); // its rows: photos, claims, sightings, Download All records, the event itself
        log.info("deleted event {} ({} objects)", slug, deleted);
        return StepResult.done(Progress.of("done", deleted, deleted, "objects"),
                JobJson.write(Map.of("slug", slug, "objectsDeleted", deleted)));
    }
}
