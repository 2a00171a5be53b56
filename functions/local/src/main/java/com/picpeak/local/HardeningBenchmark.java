package com.picpeak.local;

import com.picpeak.gallery.EventPatch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench hardening}: what the two attacks of the hardening issue (32) cost everyone else, each against the
 * same measurement without it in the same run, through a local server on loopback:
 * <ul>
 *   <li>{@code GET /health} p99 while 220 connections trickle a 4,000-byte body one byte every 5 s (item 1);</li>
 *   <li>a gallery listing's p50 while 16 guessers, each from IPv6 /64s of its own (behind the server's trusted
 *   proxy, this process), send wrong passwords as fast as they are answered (item 6): checked or refused.</li>
 * </ul>
 * Bounded: loopback only, 220 sockets, a fixed number of timed requests per phase; everything closed at the end.
 */
final class HardeningBenchmark {
    static final int TRICKLE_CONNECTIONS = 220;
    static final long TRICKLE_EVERY_MILLIS = 5_000;
    static final int GUESSERS = 16;

    private final LocalServer server;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HardeningBenchmark(LocalServer server, PrintStream out) {
        this.server = server;
        this.out = out;
    }

    /** /health p99 without and with the trickle; returns {without, with} in ms. */
    double[] healthUnderTrickle(int requests) throws Exception {
        server.runtime().events().create("trickled", new EventPatch("Trickled", "a-password", null, false, null, null,
                null, null));
        int port = server.port();
        for (int i = 0; i < 50; i++) {
            health(port); // warm
        }
        List<Long> quiet = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            quiet.add(health(port));
        }
        List<Socket> trickles = new ArrayList<>();
        List<Long> attacked = new ArrayList<>();
        try {
            for (int i = 0; i < TRICKLE_CONNECTIONS; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.getOutputStream().write(("POST /api/gallery/trickled/auth HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                trickles.add(socket);
            }
            long nextTrickle = System.nanoTime() + TRICKLE_EVERY_MILLIS * 1_000_000;
            for (int i = 0; i < requests; i++) {
                attacked.add(health(port));
                if (System.nanoTime() >= nextTrickle) {
                    for (Socket socket : trickles) {
                        try {
                            socket.getOutputStream().write(' ');
                        } catch (IOException endedByTheServer) {
                            // refused or timed out: what the server should do
                        }
                    }
                    nextTrickle += TRICKLE_EVERY_MILLIS * 1_000_000;
                }
            }
        } finally {
            for (Socket socket : trickles) {
                socket.close();
            }
        }
        double without = percentile(quiet, 0.99);
        double with = percentile(attacked, 0.99);
        out.printf("GET /health p99 (%d requests each): %.1f ms alone, %.1f ms while %d connections trickle bodies: "
                + "%.2fx (goal at most 2x)%n", requests, without, with, TRICKLE_CONNECTIONS, with / without);
        return new double[]{without, with};
    }

    /** A gallery listing's p50 without and with 16 guessers; returns {without, with, checked, refused}. */
    double[] listingUnderGuessers(int requests) throws Exception {
        server.runtime().events().create("guessed", new EventPatch("Guessed", "the-right-password", null, false, null,
                null, null, null));
        String session = signIn("the-right-password", "203.0.113.9");
        for (int i = 0; i < 30; i++) {
            listing(session); // warm
        }
        List<Long> quiet = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            quiet.add(listing(session));
        }
        AtomicBoolean attacking = new AtomicBoolean(true);
        AtomicLong checked = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        ExecutorService guessers = Executors.newFixedThreadPool(GUESSERS);
        List<Long> attacked = Collections.synchronizedList(new ArrayList<>());
        try {
            for (int g = 0; g < GUESSERS; g++) {
                int guesser = g;
                guessers.submit(() -> {
                    for (long n = 0; attacking.get(); n++) {
                        // a new /64 each try, in a /48 of the guesser's own
                        String address = "2001:db8:" + Integer.toHexString(0x100 + guesser) + ":"
                                + Long.toHexString(n & 0xffff) + "::7";
                        int status = auth("wrong-" + n, address).statusCode();
                        (status == 401 ? checked : refused).incrementAndGet();
                    }
                    return null;
                });
            }
            Thread.sleep(1_000); // the guessers under way (their first burst of checks spent)
            for (int i = 0; i < requests; i++) {
                attacked.add(listing(session));
            }
        } finally {
            attacking.set(false);
            guessers.shutdown();
            guessers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        double without = percentile(quiet, 0.5);
        double with = percentile(attacked, 0.5);
        out.printf("gallery listing p50 (%d requests each): %.1f ms alone, %.1f ms while %d guessers from distinct /64s "
                        + "send wrong passwords: %.2fx (goal at most 2x); their tries: %d checked, %d refused before any "
                        + "check%n", requests, without, with, GUESSERS, with / without, checked.get(), refused.get());
        return new double[]{without, with, checked.get(), refused.get()};
    }

    private String signIn(String password, String address) throws Exception {
        HttpResponse<String> response = auth(password, address);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("sign-in answered " + response.statusCode() + ": " + response.body());
        }
        String body = response.body();
        int at = body.indexOf("\"token\":\"") + 9;
        return body.substring(at, body.indexOf('"', at));
    }

    private HttpResponse<String> auth(String password, String forwardedFor) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/gallery/guessed/auth"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long listing(String session) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/gallery/guessed/photos"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + session)
                .header("X-Forwarded-For", "203.0.113.9").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the listing answered " + response.statusCode());
        }
        return (System.nanoTime() - start) / 1_000;
    }

    /** One GET /health on a new connection: microseconds to the status line (2 s at most). */
    private static long health(int port) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(2_000);
            OutputStream request = socket.getOutputStream();
            request.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            request.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException("/health answered " + head);
            }
        } catch (SocketTimeoutException slow) {
            return 2_000_000;
        }
        return (System.nanoTime() - start) / 1_000;
    }

    /** The percentile of microsecond samples, in milliseconds. */
    static double percentile(List<Long> micros, double p) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1000.0;
    }
}
