package com.picpeak.api.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.picpeak.api.RuntimeHolder;
import com.picpeak.app.JobFunctionPriming;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.jobs.JobWorker;
import com.picpeak.jobs.SqsJobQueue;
import org.slf4j.MDC;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The job worker function, fed by the job queue (batches of one message {@code {"jobId": ...}}): runs the
 * job's steps until its remaining time less {@link #MARGIN_MS}, then queues the rest. A message whose job
 * could not even be started (the catalog unreachable) is reported as a batch item failure, so SQS delivers
 * it again; a worker killed mid-step leaves its message to be delivered again after the visibility timeout.
 */
public final class JobWorkerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** Time kept back from the function's timeout: the last checkpoint and the hand-over must fit in it. */
    static final long MARGIN_MS = 20_000;

    private final Supplier<PicPeakRuntime> runtime;

    static {
        LambdaLogging.configure();
    }

    /** SnapStart: the runtime built and read through before the snapshot, renewed after a restore. */
    private static final JobFunctionPriming PRIMING = JobFunctionPriming.register(RuntimeHolder::get);

    public JobWorkerHandler() {
        this(RuntimeHolder::get);
    }

    /** For tests: a runtime already started. */
    public JobWorkerHandler(Supplier<PicPeakRuntime> runtime) {
        this.runtime = runtime;
    }

    /** The priming of this function (tests and the cold-start benchmark call its hooks, as SnapStart would). */
    public static JobFunctionPriming priming() {
        return PRIMING;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        LambdaLogging.begin(context);
        try {
            return work(event, context);
        } finally {
            LambdaLogging.end();
        }
    }

    private SQSBatchResponse work(SQSEvent event, Context context) {
        JobWorker worker = runtime.get().jobWorker();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            String jobId;
            try {
                jobId = SqsJobQueue.jobIdOf(message.getBody());
            } catch (IllegalArgumentException notAJob) {
                continue; // nothing to retry: dropping it is the only answer
            }
            MDC.put("jobId", jobId); // the correlation id of every line the job's steps log
            long remaining = context == null ? 15 * 60_000L : context.getRemainingTimeInMillis();
            try {
                // one step at least, however little time is left (at the start of an invocation that is minutes)
                worker.work(jobId, Instant.now().plusMillis(Math.max(0, remaining - MARGIN_MS)));
            } catch (RuntimeException e) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
