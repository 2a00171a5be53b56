package com.picpeak.local;

import com.picpeak.gallery.EventPatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow request bodies against the real local server, over loopback sockets: 220 connections each announcing a body
 * of 4,000 bytes (under the guest limit) and sending one byte every 5 s. Meanwhile {@code GET /health} is timed:
 * every answer within 1 s. Bounded: 220 sockets, 25 s, 127.0.0.1 only; everything is closed at the end.
 */
class SlowBodiesTest {
    static final int CONNECTIONS = 220;
    static final long ATTACK_MILLIS = 25_000;
    static final long TRICKLE_EVERY_MILLIS = 5_000;

    @TempDir
    Path dataDir;

    @Test
    void aTrickleOfBodiesOn220Connections_doesNotStopTheServer_healthAnswersWithinASecond() throws Exception {
        try (LocalServer server = LocalServer.start(Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", "0"))) {
            server.runtime().events().create("slow", new EventPatch("Slow", "a-password", null, false, null, null,
                    null, null));
            int port = server.port();
            assertThat(health(port)).isLessThan(1_000); // warm

            List<Socket> trickles = new ArrayList<>();
            List<Long> healthMillis = new ArrayList<>();
            int endedByServer = 0;
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    socket.getOutputStream().write(("POST /api/gallery/slow/auth HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{")
                            .getBytes(StandardCharsets.US_ASCII));
                    trickles.add(socket);
                }
                long start = System.nanoTime();
                long nextTrickle = start + TRICKLE_EVERY_MILLIS * 1_000_000;
                while (System.nanoTime() - start < ATTACK_MILLIS * 1_000_000) {
                    healthMillis.add(health(port));
                    if (System.nanoTime() >= nextTrickle) {
                        for (Socket socket : trickles) {
                            try {
                                socket.getOutputStream().write(' ');
                            } catch (IOException endedByTheServer) {
                                // refused or timed out by the server: what it should do
                            }
                        }
                        nextTrickle += TRICKLE_EVERY_MILLIS * 1_000_000;
                    }
                }
                for (Socket socket : trickles) { // what the server did with each: answered (and closed) or still open
                    socket.setSoTimeout(1);
                    try {
                        socket.getInputStream().read(); // an answer's first byte, or the end: ended either way
                        endedByServer++;
                    } catch (java.net.SocketTimeoutException stillOpen) {
                        // the server still waits for its body
                    } catch (IOException reset) {
                        endedByServer++;
                    }
                }
            } finally {
                for (Socket socket : trickles) {
                    socket.close();
                }
            }

            assertThat(healthMillis).hasSizeGreaterThan(20).allSatisfy(ms -> assertThat(ms).isLessThan(1_000));
            assertThat(endedByServer).as("trickling connections the server answered or closed").isEqualTo(CONNECTIONS);
        }
    }

    /** One GET /health on a new connection: milliseconds to the whole answer (2 s at most, then it counts as 2 s). */
    static long health(int port) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
        } catch (java.net.SocketTimeoutException slow) {
            return 2_000;
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
