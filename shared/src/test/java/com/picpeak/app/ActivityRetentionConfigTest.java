package com.picpeak.app;

import com.picpeak.storage.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How long the activity counters are kept: 90 days unless {@code PICPEAK_ACTIVITY_RETENTION_DAYS} says otherwise. */
class ActivityRetentionConfigTest {
    @Test
    void ninetyDaysByDefault_orWhatTheAdminSets() {
        assertThat(AppConfig.fromEnv(Map.of()).activityRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(AppConfig.fromEnv(Map.of(AppConfig.ACTIVITY_RETENTION_DAYS, "7")).activityRetention())
                .isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aRetentionOutsideOneToTenYears_isRefusedByName() {
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of(AppConfig.ACTIVITY_RETENTION_DAYS, "0")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigException.Problem::variable).containsExactly(AppConfig.ACTIVITY_RETENTION_DAYS));
    }
}
