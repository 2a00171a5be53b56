package com.picpeak.poller;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.picpeak.app.AwsClients;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.autoimport.PollReport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scheduled auto-import Lambda: each EventBridge schedule tick runs one poll of the S3 prefix walker
 * and returns its report. When domain events are not sent to EventBridge (no bus configured), it also makes
 * the webhook deliveries that are due. No Spring: the runtime is built once per container from the
 * environment, so a cold start is the SDK clients and the start-up check.
 */
public final class PollerHandler implements RequestHandler<ScheduledEvent, Map<String, Object>> {
    private static volatile PicPeakRuntime shared;
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

    @Override
    public Map<String, Object> handleRequest(ScheduledEvent event, Context context) {
        PicPeakRuntime app = runtime.get();
        Map<String, Object> result = new LinkedHashMap<>();
        if (!app.storageConfig().autoImport()) {
            result.put("autoImport", false);
            result.put("reason", "STORAGE_AUTO_IMPORT is not true: nothing polled");
        } else {
            PollReport report = app.prefixWalker().poll();
            result.put("autoImport", true);
            result.put("report", report);
            if (context != null) {
                context.getLogger().log("auto-import poll: " + report.summary());
            }
        }
        if (!app.eventsGoToEventBridge()) {
            result.put("webhookAttempts", app.webhooks().deliverDue());
        }
        return result;
    }
}
