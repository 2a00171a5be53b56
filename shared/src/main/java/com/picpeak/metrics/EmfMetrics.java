package com.picpeak.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figures as CloudWatch embedded metric format: one JSON object per line on stdout, which CloudWatch Logs turns
 * into metrics of {@value Metrics#NAMESPACE} (no API call, no client to start). Written straight to the stream, not
 * through a logger: an EMF record must be the whole log line, not a field of one.
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html">the EMF specification</a>
 */
public final class EmfMetrics implements Metrics {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final Clock clock;

    public EmfMetrics(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public void record(String name, double value, Unit unit, Map<String, String> dimensions) {
        String line;
        try {
            line = JSON.writeValueAsString(document(name, value, unit, dimensions, clock.millis()));
        } catch (JsonProcessingException e) {
            return; // a figure is never worth failing the work it measures
        }
        synchronized (out) {
            out.println(line);
        }
    }

    /** The EMF document of one figure: its dimension values and the figure as top-level members, {@code _aws} saying so. */
    static Map<String, Object> document(String name, double value, Unit unit, Map<String, String> dimensions, long millis) {
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("Namespace", NAMESPACE);
        metric.put("Dimensions", List.of(List.copyOf(dimensions.keySet())));
        metric.put("Metrics", List.of(Map.of("Name", name, "Unit", unit.cloudWatchName())));
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", millis);
        aws.put("CloudWatchMetrics", List.of(metric));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("_aws", aws);
        document.putAll(dimensions);
        document.put(name, value);
        return document;
    }
}
