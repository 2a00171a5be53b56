package com.picpeak.storage;

import java.time.Duration;

/**
 * How long a presigned GET of a large download lives. A browser that pauses or loses its connection resumes
 * with the same URL (a range request), so the link must outlive the whole transfer at a slow guest's pace, not
 * only its first minute: {@link #MINIMUM}, or the time to fetch the object at {@link #SLOW_BYTES_PER_SECOND},
 * at most {@link #MAXIMUM}. In Lambda the URL is signed with the function's temporary credentials and stops
 * working when they expire, whichever comes first (docs/download-all.md).
 */
public final class PresignedLinks {
    /** Enough for a resume after a short pause on any archive. */
    public static final Duration MINIMUM = Duration.ofMinutes(15);
    /** 6 hours: a 10 GB archive at 4 Mbit/s; beyond it the page asks for a fresh link. */
    public static final Duration MAXIMUM = Duration.ofHours(6);
    /** A slow guest's connection (4 Mbit/s). */
    public static final long SLOW_BYTES_PER_SECOND = 500_000;

    private PresignedLinks() {
    }

    /** The validity of a presigned GET of a download of {@code length} bytes. */
    public static Duration forDownload(long length) {
        Duration transfer = Duration.ofSeconds(Math.max(0, length) / SLOW_BYTES_PER_SECOND);
        Duration wanted = transfer.compareTo(MINIMUM) < 0 ? MINIMUM : transfer;
        return wanted.compareTo(MAXIMUM) > 0 ? MAXIMUM : wanted;
    }
}
