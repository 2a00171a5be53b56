package com.picpeak.local;

import com.picpeak.app.SharedCatalog;
import com.picpeak.storage.ConfigException;
import com.picpeak.storage.SentinelCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Map;

/** The local-mode program: {@code java -jar functions/local/target/picpeak.jar <command>}. */
@Command(name = "picpeak", mixinStandardHelpOptions = true, version = "PicPeak Storage 0.1.0",
        description = "PicPeak storage, local mode. Configuration comes from environment variables only "
                + "(see README.md).")
public final class PicPeakCli implements Runnable {
    private final CommandLine commandLine;

    PicPeakCli(Map<String, String> env) {
        commandLine = new CommandLine(this)
                .addSubcommand(new ServeCommand(env))
                .addSubcommand(new CheckCommand(env))
                .addSubcommand(new MigrateCommand(env))
                .addSubcommand(new BackupCommands.Backup(env))
                .addSubcommand(new BackupCommands.Restore(env))
                .addSubcommand(new FingerprintCommand(env))
                .addSubcommand(new BenchCommand(env))
                .setExecutionExceptionHandler(PicPeakCli::refusal);
    }

    /**
     * What every command answers when the configuration is refused (exit 2, every problem named), storage fails the
     * start-up check or the shared catalog does not answer (exit 1, the cause and a fix, not a stack trace); any
     * other exception is picocli's to report.
     */
    private static int refusal(Exception e, CommandLine command, ParseResult parsed) throws Exception {
        if (e instanceof ConfigException) {
            command.getErr().println("configuration refused, " + e.getMessage());
            return CheckCommand.CONFIG_REFUSED;
        }
        if (e instanceof SentinelCheck.StartupCheckFailed) {
            command.getErr().println(e.getMessage());
            return CheckCommand.CHECK_FAILED;
        }
        if (e instanceof SharedCatalog.Unreachable) {
            command.getErr().println("catalog unreachable, " + e.getMessage());
            return CheckCommand.CHECK_FAILED;
        }
        throw e;
    }

    public static void main(String[] args) {
        System.exit(new PicPeakCli(System.getenv()).execute(args, null, null));
    }

    /** Runs one command line; {@code out}/{@code err} default to the console. Returns the exit code. */
    int execute(String[] args, PrintWriter out, PrintWriter err) {
        if (out != null) {
            commandLine.setOut(out);
        }
        if (err != null) {
            commandLine.setErr(err);
        }
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        commandLine.usage(commandLine.getOut());
    }
}
