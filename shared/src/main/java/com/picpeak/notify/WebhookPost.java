package com.picpeak.notify;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One webhook POST (HTTP/1.1, {@code Connection: close}) to addresses already resolved and checked: the socket is
 * opened to one of them, never to a second resolution of the name. HTTPS still verifies the certificate against
 * the URL's host name (SNI and endpoint identification), so pinning the address takes nothing from TLS. Only the
 * status line of the answer is read; redirects are not followed. The whole exchange ends by {@code timeout}.
 */
final class WebhookPost {
    private static final int MAX_STATUS_LINE = 1024;

    private WebhookPost() {
    }

    /** @return the HTTP status of the answer */
    static int send(URI url, List<InetAddress> addresses, Map<String, String> headers, byte[] body,
                    Duration connectTimeout, Duration timeout) throws IOException {
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() != -1 ? url.getPort() : https ? 443 : 80;
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException failure = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            } catch (IOException e) {
                socket.close();
                failure = e; // the name's next address, if any
                continue;
            }
            try (Socket connection = https ? tls(socket, url.getHost(), port) : socket) {
                OutputStream out = connection.getOutputStream();
                out.write(head(url, port, headers, body.length).getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                return status(connection, deadline);
            } finally {
                socket.close();
            }
        }
        throw failure != null ? failure : new IOException("no address to connect to");
    }

    private static Socket tls(Socket socket, String host, int port) throws IOException {
        SSLSocket ssl;
        try {
            ssl = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(socket, host, port, true);
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no TLS on this JVM", e);
        }
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
        if (!host.startsWith("[") && !host.matches("[0-9.]+")) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        return ssl;
    }

    private static String head(URI url, int port, Map<String, String> headers, int length) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        StringBuilder head = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.getHost()).append(url.getPort() == -1 ? "" : ":" + port).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("Content-Length: ").append(length).append("\r\nConnection: close\r\n\r\n").toString();
    }

    /** Reads "HTTP/1.1 204 No Content" within the deadline; the rest of the answer is not read. */
    private static int status(Socket socket, long deadline) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream());
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (line.size() < MAX_STATUS_LINE) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("no answer within the request timeout");
            }
            socket.setSoTimeout((int) Math.max(1, left));
            int c = in.read();
            if (c == -1 || c == '\n') {
                break;
            }
            line.write(c);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1).strip();
        String[] parts = text.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[1-5][0-9][0-9]")) {
            throw new IOException("not an HTTP answer: " + (text.length() > 80 ? text.substring(0, 80) : text));
        }
        return Integer.parseInt(parts[1]);
    }
}
