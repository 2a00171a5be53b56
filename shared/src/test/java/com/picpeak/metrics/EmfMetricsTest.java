package com.picpeak.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One figure is one line of CloudWatch embedded metric format, as its specification describes. */
class EmfMetricsTest {

    @Test
    void aFigure_isOneEmfLine_withNamespaceDimensionsUnitAndValue() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EmfMetrics metrics = new EmfMetrics(new PrintStream(out, true, StandardCharsets.UTF_8),
                Clock.fixed(Instant.parse("2026-11-30T08:00:00Z"), ZoneOffset.UTC));

        metrics.record("JobDuration", 1234, Metrics.Unit.MILLISECONDS, Map.of("Kind", "download-all-build"));
        metrics.count("ImportFailures", Map.of("Reason", "unsupported_media_type"));

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines[0]);
        JsonNode directive = first.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(first.path("_aws").path("Timestamp").asLong()).isEqualTo(Instant.parse("2026-11-30T08:00:00Z").toEpochMilli());
        assertThat(directive.path("Namespace").asText()).isEqualTo("PicPeak");
        assertThat(directive.path("Dimensions").get(0).get(0).asText()).isEqualTo("Kind");
        assertThat(directive.path("Metrics").get(0).path("Name").asText()).isEqualTo("JobDuration");
        assertThat(directive.path("Metrics").get(0).path("Unit").asText()).isEqualTo("Milliseconds");
        assertThat(first.path("Kind").asText()).isEqualTo("download-all-build");
        assertThat(first.path("JobDuration").asDouble()).isEqualTo(1234);
        JsonNode second = new ObjectMapper().readTree(lines[1]);
        assertThat(second.path("Reason").asText()).isEqualTo("unsupported_media_type");
        assertThat(second.path("ImportFailures").asDouble()).isEqualTo(1);
        assertThat(second.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").get(0).path("Unit").asText())
                .isEqualTo("Count");
    }
}
