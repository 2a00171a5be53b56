package com.picpeak.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that go away, over real sockets against the app on its embedded Tomcat (local mode's shape): the server
 * logs one WARN line for each, without a stack trace, and no ERROR.
 */
class ClientGoneHttpTest {
    @TempDir
    static Path dataDir;
    static PicPeakRuntime runtime;
    static ConfigurableApplicationContext app;
    static int port;

    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeAll
    static void start() {
        runtime = TestRuntimes.local(dataDir, Map.of());
        RuntimeHolder.install(runtime);
        app = SpringApplication.run(PicPeakApiApp.class, "--server.port=0");
        port = ((ServletWebServerApplicationContext) app).getWebServer().getPort();
        runtime.events().create("big", new EventPatch("Big", null, null, false, null, null, null, null));
        for (int i = 0; i < 4; i++) { // about 3 MB each: more than every buffer between the server and the client
            runtime.imports().importStream("big", "noise-" + i + ".png", new ByteArrayInputStream(TestImages.noisePng(1000, 1000, i)),
                    PhotoSource.UPLOAD);
        }
    }

    @AfterAll
    static void stop() {
        app.close();
        runtime.close();
    }

    @BeforeEach
    void listen() {
        logged.start();
        root.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        root.detachAppender(logged);
    }

    @Test
    void aClientThatGoesAwayDuringADownload_isOneWarnLine_withoutAStackTrace_andNoError() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /gallery/big/download-all HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int read = 0;
            while (read < 64 * 1024) { // the answer has begun: headers and the first entries
                int n = in.read(buffer);
                assertThat(n).isPositive();
                read += n;
            }
            socket.setSoLinger(true, 0); // the client goes away: a reset, as a closed browser tab or a timeout sends
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> lines().stream().anyMatch(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().contains("/gallery/big/download-all")));
        // Proving a negative: nothing more is logged about it once the WARN is there (the old ERROR came right after it
        // on the same thread); a second is far more than that takes.
        Thread.sleep(1000);

        List<ILoggingEvent> about = lines();
        assertThat(about).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).isEmpty();
        assertThat(about).filteredOn(e -> e.getLevel() == Level.WARN).singleElement().satisfies(e -> {
            assertThat(e.getThrowableProxy()).as("a stack trace").isNull();
            assertThat(e.getFormattedMessage()).contains("GET /gallery/big/download-all").contains("client went away")
                    .doesNotContain("\n");
        });
    }

    /** What was logged at WARN or above, by any logger (Tomcat's and Spring's included), but the job machinery's. */
    private List<ILoggingEvent> lines() {
        return logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> !e.getLoggerName().startsWith("com.picpeak.jobs")).toList();
    }
}
