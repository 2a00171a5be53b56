package com.picpeak.local;

import com.picpeak.storage.LocalBlobStore;
import com.picpeak.storage.PutOptions;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code picpeak migrate} as an admin runs it before switching STORAGE_BACKEND. */
class MigrateCommandTest {

    record Run(int exitCode, String out, String err) {
    }

    @TempDir
    Path dataDir;

    @Test
    void migrate_copiesOnce_skipsOnTheRerun_verifies_andLeavesTheConfigurationToTheAdmin() {
        Map<String, String> env = env("studio");
        try (LocalBlobStore local = new LocalBlobStore(dataDir.resolve("storage"))) {
            for (int i = 0; i < 3; i++) {
                local.put("events/active/e/IMG_" + i + ".jpg", TestData.stream(40_000, i), PutOptions.of("image/jpeg"));
            }
        }

        Run dry = run(env, "migrate", "--dry-run");
        Run first = run(env, "migrate", "--failures", dataDir.resolve("f.csv").toString());
        Run second = run(env, "migrate");
        Run verify = run(env, "migrate", "--verify");

        assertThat(dry.exitCode()).isZero();
        assertThat(dry.out()).contains("dry run, nothing is written").contains("would copy 3, would overwrite 0");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("3 objects").contains("copied 3, overwritten 0, skipped 0 (same sha256), failed 0")
                .contains("No configuration was changed. To serve from S3, set STORAGE_BACKEND=s3");
        assertThat(dataDir.resolve("f.csv")).doesNotExist();
        assertThat(second.out()).contains("copied 0, overwritten 0, skipped 3");
        assertThat(verify.out()).contains("verified 3, mismatched or missing 0");

        Path back = dataDir.resolve("back");
        Map<String, String> reverse = new HashMap<>(env);
        reverse.put("STORAGE_LOCAL_ROOT", back.toString());
        Run toLocal = run(reverse, "migrate", "--to", "local");
        assertThat(toLocal.out()).contains("copied 3");
        assertThat(back.resolve("events/active/e/IMG_2.jpg")).exists();
    }

    @Test
    void aDryRun_writesNothingIntoTheTargetBucket_notEvenTheSentinel() {
        TestS3Server server = TestS3Server.shared();
        String bucket = server.createBucket();
        Map<String, String> env = new HashMap<>(server.env(bucket, "dry"));
        env.remove("STORAGE_BACKEND");
        env.put("PICPEAK_DATA", dataDir.toString());
        try (LocalBlobStore local = new LocalBlobStore(dataDir.resolve("storage"))) {
            local.put("events/active/e/IMG_1.jpg", TestData.stream(40_000, 1), PutOptions.of("image/jpeg"));
        }

        Run dry = run(env, "migrate", "--dry-run");

        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("would copy 1");
        try (S3Client s3 = server.client(TestS3Server.SECRET_KEY)) {
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
        }
    }

    @Test
    void progress_showsFailedFilesAndBytesApart_notAsDone() throws Exception {
        Map<String, String> env = env("failing");
        try (LocalBlobStore local = new LocalBlobStore(dataDir.resolve("storage"))) {
            for (int i = 0; i < 3; i++) {
                local.put("events/active/e/IMG_" + i + ".jpg", TestData.stream(400_000, i), PutOptions.of("image/jpeg"));
            }
        }
        // the recorded sha256 of one file no longer matches its bytes: its copy is refused by the check
        Path sidecar = dataDir.resolve("storage/.picpeak-meta/events/active/e/IMG_1.jpg.properties");
        Files.writeString(sidecar, Files.readString(sidecar).replaceAll("meta\\.sha256=[0-9a-f]+",
                "meta.sha256=" + "0".repeat(64)));

        Run run = run(env, "migrate", "--parallel", "1", "--failures", dataDir.resolve("f.csv").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("failed: events/active/e/IMG_1.jpg")
                .contains("migrate: 2/3 files, 0.8/1.2 MB, failed 1 (0.4 MB)")
                .contains("copied 2, overwritten 0, skipped 0 (same sha256), failed 1");
    }

    @Test
    void withoutTheS3Variables_itSaysWhatToSet() {
        Run run = run(Map.of("PICPEAK_DATA", dataDir.toString()), "migrate");

        assertThat(run.exitCode()).isEqualTo(CheckCommand.CONFIG_REFUSED);
        assertThat(run.err()).contains("set STORAGE_S3_BUCKET");
    }

    private Map<String, String> env(String prefix) {
        TestS3Server server = TestS3Server.shared();
        Map<String, String> env = new HashMap<>(server.env(server.createBucket(), prefix));
        env.remove("STORAGE_BACKEND"); // still serving locally while migrating
        env.put("PICPEAK_DATA", dataDir.toString());
        return env;
    }

    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new PicPeakCli(env).execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
