package com.picpeak.jobs;

/**
 * The work of one kind of job, one step at a time. A step reads the job's parameters and checkpoint, does
 * what it can before the deadline (checking it between units of work: a part, a photo, a batch), and
 * returns where the next step resumes. A step may be cut off at any point (a timeout, a crash): the next
 * one starts again from the last checkpoint, so each unit must be safe to do twice.
 */
public interface JobStep {

    StepResult run(Job job, Deadline deadline);

    /**
     * Called once when the job has failed for good (its attempts are used up): undo what would otherwise be
     * left half-done (an unfinished upload, a hidden event). Never throws for a second failure.
     */
    default void abandon(Job job, String reason) {
    }

    /** A step whose failure for good is undone by {@code abandon}. */
    static JobStep of(java.util.function.BiFunction<Job, Deadline, StepResult> run,
                      java.util.function.BiConsumer<Job, String> abandon) {
        return new JobStep() {
            @Override
            public StepResult run(Job job, Deadline deadline) {
                return run.apply(job, deadline);
            }

            @Override
            public void abandon(Job job, String reason) {
                abandon.accept(job, reason);
            }
        };
    }
}
