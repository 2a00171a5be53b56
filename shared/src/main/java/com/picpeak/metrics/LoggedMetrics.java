package com.picpeak.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** Figures as log lines (local mode: no CloudWatch to read them), at DEBUG so a server's log stays quiet. */
public final class LoggedMetrics implements Metrics {
    private static final Logger log = LoggerFactory.getLogger(LoggedMetrics.class);

    @Override
    public void record(String name, double value, Unit unit, Map<String, String> dimensions) {
        log.debug("metric {}={} {} {}", name, value, unit.cloudWatchName(), dimensions);
    }
}
