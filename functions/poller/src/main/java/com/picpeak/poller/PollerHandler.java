package com.picpeak.poller;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.picpeak.app.AwsClients;
import com.picpeak.app.JobFunctionPriming;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.autoimport.PollReport;
import com.picpeak.jobs.JobRunner;
import com.picpeak.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scheduled auto-import Lambda: each EventBridge schedule tick runs the poll job of the S3 prefix walker
 * (the one cut off by the last tick's deadline, or a new one) within this invocation's time less
 * {@link #MARGIN_MS}, and returns its state; what is left goes to the next tick. Its reserved concurrency is
 * 1, and the job's lock makes a poll an admin asked for and a scheduled one the same poll. When domain events are not sent to EventBridge (no bus configured), it also makes
 * the webhook deliveries that are due. No Spring: the runtime is built once per container from the
 * environment, so a cold start is the SDK clients and the start-up check.
 */
public final class PollerHandler implements RequestHandler<ScheduledEvent, Map<String, Object>> {
    /** Time kept back from the function's timeout for the last checkpoint. */
    static final long MARGIN_MS = 15_000;
    private static final Logger log = LoggerFactory.getLogger(PollerHandler.class);
    private static volatile PicPeakRuntime shared;
    /** SnapStart: the runtime built and read through before the snapshot, renewed after a restore. */
    private static final JobFunctionPriming PRIMING = JobFunctionPriming.register(PollerHandler::sharedRuntime);
    private final Supplier<PicPeakRuntime> runtime;

    /** The Lambda runtime's entry: configuration from the environment. */
    public PollerHandler() {
        this.runtime = PollerHandler::sharedRuntime;
    }

    /** For tests and local runs: an already started runtime. */
    public PollerHandler(PicPeakRuntime runtime) {
        this.runtime = () -> runtime;
    }

    private static PicPeakRuntime sharedRuntime() {
        if (shared == null) {
            synchronized (PollerHandler.class) {
                if (shared == null) {
                    shared = PicPeakRuntime.start(PicPeakRuntime.Shape.SERVERLESS, System.getenv(), AwsClients.dynamo(),
                            null);
                }
            }
        }
        return shared;
    }

    /** The priming of this function (tests and the cold-start benchmark call its hooks, as SnapStart would). */
    public static JobFunctionPriming priming() {
        return PRIMING;
    }

    /** The poll's figures as metrics: what it listed, imported, skipped and failed, its S3 requests and time. */
    private static void pollFigures(Metrics metrics, PollReport report) {
        Map<String, String> none = Map.of();
        metrics.record("PollObjectsListed", report.objectsListed(), Metrics.Unit.COUNT, none);
        metrics.record("PollImported", report.imported(), Metrics.Unit.COUNT, none);
        metrics.record("PollSkipped", report.skipped(), Metrics.Unit.COUNT, none);
        metrics.record("PollFailed", report.failed(), Metrics.Unit.COUNT, none);
        // with push import on: what the walker, its reconciler, imported that no notification had (0 otherwise)
        metrics.record("PollMissedByPush", report.missedByPush(), Metrics.Unit.COUNT, none);
        metrics.record("PollS3Requests", report.s3Requests(), Metrics.Unit.COUNT, none);
        metrics.record("PollDuration", report.durationMs(), Metrics.Unit.MILLISECONDS, none);
    }

    @Override
    public Map<String, Object> handleRequest(ScheduledEvent event, Context context) {
        if (context != null && context.getAwsRequestId() != null) {
            MDC.put("requestId", context.getAwsRequestId()); // on every line logged during this invocation
        }
        try {
            return poll(context);
        } finally {
            MDC.clear();
        }
    }

    private Map<String, Object> poll(Context context) {
        PicPeakRuntime app = runtime.get();
        Map<String, Object> result = new LinkedHashMap<>();
        if (!app.storageConfig().autoImport()) {
            result.put("autoImport", false);
            result.put("reason", "STORAGE_AUTO_IMPORT is not true: nothing polled");
        } else {
            long remaining = context == null ? 60_000 : context.getRemainingTimeInMillis();
            JobRunner.Outcome outcome = app.autoImportPolls().runScheduled(app.jobRunner(),
                    Instant.now().plusMillis(Math.max(1_000, remaining - MARGIN_MS)));
            result.put("autoImport", true);
            result.put("poll", outcome.name().toLowerCase());
            app.autoImportState().lastPoll().ifPresent(report -> {
                result.put("report", report);
                log.info("auto-import poll: {}", report.summary());
                pollFigures(app.metrics(), report);
            });
        }
        if (!app.eventsGoToEventBridge()) {
            result.put("webhookAttempts", app.webhooks().deliverDue());
        }
        return result;
    }
}
