package com.picpeak.jobs;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.EnvReader;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestJobs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step that fails because storage is unavailable is retried with pauses that double, past the attempts, for the
 * retry window; the job says what it waits for. A refusal still fails at once, a bug after the attempts.
 */
class JobOutageRetryTest {
    /** 3 attempts, a first pause of 1 s, a window of 10 min (the defaults' shape, on a test clock). */
    static final JobSettings SETTINGS = new JobSettings(Duration.ofHours(1), Duration.ofHours(2), Duration.ofSeconds(1),
            Duration.ZERO, 3, 8 * 1024, 1, Duration.ofMinutes(10));

    final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
    final TestJobs jobs = new TestJobs(TestDynamo.createTable(), clock, SETTINGS);

    @Test
    void anOutageOfFiveMinutes_isWaitedOut_pastTheAttempts_andTheJobSaysWhatItWaitsFor() {
        Instant outageEnds = clock.instant().plus(Duration.ofMinutes(5));
        List<String> waiting = new ArrayList<>();
        jobs.register(JobKind.EVENT_RESTORE, (job, deadline) -> {
            if (clock.instant().isBefore(outageEnds)) {
                if (job.lastError() != null) {
                    waiting.add(job.lastError());
                }
                throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "could not read 'archive.zip': S3 did not answer");
            }
            return StepResult.done(Progress.NONE, "{}");
        });
        jobs.jobs.submit(JobKind.EVENT_RESTORE, "wedding", Map.of());

        Job done = jobs.drain().get(0);

        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(waiting).hasSizeGreaterThan(SETTINGS.maxAttempts());
        assertThat(waiting.get(3)).startsWith("waiting for storage: retry 4 at ")
                .contains("could not read 'archive.zip': S3 did not answer");
        // the pauses double: 1, 2, 4, 8, ... s, at most 60 s
        assertThat(SETTINGS.outagePause(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(SETTINGS.outagePause(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(SETTINGS.outagePause(30)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void anOutageLongerThanTheWindow_failsTheJob_withTheReason() {
        jobs.register(JobKind.EVENT_ARCHIVE, (job, deadline) -> {
            throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "S3 did not answer");
        });
        Instant start = clock.instant();
        jobs.jobs.submit(JobKind.EVENT_ARCHIVE, "wedding", Map.of());

        Job failed = jobs.drain().get(0);

        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.lastError()).contains("S3 did not answer");
        assertThat(Duration.between(start, failed.finishedAt())).as("retried over the window, not beyond it")
                .isGreaterThan(Duration.ofMinutes(5)).isLessThanOrEqualTo(Duration.ofMinutes(10).plusSeconds(1));
    }

    @Test
    void aRefusal_stillFailsAtOnce_andABug_afterTheAttempts() {
        jobs.register(JobKind.EVENT_RESTORE, (job, deadline) -> {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "the archive of 'wedding' is missing");
        });
        jobs.register(JobKind.EVENT_DELETE, (job, deadline) -> {
            throw new IllegalStateException("a bug");
        });
        jobs.jobs.submit(JobKind.EVENT_RESTORE, "refused", Map.of());
        jobs.jobs.submit(JobKind.EVENT_DELETE, "buggy", Map.of());

        List<Job> ended = jobs.drain();

        assertThat(ended).allSatisfy(job -> assertThat(job.state()).isEqualTo(JobState.FAILED));
        assertThat(ended).filteredOn(job -> job.target().equals("refused")).singleElement()
                .satisfies(job -> assertThat(job.attempts()).isZero());
        assertThat(ended).filteredOn(job -> job.target().equals("buggy")).singleElement()
                .satisfies(job -> assertThat(job.attempts()).isEqualTo(3));
    }

    @Test
    void theWindow_comesFromTheEnvironment() {
        assertThat(JobSettings.DEFAULTS.retryWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(JobSettings.DEFAULTS.outageRetries()).isGreaterThan(JobSettings.DEFAULTS.maxAttempts());
        assertThat(JobSettings.fromEnv(new EnvReader(Map.of(JobSettings.RETRY_WINDOW_MS, "120000"))).retryWindow())
                .isEqualTo(Duration.ofMinutes(2));
    }
}
