package com.picpeak.api.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.picpeak.api.RuntimeHolder;
import com.picpeak.app.JobFunctionPriming;
import com.picpeak.jobs.JobStore;

import java.util.Map;

/**
 * The daily archive sweep (an EventBridge schedule): submits the sweep job, which the workers run (it
 * submits one archive job per expired event, and queues again any job whose worker was lost).
 */
public final class ArchiveSweepHandler implements RequestHandler<Map<String, Object>, String> {

    static {
        LambdaLogging.configure();
    }

    /** SnapStart: the runtime built and read through before the snapshot, renewed after a restore. */
    private static final JobFunctionPriming PRIMING = JobFunctionPriming.register(RuntimeHolder::get);

    /** The priming of this function (tests and the cold-start benchmark call its hooks, as SnapStart would). */
    public static JobFunctionPriming priming() {
        return PRIMING;
    }

    @Override
    public String handleRequest(Map<String, Object> scheduledEvent, Context context) {
        LambdaLogging.begin(context);
        try {
            JobStore.Submission sweep = RuntimeHolder.get().archiver().sweep();
            return "sweep job " + sweep.job().id() + (sweep.created() ? " submitted" : " already under way");
        } finally {
            LambdaLogging.end();
        }
    }
}
