package com.picpeak.local;

import com.picpeak.protect.FingerprintedDelivery;
import com.picpeak.app.AppConfig;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.protect.ProtectionStore;
import com.picpeak.storage.StorageConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code fingerprint}: which guest session received a leaked image (by its file or its fingerprint id). */
@Command(name = "fingerprint", mixinStandardHelpOptions = true,
        description = "Look up who received an image served at protection level enhanced or maximum: give the leaked "
                + "file (its fingerprint is read from its metadata) or the fingerprint id.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:found", "1:no such fingerprint (or the file carries none)", "2:configuration refused"})
final class FingerprintCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|ID", description = "a JPEG or PNG file, or a fingerprint id (20 hex digits)")
    String target;

    @Mixin
    BackupCommands.CatalogOption catalog = new BackupCommands.CatalogOption();

    FingerprintCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        StorageConfig storage = StorageConfig.fromEnv(env);
        AppConfig app = AppConfig.fromEnv(env);
        Path file = Path.of(target);
        String id;
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                Optional<String> found = FingerprintedDelivery.readFingerprint(in);
                if (found.isEmpty()) {
                    spec.commandLine().getErr().println(file + " carries no PicPeak fingerprint (it was served below "
                            + "protection level enhanced, or its metadata was stripped)");
                    return 1;
                }
                id = found.get();
            }
        } else if (target.matches("[a-f0-9]{20}")) {
            id = target;
        } else {
            spec.commandLine().getErr().println("'" + target + "' is neither a file nor a fingerprint id (20 hex digits)");
            return 1;
        }
        Optional<ProtectionStore.AccessRecord> record = catalog.withClient(storage, app, env, dynamo ->
                new ProtectionStore(new DynamoTable(dynamo, app.catalogTable())).findServe(id));
        if (record.isEmpty()) {
            spec.commandLine().getErr().println("fingerprint " + id + ": no image carrying it was served (or its record expired)");
            return 1;
        }
        ProtectionStore.AccessRecord r = record.get();
        var out = spec.commandLine().getOut();
        out.println("fingerprint     " + r.fingerprintId());
        out.println("event           " + r.slug());
        out.println("photo           " + r.photoId());
        out.println("session         " + r.sessionId());
        out.println("client hash     " + r.clientHash());
        out.println("first served    " + r.firstServedAt());
        out.println("last served     " + r.lastServedAt() + " (" + r.lastVariant() + ")");
        out.println("serves          " + r.serves());
        return 0;
    }
}
