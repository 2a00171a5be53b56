package com.picpeak.jobs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestJobs;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A job that fails for good says the same number of attempts in its record (the jobs route's JSON) and its log. */
class JobAttemptsTest {

    @Test
    void aJobWhoseEveryAttemptFails_countsTheLastOne_inItsRecordAsInItsLog() {
        TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
        TestJobs jobs = new TestJobs(TestDynamo.createTable(), clock, TestJobs.TINY_STEPS); // 3 attempts
        jobs.register(JobKind.EVENT_DELETE, (job, deadline) -> {
            throw new IllegalStateException("storage did not answer");
        });
        Logger logger = (Logger) LoggerFactory.getLogger(JobRunner.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            String id = jobs.jobs.submit(JobKind.EVENT_DELETE, "wedding", Map.of()).job().id();

            List<Job> ran = jobs.drain();

            Job failed = ran.get(0);
            assertThat(failed.id()).isEqualTo(id);
            assertThat(failed.state()).isEqualTo(JobState.FAILED);
            List<String> lines = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(lines).filteredOn(line -> line.contains("attempt 1 of 3")).hasSize(1);
            assertThat(lines).filteredOn(line -> line.contains("attempt 2 of 3")).hasSize(1);
            assertThat(lines).filteredOn(line -> line.startsWith("JOB_FAILED")).singleElement()
                    .satisfies(line -> assertThat(line).contains("(attempts 3 of 3)").contains("storage did not answer"));
            assertThat(failed.attempts()).as("the record, as GET /api/admin/jobs/{id} shows it").isEqualTo(3);
        } finally {
            logger.detachAppender(logged);
        }
    }
}
