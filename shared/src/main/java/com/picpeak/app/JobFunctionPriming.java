package com.picpeak.app;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * SnapStart priming of the job functions (worker, sweep, poller): before the snapshot the runtime is built (SDK
 * clients, the start-up check) and read through ({@link PicPeakRuntime#primeJobFunction}: reads only); after a
 * restore what the snapshot froze is renewed ({@link PicPeakRuntime#renewAfterRestore}: credentials, and a new job
 * owner name for every restored environment). On a JVM without CRaC the hooks never fire (the tests and
 * {@code bench coldstart} call them).
 */
public final class JobFunctionPriming implements Resource {
    private static final Logger log = LoggerFactory.getLogger(JobFunctionPriming.class);
    private final Supplier<PicPeakRuntime> runtime;

    private JobFunctionPriming(Supplier<PicPeakRuntime> runtime) {
        this.runtime = runtime;
    }

    /**
     * Registers the priming of the runtime {@code runtime} gives with the CRaC context SnapStart drives, which holds
     * it weakly: keep the returned one.
     */
    public static JobFunctionPriming register(Supplier<PicPeakRuntime> runtime) {
        JobFunctionPriming priming = new JobFunctionPriming(runtime);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        runtime.get().primeJobFunction();
        log.info("SnapStart priming: runtime built and read through");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        PicPeakRuntime restored = runtime.get();
        restored.renewAfterRestore();
        log.info("SnapStart restore: credentials renewed, job owner now {}", restored.jobRunner().owner());
    }
}
