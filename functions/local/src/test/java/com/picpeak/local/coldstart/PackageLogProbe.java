package com.picpeak.local.coldstart;

import com.picpeak.app.AdminToken;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs inside a Lambda package's classpath (a child JVM of {@link LambdaPackageLoggingTest}): initialises the
 * function's handler class as the Lambda runtime would, then has the shared code log one warning (an admin token
 * whose secret cannot be read again). Arguments: the handler class.
 */
public final class PackageLogProbe {
    static final String CAUSE = "probe: the secret is unreachable";

    private PackageLogProbe() {
    }

    public static void main(String[] args) throws Exception {
        Class.forName(args[0], true, PackageLogProbe.class.getClassLoader());
        AtomicBoolean readOnce = new AtomicBoolean();
        AdminToken token = AdminToken.fromSecret(() -> {
            if (readOnce.getAndSet(true)) {
                throw new IllegalStateException(CAUSE);
            }
            return "probe-token-0123456789";
        }, Clock.systemUTC());
        token.current(); // the first read succeeds; the second, below, fails and is logged as a warning
        token.refresh();
        System.out.flush();
        System.exit(0);
    }
}
