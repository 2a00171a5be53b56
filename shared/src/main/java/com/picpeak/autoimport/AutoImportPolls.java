package com.picpeak.autoimport;

import com.picpeak.jobs.Deadline;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobJson;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobRunner;
import com.picpeak.jobs.JobStep;
import com.picpeak.jobs.JobStore;
import com.picpeak.jobs.Jobs;
import com.picpeak.jobs.Progress;
import com.picpeak.jobs.StepResult;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * Polls of the S3 prefix walker as jobs: one at a time (one lock), each step a poll with a deadline that
 * goes on from the event where the last one stopped. The admin's "poll now" submits one to the workers; the
 * schedule (the poller function, local mode's timer) runs it right there within its own time budget and
 * leaves what is left to the next tick.
 */
public final class AutoImportPolls {
    static final String TARGET = "s3-prefixes";

    private final Jobs jobs;
    private final Supplier<PrefixWalker> walker;

    public AutoImportPolls(Jobs jobs, Supplier<PrefixWalker> walker) {
        this.jobs = jobs;
        this.walker = walker;
    }

    public record Target(String target) {
    }

    /** The figures of the poll so far (every step's added up) and where the next step goes on. */
    public record Totals(int steps, long events, long objectsListed, long imported, long skipped, long failed,
                         long waiting, String resumeAfter) {
        Totals plus(PollReport report) {
            return new Totals(steps + 1, events + report.events(), objectsListed + report.objectsListed(),
                    imported + report.imported(), skipped + report.skipped(), failed + report.failed(),
                    waiting + report.waiting(), report.resumeAfter());
        }
    }

    /** "Poll now": a job for the workers (or the one already under way). */
    public JobStore.Submission submit() {
        return jobs.submit(JobKind.AUTO_IMPORT_POLL, TARGET, new Target(TARGET));
    }

    /**
     * A scheduled poll, run by this caller until {@code until}: the unfinished poll job if there is one (a
     * poll cut off by the last tick's deadline, or one an admin asked for), else a new one.
     */
    public JobRunner.Outcome runScheduled(JobRunner runner, Instant until) {
        JobStore.Submission submission = jobs.submit(JobKind.AUTO_IMPORT_POLL, TARGET, new Target(TARGET), false);
        return runner.run(submission.job().id(), until);
    }

    public JobStep step() {
        return this::step;
    }

    private StepResult step(Job job, Deadline deadline) {
        Totals before = JobJson.read(job.checkpoint(), Totals.class);
        if (before == null) {
            before = new Totals(0, 0, 0, 0, 0, 0, 0, null);
        }
        PollReport report = walker.get().poll(deadline, before.resumeAfter());
        Totals after = before.plus(report);
        Progress progress = new Progress(after.resumeAfter() == null ? "done" : "polling", after.events(), null,
                "events");
        return after.resumeAfter() == null ? StepResult.done(progress, JobJson.write(after))
                : StepResult.progress(progress, JobJson.write(after));
    }
}
