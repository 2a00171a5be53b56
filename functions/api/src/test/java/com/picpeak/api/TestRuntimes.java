package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.testing.TestDynamo;
import com.picpeak.testing.TestS3Server;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Runtimes on the real in-process servers, as local mode and a Lambda container would build them. */
final class TestRuntimes {
    static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    private TestRuntimes() {
    }

    static PicPeakRuntime local(Path dataDir, Map<String, String> extraEnv) {
        return local(dataDir, extraEnv, Clock.systemUTC());
    }

    /** As {@link #local(Path, Map)} on {@code clock} (a test clock to move time). */
    static PicPeakRuntime local(Path dataDir, Map<String, String> extraEnv, Clock clock) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("PICPEAK_DATA", dataDir.toString());
        env.put("CATALOG_TABLE", "picpeak-" + UUID.randomUUID().toString().substring(0, 8));
        return PicPeakRuntime.start(PicPeakRuntime.Shape.LOCAL, env, TestDynamo.client(), ADMIN_TOKEN, null, clock);
    }

    static PicPeakRuntime serverlessOnS3(Map<String, String> extraEnv) {
        TestS3Server s3 = TestS3Server.shared();
        Map<String, String> env = new HashMap<>(s3.env(s3.createBucket(), "studio"));
        env.putAll(extraEnv);
        env.put("ADMIN_TOKEN", ADMIN_TOKEN);
        String table = TestDynamo.createTable(); // CDK creates the table in AWS
        env.put("CATALOG_TABLE", table);
        return PicPeakRuntime.start(PicPeakRuntime.Shape.SERVERLESS, env, TestDynamo.client(), null);
    }
}
