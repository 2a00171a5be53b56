package com.picpeak.api.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.picpeak.api.RuntimeHolder;
import com.picpeak.app.JobFunctionPriming;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.autoimport.PushImporter;
import com.picpeak.autoimport.StorageNotification;
import com.picpeak.autoimport.StorageNotifications;
import com.picpeak.error.PicPeakException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Push import in AWS, fed by the storage event queue: each message is an S3 event EventBridge delivered ({@code
 * Object Created}, {@code Object Deleted} under {@code events/active/}), applied by {@link PushImporter} through
 * the one import path. A message that could not be applied (storage or the catalog unavailable) is reported as a
 * batch item failure, so SQS delivers it again (five times, then the dead-letter queue); a replay of one applied
 * before is dropped. A body that is no notification at all is dropped: no retry would change it.
 */
public final class StorageEventsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger log = LoggerFactory.getLogger(StorageEventsHandler.class);

    private final Supplier<PicPeakRuntime> runtime;

    static {
        LambdaLogging.configure();
    }

    /** SnapStart: the runtime built and read through before the snapshot, renewed after a restore. */
    private static final JobFunctionPriming PRIMING = JobFunctionPriming.register(RuntimeHolder::get);

    public StorageEventsHandler() {
        this(RuntimeHolder::get);
    }

    /** For tests: a runtime already started. */
    public StorageEventsHandler(Supplier<PicPeakRuntime> runtime) {
        this.runtime = runtime;
    }

    /** The priming of this function (tests call its hooks, as SnapStart would). */
    public static JobFunctionPriming priming() {
        return PRIMING;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        LambdaLogging.begin(context);
        try {
            return apply(event);
        } finally {
            LambdaLogging.end();
        }
    }

    private SQSBatchResponse apply(SQSEvent event) {
        PushImporter importer = runtime.get().pushImporter();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            List<StorageNotification> notifications;
            try {
                notifications = StorageNotifications.parse(message.getBody());
            } catch (PicPeakException notANotification) {
                log.warn("dropped queue message {}: {}", message.getMessageId(), notANotification.getMessage());
                continue;
            }
            try {
                for (StorageNotification notification : notifications) {
                    PushImporter.Outcome outcome = importer.apply(notification);
                    log.info("push import of {}: {}", notification.key(), outcome);
                }
            } catch (RuntimeException e) {
                log.warn("push import of message {} failed, SQS delivers it again: {}", message.getMessageId(),
                        e.getMessage());
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
