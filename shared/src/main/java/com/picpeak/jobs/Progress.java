package com.picpeak.jobs;

/** What an admin sees of a running job: the phase, and how far it is ({@code total} null when unknown). */
public record Progress(String phase, long done, Long total, String unit) {
    public static final Progress NONE = new Progress("queued", 0, null, "steps");

    public static Progress of(String phase, long done, long total, String unit) {
        return new Progress(phase, done, total, unit);
    }
}
