package com.picpeak.autoimport;

import com.picpeak.app.AppConfig;
import com.picpeak.storage.ConfigException;
import com.picpeak.storage.StorageConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Push import's settings: on with the hook's token, the walker then hourly unless told otherwise. */
class PushImportConfigTest {
    static final String TOKEN = "storage-events-token-0123456789";

    @Test
    void theHooksToken_turnsPushImportOn_andTheWalkersDefaultInterval_becomesHourly() {
        StorageConfig plain = StorageConfig.fromEnv(Map.of());
        StorageConfig pushed = StorageConfig.fromEnv(Map.of(StorageConfig.STORAGE_EVENTS_TOKEN, TOKEN));
        StorageConfig told = StorageConfig.fromEnv(Map.of(StorageConfig.STORAGE_PUSH_IMPORT, "true",
                StorageConfig.STORAGE_AUTO_IMPORT_INTERVAL_MS, "600000"));

        assertThat(plain.pushImport()).isFalse();
        assertThat(plain.autoImportInterval().toMillis()).isEqualTo(300_000);
        assertThat(pushed.pushImport()).isTrue();
        assertThat(pushed.autoImportInterval().toMillis()).isEqualTo(3_600_000);
        assertThat(told.pushImport()).isTrue();
        assertThat(told.autoImportInterval().toMillis()).isEqualTo(600_000);
    }

    @Test
    void aShortHookToken_isRefused_andTheTokenIsNeverPrinted() {
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of(AppConfig.STORAGE_EVENTS_TOKEN, "short")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AppConfig.STORAGE_EVENTS_TOKEN);
        AppConfig config = AppConfig.fromEnv(Map.of(AppConfig.STORAGE_EVENTS_TOKEN, TOKEN,
                AppConfig.STORAGE_EVENTS_CONCURRENCY, "8"));
        assertThat(config.storageEventsToken()).contains(TOKEN);
        assertThat(config.storageEventsConcurrency()).isEqualTo(8);
        assertThat(config.toString()).doesNotContain(TOKEN).contains("storageEventsHook=on");
    }
}
