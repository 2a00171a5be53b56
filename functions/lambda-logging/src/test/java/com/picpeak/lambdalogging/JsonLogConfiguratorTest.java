package com.picpeak.lambdalogging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLogConfiguratorTest {

    @AfterEach
    void switchOff() {
        System.clearProperty(JsonLogConfigurator.SWITCH);
    }

    @Test
    void withoutTheSwitch_logbackGoesOnToItsUsualConfiguration() {
        LoggerContext context = new LoggerContext();

        assertThat(configure(new JsonLogConfigurator(), context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
    }

    @Test
    void switchedOn_everyLineIsOneJsonObject_withTheMdc() {
        System.setProperty(JsonLogConfigurator.SWITCH, "true");
        LoggerContext context = new LoggerContext();

        assertThat(configure(new JsonLogConfigurator(), context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        assertJsonLines(context);
    }

    @Test
    void theAlwaysVariant_needsNoSwitch() {
        LoggerContext context = new LoggerContext();

        assertThat(configure(new AlwaysJsonLogConfigurator(), context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        assertJsonLines(context);
    }

    private static ExecutionStatus configure(JsonLogConfigurator configurator, LoggerContext context) {
        configurator.setContext(context);
        return configurator.configure(context);
    }

    private static void assertJsonLines(LoggerContext context) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("software.amazon.awssdk").getLevel()).isEqualTo(Level.WARN);
        ConsoleAppender<?> stdout = (ConsoleAppender<?>) root.getAppender("STDOUT");
        assertThat(stdout.isStarted()).isTrue();
        JsonEncoder encoder = (JsonEncoder) stdout.getEncoder();
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), root, Level.INFO, "imported {} photos", null,
                new Object[] {3});
        event.setMDCPropertyMap(Map.of("requestId", "req-1"));
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n").contains("\"formattedMessage\":\"imported 3 photos\"").contains("\"requestId\":\"req-1\"")
                .doesNotContain("\"arguments\"");
        assertThat(line.strip()).startsWith("{").endsWith("}").doesNotContain("\n");
        // Lambda filters by level only when the time is an RFC 3339 string
        assertThat(line).contains("\"timestamp\":\"" + java.time.Instant.ofEpochMilli(event.getTimeStamp()) + "\"")
                .contains("\"level\":\"INFO\"");
    }
}
