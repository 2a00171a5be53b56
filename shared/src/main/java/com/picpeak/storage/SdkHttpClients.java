package com.picpeak.storage;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

import java.time.Duration;

/**
 * The HTTP client under every SDK client of the process.
 *
 * <p>A Lambda package carries only the JDK's URL connection client: the lightest to start
 * (docs/lambda-runtime.md), and a function serves one request at a time. A long-running process (local mode,
 * the tests) also has the Apache 5 client on its classpath and gets it: a bounded pool whose connections are
 * checked before reuse. The JDK's keep-alive cache is one per JVM and does not check, so after a server closed
 * an idle connection the next streamed PUT on it fails, and a streamed body cannot be retried.
 */
public final class SdkHttpClients {

    private static final boolean APACHE_ON_CLASSPATH = onClasspath("software.amazon.awssdk.http.apache5.Apache5HttpClient")
            && onClasspath("org.apache.hc.client5.http.impl.classic.HttpClientBuilder");

    private SdkHttpClients() {
    }

    public static SdkHttpClient.Builder<?> builder(Duration connect, Duration socket) {
        return APACHE_ON_CLASSPATH
                ? Pooled.builder(connect, socket)
                : UrlConnectionHttpClient.builder().connectionTimeout(connect).socketTimeout(socket);
    }

    /** Which client this process uses, for the start-up log and the tests. */
    public static String name() {
        return APACHE_ON_CLASSPATH ? "apache5" : "url-connection";
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, SdkHttpClients.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /** Its own class, so a process without the Apache client never loads a type that names it. */
    private static final class Pooled {
        static SdkHttpClient.Builder<?> builder(Duration connect, Duration socket) {
            return Apache5HttpClient.builder().connectionTimeout(connect).socketTimeout(socket).maxConnections(64);
        }
    }
}
