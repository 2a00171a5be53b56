package com.picpeak.catalog;

import com.picpeak.testing.TestDynamo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduledRunsTest {
    final DynamoTable table = new DynamoTable(TestDynamo.client(), TestDynamo.createTable());
    final Duration interval = Duration.ofMinutes(5);
    final Instant slotStart = Instant.parse("2026-11-30T07:00:00Z");

    @Test
    void eachInterval_isTakenByTheFirstCaller_only() {
        ScheduledRuns instanceA = new ScheduledRuns(table);
        ScheduledRuns instanceB = new ScheduledRuns(table);

        assertThat(instanceA.claim("autoimport-poll", slotStart.plusSeconds(10), interval)).isTrue();
        assertThat(instanceB.claim("autoimport-poll", slotStart.plusSeconds(200), interval)).as("same interval").isFalse();
        assertThat(instanceA.claim("autoimport-poll", slotStart.plusSeconds(299), interval)).isFalse();

        assertThat(instanceB.claim("autoimport-poll", slotStart.plusSeconds(300), interval)).as("the next interval").isTrue();
        assertThat(instanceA.claim("autoimport-poll", slotStart.plusSeconds(100), interval))
                .as("a late timer of an interval already passed").isFalse();
        assertThat(instanceA.claim("archive-sweep", slotStart.plusSeconds(100), interval))
                .as("schedules are independent").isTrue();
    }
}
