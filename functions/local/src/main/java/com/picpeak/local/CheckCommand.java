package com.picpeak.local;

import com.picpeak.storage.SentinelCheck;
import com.picpeak.storage.StorageConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code check}: the start-up check alone. Exit 0 when storage answers, 1 when it does not, 2 on bad configuration
 * (the exit codes of every command; {@link PicPeakCli} reports a refused configuration).
 */
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

    @Override
    public Integer call() {
        StorageConfig config = StorageConfig.fromEnv(env);
        SentinelCheck.Result result = SentinelCheck.check(config);
        (result.ok() ? spec.commandLine().getOut() : spec.commandLine().getErr()).println(result.line());
        return result.ok() ? 0 : CHECK_FAILED;
    }
}
