package com.picpeak.local;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.AbstractAccessLogValve;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;

import java.io.ByteArrayOutputStream;
import java.io.CharArrayWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Request bodies as clients really send them, over sockets against the real local server (its embedded Tomcat):
 * {@code Expect: 100-continue} gets the gate's refusal, not a "go on"; a body cut off by its client is one WARN line
 * and never a 500.
 */
class RequestBodiesTest {
    @TempDir
    static Path dataDir;
    static LocalServer server;
    static String token;
    /** Tomcat's access log of the server: "<request line> <status>", one line per request. */
    static final List<String> accessLog = new CopyOnWriteArrayList<>();
    /** Requests that reached the application, in order (a valve before it). */
    static final List<String> entered = new CopyOnWriteArrayList<>();

    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeAll
    static void start() throws Exception {
        server = LocalServer.start(Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", "0"));
        token = Files.readString(dataDir.resolve(LocalServer.TOKEN_FILE)).trim();
        AbstractAccessLogValve access = new AbstractAccessLogValve() {
            @Override
            protected void log(CharArrayWriter message) {
                accessLog.add(message.toString());
            }
        };
        access.setPattern("%r %s");
        ((TomcatWebServer) server.webServer()).getTomcat().getHost().getPipeline().addValve(access);
        ((TomcatWebServer) server.webServer()).getTomcat().getHost().getPipeline().addValve(new ValveBase() {
            @Override
            public void invoke(Request request, Response response) throws IOException, ServletException {
                entered.add(request.getRequestURI());
                getNext().invoke(request, response);
            }
        });
        server.runtime().events().create("bodies", new com.picpeak.gallery.EventPatch("Bodies", "a-password", null, false,
                null, null, null, null));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void listen() {
        logged.start();
        root.addAppender(logged);
        accessLog.clear();
    }

    @AfterEach
    void stopListening() {
        root.detachAppender(logged);
    }

    @Test
    void expect100Continue_getsTheGatesRefusal_first_neverAGoAhead() throws Exception {
        String unauthorized = exchangeHead("POST /api/admin/events/bodies/photos HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 50000000\r\nExpect: 100-continue\r\n\r\n");
        assertThat(unauthorized).matches("HTTP/1.1 401( .*)?");
        String tooLarge = exchangeHead("POST /api/gallery/bodies/auth HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 50000000\r\nExpect: 100-continue\r\n\r\n");
        assertThat(tooLarge).matches("HTTP/1.1 413( .*)?");
        // an accepted request still gets its go-ahead, once the route reads the body
        String accepted = exchangeHead("POST /api/gallery/bodies/auth HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 24\r\nExpect: 100-continue\r\n\r\n");
        assertThat(accepted).matches("HTTP/1.1 100( .*)?");
        // its client left without the body: the three requests end (in the access log) before the next test looks
        await().atMost(Duration.ofSeconds(30)).until(() -> accessLog.size() >= 3);
    }

    @Test
    void aBodyCutOffByItsClient_isOneWarnLine_withoutAStackTrace_andNotA500() throws Exception {
        String upload = "POST /api/admin/events/bodies/photos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: 2000000\r\n\r\n"
                + "--b0undary\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n";
        String json = "POST /api/admin/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"slug\":\"cut\",\"title\":\"";
        String guest = "POST /api/gallery/bodies/auth HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"password\":\"";
        for (String head : List.of(upload, json, guest)) {
            sendThenReset(head, head == upload ? 200_000 : 100);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> accessLog.size() >= 3);
        assertThat(accessLog).hasSize(3).noneMatch(line -> line.endsWith(" 500"));
        List<ILoggingEvent> warned = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> !e.getLoggerName().startsWith("com.picpeak.jobs")).toList();
        assertThat(warned).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).isEmpty();
        assertThat(warned).hasSize(3).allSatisfy(e -> {
            assertThat(e.getThrowableProxy()).as("a stack trace").isNull();
            assertThat(e.getFormattedMessage()).contains("the client went away").doesNotContain("\n");
        });
        assertThat(warned.stream().map(ILoggingEvent::getFormattedMessage))
                .anySatisfy(m -> assertThat(m).startsWith("POST /api/admin/events/bodies/photos"))
                .anySatisfy(m -> assertThat(m).startsWith("POST /api/admin/events:"))
                .anySatisfy(m -> assertThat(m).startsWith("POST /api/gallery/bodies/auth"));
    }

    /** Sends the head and the first bytes of the body it announces, then resets the connection. */
    private static void sendThenReset(String head, int bodyBytes) throws IOException {
        int before = entered.size();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.UTF_8));
            byte[] some = new byte[bodyBytes];
            Arrays.fill(some, (byte) 'a');
            out.write(some);
            out.flush();
            // the server has the request (its head parsed, the application called): it reads the body now or next
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> entered.size() > before);
            socket.setSoLinger(true, 0);
        }
    }

    /** Sends a request head and returns the first line the server answers with. */
    private static String exchangeHead(String head) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                line.write(c);
            }
            return line.toString(StandardCharsets.US_ASCII).strip();
        }
    }
}
