package com.picpeak.local;

import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What every page test class stands on: the real local server on a random port (its data under {@link #work}) and a
 * headless Chromium, started once for the class and stopped after it. On the local backend, or, for a class marked
 * {@link S3Backend}, on an in-process S3-compatible server that allows browsers' cross-origin requests.
 */
@Tag("browser")
abstract class BrowserPageTest {
    /** The class's pages run against the S3 backend. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface S3Backend {
    }

    @TempDir
    static Path work;
    static TestS3Server s3;
    static PagesFixture app;
    static HeadlessChromium browser;

    @BeforeAll
    static void startServerAndBrowser(TestInfo test) throws Exception {
        Map<String, String> env = new HashMap<>();
        if (test.getTestClass().orElseThrow().isAnnotationPresent(S3Backend.class)) {
            s3 = TestS3Server.startForBrowsers();
            env.putAll(s3.env(s3.createBucket(), "pages"));
        }
        env.put("PICPEAK_DATA", work.resolve("data").toString());
        app = PagesFixture.start(env);
        browser = HeadlessChromium.start(work);
    }

    @AfterAll
    static void stopServerAndBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
        if (app != null) {
            app.close();
            app = null;
        }
        if (s3 != null) {
            s3.stop();
            s3 = null;
        }
    }
}
