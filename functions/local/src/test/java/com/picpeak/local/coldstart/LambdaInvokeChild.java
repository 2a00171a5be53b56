package com.picpeak.local.coldstart;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;

/**
 * The child JVM of {@link ColdStartBenchmarkMain}: what the Lambda Java runtime does with a function's package,
 * reduced to the part that costs time. It loads the handler class (its static initialiser is the function's init),
 * constructs it, then invokes it twice with the same event and prints one line per phase for the parent:
 * {@code INIT_DONE}, {@code FIRST <nanos> <answer>}, {@code SECOND <nanos> <answer>}, and after each the process's CPU
 * time ({@code CPU_INIT <nanos>}: all of it so far; {@code CPU_FIRST}, {@code CPU_SECOND}: that invocation's). With
 * {@code -Dbench.child.primed=true} it first calls the handler's SnapStart hooks ({@code priming()}: before the
 * checkpoint, after the restore) as Lambda would around a snapshot, prints {@code PRIMED}, and times the calls after
 * them (or prints {@code NO_PRIMING} and stops when the handler has none). It is copied next to the
 * unpacked package at run time, never into a package; it uses only the JDK and the Lambda libraries the packages
 * carry. Arguments: handler class, event kind ({@code http}, {@code sqs}, {@code scheduled}, {@code map},
 * {@code none}), event file.
 */
public final class LambdaInvokeChild {
    /** The system property that makes the child run the handler's SnapStart priming hooks before the first call. */
    static final String PRIMED = "bench.child.primed";

    private LambdaInvokeChild() {
    }

    public static void main(String[] args) throws Exception {
        String handlerClass = args[0];
        String kind = args[1];
        byte[] event = args.length > 2 ? Files.readAllBytes(Path.of(args[2])) : new byte[0];
        Object handler = Class.forName(handlerClass).getDeclaredConstructor().newInstance();
        System.out.println("INIT_DONE");
        System.out.flush();
        long initCpu = cpuNanos(); // read after INIT_DONE: its own cost stays out of the wall-clock init
        System.out.println("CPU_INIT " + initCpu);
        if (Boolean.getBoolean(PRIMED)) { // as SnapStart: the priming before the snapshot, the renewals after a restore
            Object priming;
            try {
                priming = handler.getClass().getMethod("priming").invoke(null);
            } catch (NoSuchMethodException none) {
                System.out.println("NO_PRIMING");
                System.exit(0);
                return;
            }
            // org.crac.Resource, called by name: the package carries org.crac, this child's classpath may not
            Class<?> cracContext = Class.forName("org.crac.Context");
            priming.getClass().getMethod("beforeCheckpoint", cracContext).invoke(priming, (Object) null);
            priming.getClass().getMethod("afterRestore", cracContext).invoke(priming, (Object) null);
            System.out.println("PRIMED");
        }
        for (String phase : List.of("FIRST", "SECOND")) {
            long cpuBefore = cpuNanos();
            long start = System.nanoTime();
            String answer = invoke(handler, kind, event, phase.toLowerCase());
            long took = System.nanoTime() - start;
            long cpu = cpuNanos() - cpuBefore;
            System.out.println(phase + " " + took + " " + answer.replace('\n', ' '));
            System.out.println("CPU_" + phase + " " + cpu);
            System.out.flush();
        }
        System.exit(0);
    }

    /**
     * CPU time of this process so far (every thread: JIT and GC included), which a busy machine stretches far less than
     * wall-clock time; 10 ms resolution on Linux.
     */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String invoke(Object handler, String kind, byte[] event, String requestId) throws Exception {
        Context context = context(requestId);
        switch (kind) {
            case "none":
                return "hello";
            case "http": {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ((RequestStreamHandler) handler).handleRequest(new ByteArrayInputStream(event), out, context);
                String body = out.toString(StandardCharsets.UTF_8);
                int status = body.indexOf("\"statusCode\"");
                return status < 0 ? body.substring(0, Math.min(80, body.length()))
                        : body.substring(status, Math.min(body.length(), status + 17));
            }
            case "sqs": {
                SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
                message.setMessageId("bench-" + requestId);
                message.setBody(new String(event, StandardCharsets.UTF_8));
                SQSEvent sqs = new SQSEvent();
                sqs.setRecords(List.of(message));
                return String.valueOf(((RequestHandler) handler).handleRequest(sqs, context));
            }
            case "scheduled":
                return String.valueOf(((RequestHandler) handler).handleRequest(new ScheduledEvent(), context));
            case "map":
                return String.valueOf(((RequestHandler) handler).handleRequest(new HashMap<String, Object>(), context));
            default:
                throw new IllegalArgumentException("unknown event kind " + kind);
        }
    }

    /** The Lambda context: a request id, a logger to stdout, 30 s left. */
    private static Context context(String requestId) {
        LambdaLogger logger = new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.println(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.println(new String(message, StandardCharsets.UTF_8));
            }
        };
        return new Context() {
            public String getAwsRequestId() { return requestId; }
            public String getLogGroupName() { return "/aws/lambda/bench"; }
            public String getLogStreamName() { return "bench"; }
            public String getFunctionName() { return System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "bench"); }
            public String getFunctionVersion() { return "$LATEST"; }
            public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:bench"; }
            public CognitoIdentity getIdentity() { return null; }
            public ClientContext getClientContext() { return null; }
            public int getRemainingTimeInMillis() { return 30_000; }
            public int getMemoryLimitInMB() { return Integer.parseInt(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")); }
            public LambdaLogger getLogger() { return logger; }
        };
    }
}
