/**
 * Operational metrics: the {@link com.picpeak.metrics.Metrics} port the domain records figures through (imports and
 * their failures, Download All builds, bytes served, failed jobs, polls), with two adapters: CloudWatch embedded
 * metric format lines on stdout (the serverless shape) and log lines (local mode). Imports nothing of the project:
 * every other package may use it.
 */
package com.picpeak.metrics;
