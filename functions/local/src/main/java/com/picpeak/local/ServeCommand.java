package com.picpeak.local;

import picocli.CommandLine.Command;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code serve}: local mode, zero configuration (see README for the variables). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the gallery and admin API on http://localhost:$PORT (default 8080), data under "
                + "$PICPEAK_DATA (default ./data).")
final class ServeCommand implements Callable<Integer> {
    private final Map<String, String> env;

    ServeCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        LocalServer server = LocalServer.start(env); // a refused configuration or storage check: see PicPeakCli
        server.awaitShutdown();
        return 0;
    }
}
