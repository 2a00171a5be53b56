package com.picpeak.jobs;

import java.time.Duration;

/** Where a job is handed to a worker: the in-process executor (local mode) or the SQS queue (serverless). */
public interface JobQueue {

    /** Asks a worker to run the job after {@code delay}. Dispatching a job twice is harmless. */
    void dispatch(String jobId, Duration delay);
}
