package com.picpeak.api.lambda;

import com.picpeak.api.RuntimeHolder;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart priming of the job worker and the archive sweep. Before the snapshot the runtime is built (SDK clients,
 * the start-up check) and read through ({@code PicPeakRuntime.primeJobFunction}: reads only); after a restore what
 * the snapshot froze is renewed ({@code renewAfterRestore}: credentials, and a new job owner name for every restored
 * environment). On a JVM without CRaC the hooks never fire (the tests and {@code bench coldstart} call them).
 */
public final class JobFunctionPriming implements Resource {
    private static final Logger log = LoggerFactory.getLogger(JobFunctionPriming.class);

    private JobFunctionPriming() {
    }

    /** Registers the priming with the CRaC context SnapStart drives (held weakly there: keep the returned one). */
    static JobFunctionPriming register() {
        JobFunctionPriming priming = new JobFunctionPriming();
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        RuntimeHolder.get().primeJobFunction();
        log.info("SnapStart priming: runtime built and read through");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        RuntimeHolder.get().renewAfterRestore();
        log.info("SnapStart restore: credentials renewed, job owner now {}", RuntimeHolder.get().jobRunner().owner());
    }
}
