package com.picpeak.poller;

import com.picpeak.app.PicPeakRuntime;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * SnapStart priming of the poller: before the snapshot the runtime is built (SDK clients, the start-up check) and read
 * through ({@code PicPeakRuntime.primeJobFunction}: reads only); after a restore it is renewed ({@code
 * renewAfterRestore}: credentials, a new job owner name for every restored environment). On a JVM without CRaC the
 * hooks never fire (the tests and {@code bench coldstart} call them).
 */
public final class PollerPriming implements Resource {
    private static final Logger log = LoggerFactory.getLogger(PollerPriming.class);
    private final Supplier<PicPeakRuntime> runtime;

    private PollerPriming(Supplier<PicPeakRuntime> runtime) {
        this.runtime = runtime;
    }

    /** Registers the priming with the CRaC context SnapStart drives (held weakly there: keep the returned one). */
    static PollerPriming register(Supplier<PicPeakRuntime> runtime) {
        PollerPriming priming = new PollerPriming(runtime);
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
        runtime.get().renewAfterRestore();
        log.info("SnapStart restore: credentials renewed, job owner now {}", runtime.get().jobRunner().owner());
    }
}
