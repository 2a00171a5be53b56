package com.picpeak.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One HTTP/1.1 request over a plain socket whose body is generated while it is sent (never held in memory), watching
 * the server's spool folders and the heap of this JVM (the server runs in it) as the bytes go: the body-limit tests
 * see what the server writes and keeps while the body arrives, not only afterwards. The answer is read while the
 * body is still being written, so an early answer (401, 413) is seen even when the server then closes the
 * connection on the rest.
 */
final class StreamedRequest {
    private static final int BUFFER = 64 * 1024;
    /** How often (bytes sent) the spool folders and the heap are looked at. */
    private static final long SAMPLE_EVERY = 16L * 1024 * 1024;

    /** A body made of segments, each a pattern repeated: its length is known without generating it. */
    static final class Body {
        private final List<byte[]> patterns = new ArrayList<>();
        private final List<Long> repeats = new ArrayList<>();

        Body add(String text) {
            return add(text.getBytes(StandardCharsets.UTF_8), 1);
        }

        Body add(byte[] pattern, long times) {
            patterns.add(pattern);
            repeats.add(times);
            return this;
        }

        long length() {
            long length = 0;
            for (int i = 0; i < patterns.size(); i++) {
                length += patterns.get(i).length * repeats.get(i);
            }
            return length;
        }

        InputStream open() {
            return new InputStream() {
                int segment;
                long repeat;
                int offset;

                @Override
                public int read() {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] buffer, int off, int len) {
                    int n = 0;
                    while (n < len && segment < patterns.size()) {
                        byte[] pattern = patterns.get(segment);
                        if (repeat >= repeats.get(segment)) {
                            segment++;
                            repeat = 0;
                            offset = 0;
                            continue;
                        }
                        int take = Math.min(len - n, pattern.length - offset);
                        System.arraycopy(pattern, offset, buffer, off + n, take);
                        n += take;
                        offset += take;
                        if (offset == pattern.length) {
                            offset = 0;
                            repeat++;
                        }
                    }
                    return n == 0 && len > 0 ? -1 : n;
                }
            };
        }
    }

    /**
     * What came back and what was seen while sending.
     *
     * @param sentBeforeAnswer body bytes written when the answer's status line arrived
     * @param peakSpoolBytes   the most bytes the watched folders held at any sample
     * @param peakHeapGrowth   the most the heap in use after a GC grew over its level before the request
     */
    record Outcome(int status, Map<String, String> headers, String body, long bodyLength, long sent,
                   long sentBeforeAnswer, long peakSpoolBytes, long peakHeapGrowth) {
        @Override
        public String toString() {
            return "HTTP " + status + " " + body + " (body " + mb(bodyLength) + ", sent " + mb(sent)
                    + ", sent before the answer " + mb(sentBeforeAnswer) + ", peak spool " + mb(peakSpoolBytes)
                    + ", peak heap growth " + mb(peakHeapGrowth) + ")";
        }
    }

    private final int port;
    private final List<Path> watched;

    /** Requests to 127.0.0.1:{@code port}, watching everything under {@code watched} (the spool folders). */
    StreamedRequest(int port, List<Path> watched) {
        this.port = port;
        this.watched = watched;
    }

    /**
     * Sends the request; {@code chunked} sends the body without a Content-Length ({@code Transfer-Encoding:
     * chunked}), so the server learns its size only by reading it.
     */
    Outcome send(String method, String path, Map<String, String> headers, Body body, boolean chunked) throws Exception {
        long heapBefore = heapInUseAfterGc();
        long spoolBefore = spoolBytes();
        AtomicLong peakSpool = new AtomicLong(spoolBefore);
        AtomicLong peakHeap = new AtomicLong(heapBefore);
        AtomicLong sent = new AtomicLong();
        AtomicLong sentBeforeAnswer = new AtomicLong(-1);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(180_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length() + "\r\n");
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            Thread writer = new Thread(() -> {
                byte[] buffer = new byte[BUFFER];
                long nextSample = SAMPLE_EVERY;
                try (InputStream in = body.open()) {
                    int n;
                    while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        }
                        out.write(buffer, 0, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        }
                        if (sent.addAndGet(n) >= nextSample) {
                            nextSample += SAMPLE_EVERY;
                            peakSpool.accumulateAndGet(spoolBytes(), Math::max);
                            peakHeap.accumulateAndGet(heapInUseAfterGc(), Math::max);
                        }
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.flush();
                } catch (IOException closedByTheServer) {
                    // the server answered early and closed the connection on the rest: what the test wants to see
                }
            }, "streamed-body");
            writer.setDaemon(true);
            writer.start();

            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            sentBeforeAnswer.set(sent.get());
            peakSpool.accumulateAndGet(spoolBytes(), Math::max);
            Map<String, String> responseHeaders = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                responseHeaders.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            String responseBody = new String(body(in, responseHeaders), StandardCharsets.UTF_8);
            socket.shutdownInput();
            writer.join(180_000);
            peakSpool.accumulateAndGet(spoolBytes(), Math::max);
            peakHeap.accumulateAndGet(heapInUseAfterGc(), Math::max);
            return new Outcome(Integer.parseInt(statusLine.split(" ")[1]), responseHeaders, responseBody, body.length(),
                    sent.get(), sentBeforeAnswer.get(), peakSpool.get() - spoolBefore, peakHeap.get() - heapBefore);
        }
    }

    private static byte[] body(InputStream in, Map<String, String> headers) throws IOException {
        if (headers.containsKey("content-length")) {
            return in.readNBytes(Integer.parseInt(headers.get("content-length")));
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                out.writeBytes(in.readNBytes(size));
                line(in);
            }
            return out.toByteArray();
        }
        return in.readAllBytes();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection closed before a whole answer came (" + line + ")");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Bytes of every file under the watched folders now. */
    long spoolBytes() {
        long total = 0;
        for (Path folder : watched) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(folder)) {
                total += files.filter(Files::isRegularFile).mapToLong(StreamedRequest::sizeOrZero).sum();
            } catch (IOException | UncheckedIOException e) { // a spool file went while walking: look again
                return spoolBytes();
            }
        }
        return total;
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException gone) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long heapInUseAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_048_576.0);
    }
}
