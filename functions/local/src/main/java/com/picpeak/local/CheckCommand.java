package com.picpeak.local;

import com.picpeak.app.AppConfig;
import com.picpeak.storage.ConfigException;
import com.picpeak.storage.SentinelCheck;
import com.picpeak.storage.StorageConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code check}: the start-up check alone. Exit 0 when storage answers, 1 when it does not, 2 on bad configuration. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Load the configuration from the environment and run the storage start-up check.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:storage ok", "1:storage check failed (the cause is named)", "2:configuration refused"})
final class CheckCommand implements Callable<Integer> {
    static final int CHECK_FAILED = 1;
    static final int CONFIG_REFUSED = 2;

    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    CheckCommand(Map<String, String> env) {
        this.env = env;
    }

    /** The storage configuration, or null after printing every problem (the command then exits 2). */
    static StorageConfig loadConfig(Map<String, String> env, CommandSpec spec) {
        try {
            return StorageConfig.fromEnv(env);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("configuration refused, " + e.getMessage());
            return null;
        }
    }

    /** The application configuration, or null after printing every problem (the command then exits 2). */
    static AppConfig loadAppConfig(Map<String, String> env, CommandSpec spec) {
        try {
            return AppConfig.fromEnv(env);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("configuration refused, " + e.getMessage());
            return null;
        }
    }

    @Override
    public Integer call() {
        StorageConfig config = loadConfig(env, spec);
        if (config == null) {
            return CONFIG_REFUSED;
        }
        SentinelCheck.Result result = SentinelCheck.check(config);
        (result.ok() ? spec.commandLine().getOut() : spec.commandLine().getErr()).println(result.line());
        return result.ok() ? 0 : CHECK_FAILED;
    }
}
