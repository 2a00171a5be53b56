package com.picpeak.local;

import com.picpeak.storage.ConfigException;
import com.picpeak.storage.SentinelCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code serve}: local mode, zero configuration (see README for the variables). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the gallery and admin API on http://localhost:$PORT (default 8080), data under "
                + "$PICPEAK_DATA (default ./data).")
final class ServeCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    ServeCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        LocalServer server;
        try {
            server = LocalServer.start(env);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("configuration refused, " + e.getMessage());
            return CheckCommand.CONFIG_REFUSED;
        } catch (SentinelCheck.StartupCheckFailed e) {
            spec.commandLine().getErr().println(e.getMessage());
            return CheckCommand.CHECK_FAILED;
        }
        server.awaitShutdown();
        return 0;
    }
}
