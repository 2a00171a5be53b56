package com.picpeak.local;

import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CheckCommandTest {

    record Run(int exitCode, String out, String err) {
    }

    @Test
    void noConfiguration_checksTheDefaultLocalRoot_andSaysOk(@TempDir Path workDir) {
        Run run = run(Map.of("PICPEAK_DATA", workDir.resolve("data").toString()));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().trim()).isEqualTo("storage ok: local root=" + workDir.resolve("data/storage"));
    }

    @Test
    void s3AgainstARunningServer_saysOkWithBucketPrefixAndEndpoint() {
        TestS3Server server = TestS3Server.shared();
        String bucket = server.createBucket();

        Run run = run(server.env(bucket, "studio"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("storage ok: s3 bucket=" + bucket + " prefix=studio endpoint="
                + server.endpoint());
    }

    @Test
    void s3WithAWrongSecret_exitsOneNamingTheCause() {
        TestS3Server server = TestS3Server.shared();
        Map<String, String> env = new HashMap<>(server.env(server.createBucket(), null));
        env.put("STORAGE_S3_SECRET_KEY", "wrong-secret");

        Run run = run(env);

        assertThat(run.exitCode()).isEqualTo(CheckCommand.CHECK_FAILED);
        assertThat(run.err()).startsWith("storage check failed: wrong_secret_key: the secret key does not match")
                .contains("STORAGE_S3_SECRET_KEY").doesNotContain("wrong-secret");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void badConfiguration_exitsTwoListingEveryProblem() {
        Run run = run(Map.of("STORAGE_BACKEND", "s3", "STORAGE_AUTO_IMPORT_INTERVAL_MS", "10"));

        assertThat(run.exitCode()).isEqualTo(CheckCommand.CONFIG_REFUSED);
        assertThat(run.err()).contains("configuration refused, 2 configuration problem(s)")
                .contains("STORAGE_S3_BUCKET is required").contains("STORAGE_AUTO_IMPORT_INTERVAL_MS '10'");
    }

    private static Run run(Map<String, String> env) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new PicPeakCli(env).execute(new String[] {"check"}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
