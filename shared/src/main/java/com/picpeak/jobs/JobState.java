package com.picpeak.jobs;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.util.Arrays;
import java.util.Locale;

/** queued (waiting for a worker) → running (a worker holds its lease) → succeeded or failed. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobState fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst().orElseThrow(() ->
                new PicPeakException(ErrorCode.INVALID_REQUEST, "state '" + name + "' is none of "
                        + Arrays.stream(values()).map(JobState::wireName).toList()));
    }
}
