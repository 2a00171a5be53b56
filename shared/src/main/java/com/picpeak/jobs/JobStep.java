package com.picpeak.jobs;

import java.util.function.BiFunction;

/**
 * The work of one kind of job, one step at a time. A step reads the job's parameters and checkpoint, does
 * what it can before the deadline (checking it between units of work: a part, a photo, a batch), and
 * returns where the next step resumes. A step may be cut off at any point (a timeout, a crash): the next
 * one starts again from the last checkpoint, so each unit must be safe to do twice.
 */
public interface JobStep {

    StepResult run(Job job, Deadline deadline);

    /**
     * Called once when the job has failed for good: undo what would otherwise be left half-done (an unfinished
     * upload, a hidden event). {@code passing}: it failed because something did not answer (its attempts
     * ran out), not because it was refused, so asking again later may succeed. Never throws for a second failure.
     */
    default void abandon(Job job, String reason, boolean passing) {
    }

    /** Undoes a job that failed for good; {@code passing}: its last failure may pass (storage was down). */
    @FunctionalInterface
    interface Undo {
        void undo(Job job, String reason, boolean passing);
    }

    /** A step whose failure for good is undone by {@code undo}. */
    static JobStep of(BiFunction<Job, Deadline, StepResult> run, Undo undo) {
        return new JobStep() {
            @Override
            public StepResult run(Job job, Deadline deadline) {
                return run.apply(job, deadline);
            }

            @Override
            public void abandon(Job job, String reason, boolean passing) {
                undo.undo(job, reason, passing);
            }
        };
    }
}
