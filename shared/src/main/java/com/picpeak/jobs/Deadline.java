package com.picpeak.jobs;

import java.time.Clock;
import java.time.Instant;

/** When a step must stop taking on more work and checkpoint. */
public record Deadline(Instant at, Clock clock) {

    public boolean passed() {
        return !clock.instant().isBefore(at);
    }
}
