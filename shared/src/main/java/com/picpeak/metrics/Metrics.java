package com.picpeak.metrics;

import java.util.Map;

/**
 * Where figures go: one call per figure, with its unit and dimensions (few values each: a kind, a reason, a source).
 * Recording never fails the work it measures.
 */
public interface Metrics {

    /** The namespace of every metric (the stack's alarms and dashboards read it). */
    String NAMESPACE = "PicPeak";

    /** Units CloudWatch knows. */
    enum Unit {
        COUNT("Count"), MILLISECONDS("Milliseconds"), BYTES("Bytes");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }

        public String cloudWatchName() {
            return cloudWatchName;
        }
    }

    void record(String name, double value, Unit unit, Map<String, String> dimensions);

    default void count(String name, Map<String, String> dimensions) {
        record(name, 1, Unit.COUNT, dimensions);
    }

    /** Figures nobody reads (tests that do not look at them). */
    Metrics NONE = (name, value, unit, dimensions) -> { };
}
