package com.picpeak.api;

import com.picpeak.app.AwsClients;
import com.picpeak.app.PicPeakRuntime;

/**
 * The process's one {@link PicPeakRuntime}. Local mode and tests install theirs before Spring starts;
 * a Lambda container builds it from its environment on first use (once per container).
 */
public final class RuntimeHolder {
    private static PicPeakRuntime runtime;

    private RuntimeHolder() {
    }

    public static synchronized void install(PicPeakRuntime installed) {
        runtime = installed;
    }

    public static synchronized PicPeakRuntime get() {
        if (runtime == null) {
            runtime = PicPeakRuntime.start(PicPeakRuntime.Shape.SERVERLESS, System.getenv(), AwsClients.dynamo(), null);
        }
        return runtime;
    }
}
