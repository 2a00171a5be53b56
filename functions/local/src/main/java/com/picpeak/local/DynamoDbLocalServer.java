package com.picpeak.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DynamoDB Local run as a server on a free port, in memory: the shared catalog several local-mode instances use in
 * the scale-out tests and in {@code bench scaleout} (the embedded catalog of a single instance is another thing). In
 * this process, or as a child process whose CPU time can be read apart from the instances'.
 */
final class DynamoDbLocalServer implements AutoCloseable {
    private final int port;
    private final DynamoDBProxyServer inProcess;
    private final Process child;

    private DynamoDbLocalServer(int port, DynamoDBProxyServer inProcess, Process child) {
        this.port = port;
        this.inProcess = inProcess;
        this.child = child;
    }

    static DynamoDbLocalServer inProcess() throws Exception {
        int port = freePort();
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                new String[]{"-inMemory", "-sharedDb", "-port", String.valueOf(port)});
        server.start();
        return new DynamoDbLocalServer(port, server, null);
    }

    /**
     * In this process, its tables in files under {@code folder} on {@code port}: stopped ({@link #close}) and started
     * again on the same folder and port, it is a catalog that went away and came back (the fault tests).
     */
    static DynamoDbLocalServer onDisk(Path folder, int port) throws Exception {
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                new String[]{"-dbPath", folder.toString(), "-sharedDb", "-port", String.valueOf(port)});
        server.start();
        return new DynamoDbLocalServer(port, server, null);
    }

    /** A child JVM (same classpath, or this program's jar), its output to {@code log}. */
    static DynamoDbLocalServer childProcess(Path log) throws IOException {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
            // java -jar picpeak.jar: its libraries are nested, so Spring Boot's launcher opens them for another main
            command.addAll(List.of("-Dloader.main=" + ServerRunner.class.getName(), "-cp", classPath,
                    "org.springframework.boot.loader.launch.PropertiesLauncher"));
        } else {
            command.addAll(List.of("-cp", classPath, ServerRunner.class.getName()));
        }
        command.addAll(List.of("-inMemory", "-sharedDb", "-port", String.valueOf(port)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        DynamoDbLocalServer server = new DynamoDbLocalServer(port, null, process);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!server.accepts()) {
            if (!process.isAlive() || System.nanoTime() > until) {
                process.destroyForcibly();
                throw new IOException("DynamoDB Local did not start on port " + port + " (see " + log + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return server;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** CPU time the server has used so far (a child process only; from the operating system). */
    Duration cpu() {
        if (child == null) {
            throw new IllegalStateException("CPU time is measured for a child process only");
        }
        return child.info().totalCpuDuration().orElseThrow(() ->
                new IllegalStateException("this system does not report a process's CPU time"));
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server; never throws {@link InterruptedException} (try-with-resources would have to handle it). */
    @Override
    public void close() {
        try {
            if (inProcess != null) {
                inProcess.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        } finally {
            stopChild();
        }
    }

    private void stopChild() {
        if (child == null) {
            return;
        }
        child.destroy();
        try {
            if (!child.waitFor(5, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
