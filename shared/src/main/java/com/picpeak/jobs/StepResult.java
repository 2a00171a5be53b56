package com.picpeak.jobs;

import java.time.Duration;

/**
 * What one step did: made progress and saved where to resume ({@code checkpoint}), or finished with a
 * result (JSON, shown to the admin). A step that waits for other jobs (the parts of a build) saves its
 * checkpoint and gives its worker back ({@code waitFor}): it is due again after that long, or at once when
 * {@link Jobs#wake} is called for it.
 */
public record StepResult(boolean done, Progress progress, String checkpoint, String result, Duration waitFor) {

    public static StepResult progress(Progress progress, String checkpoint) {
        return new StepResult(false, progress, checkpoint, null, null);
    }

    public static StepResult done(Progress progress, String result) {
        return new StepResult(true, progress, null, result, null);
    }

    /** Checkpointed, the worker freed, due again after {@code recheck} or when woken, whichever is first. */
    public static StepResult waiting(Progress progress, String checkpoint, Duration recheck) {
        return new StepResult(false, progress, checkpoint, null, recheck);
    }
}
