package com.picpeak.jobs;

/**
 * What one step did: made progress and saved where to resume ({@code checkpoint}), or finished with a
 * result (JSON, shown to the admin).
 */
public record StepResult(boolean done, Progress progress, String checkpoint, String result) {

    public static StepResult progress(Progress progress, String checkpoint) {
        return new StepResult(false, progress, checkpoint, null);
    }

    public static StepResult done(Progress progress, String result) {
        return new StepResult(true, progress, null, result);
    }
}
