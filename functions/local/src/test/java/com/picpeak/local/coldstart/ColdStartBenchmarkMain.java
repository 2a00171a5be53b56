package com.picpeak.local.coldstart;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.testing.TestImages;
import com.picpeak.testing.TestS3Server;
import com.sun.net.httpserver.HttpServer;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * {@code bench coldstart}: each built Lambda package, unpacked, started in fresh JVMs the way the Lambda Java runtime
 * starts it (C1 only, serial GC, heap at 85 % of the function's memory, one processor, pinned to one core when
 * {@code taskset} exists), with the environment of the committed template ({@code infra-cdk/synth}) pointed at
 * in-process servers: S3Proxy (S3), DynamoDB Local, ElasticMQ (SQS), and a small JSON responder for the two calls
 * of Secrets Manager and EventBridge that have no in-process server (GetSecretValue, PutEvents). It times init (from
 * the process start to the handler constructed, as Lambda's Init Duration), the first invocation and the second,
 * with a hello-world JVM under the same flags as the reference of the same run, and prints the medians and ratios. A
 * second and a third reference are floors: {@link SdkFloorHandler}, the AWS SDK alone (what any function that reads
 * DynamoDB and S3 pays), and {@link SpringFloorHandler}, the HTTP functions' frameworks alone.
 *
 * <p>Run (from the repository's top folder): {@code mvn -B -o -q -pl functions/poller,functions/local -am -Pbench-coldstart -DskipTests
 * verify} (builds the packages first); {@code -Dbench.runs=5} for more runs, {@code -Dbench.java=/path/to/java} for
 * another JVM, {@code -Dbench.only=Gallery,Worker} for some functions, {@code -Dbench.jvmArgs=...} for more JVM flags (e.g.
 * {@code -Xlog:class+load} to see where init goes). Lives in the test sources of the local program: it never ships in a Lambda package.
 */
public final class ColdStartBenchmarkMain {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_TOKEN = "bench-admin-token-0123456789abcdef";
    static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:picpeak-admin-AbCdEf";
    static final String SLUG = "bench";
    static final String ACCESS_KEY = TestS3Server.ACCESS_KEY;
    static final String SECRET_KEY = TestS3Server.SECRET_KEY;

    record Function(String name, String handlerClass, int memoryMb, String runtime, String architecture, Path zip,
                    Map<String, String> env, String kind) {
    }

    record Sample(long initMs, double firstMs, double secondMs, int outputLines, String firstAnswer, double initCpuMs,
                  double firstCpuMs) {
    }

    public static void main(String[] args) throws Exception {
        int status = 1;
        try {
            status = run(Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize(),
                    Integer.getInteger("bench.runs", 3), System.getProperty("bench.java",
                            Path.of(System.getProperty("java.home"), "bin", "java").toString()), System.out);
        } catch (Exception e) {
            e.printStackTrace();
        }
        System.out.flush();
        System.exit(status); // DynamoDB Local, S3Proxy and ElasticMQ threads would keep the JVM alive
    }

    static int run(Path root, int runs, String java, PrintStream out) throws Exception {
        while (!Files.exists(root.resolve("infra-cdk")) && root.getParent() != null) {
            root = root.getParent(); // Maven runs the module from functions/local
        }
        Path template = root.resolve("infra-cdk/synth/PicPeakStack.template.json");
        Path apiZip = root.resolve("functions/api/target/picpeak-api-lambda.zip");
        Path pollerZip = root.resolve("functions/poller/target/picpeak-poller-lambda.zip");
        for (Path needed : List.of(template, apiZip, pollerZip)) {
            if (!Files.isRegularFile(needed)) {
                out.println("missing " + needed + ": build the packages first (mvn -B -q -DskipTests package)");
                return 2;
            }
        }
        Path scratch = Files.createTempDirectory("picpeak-coldstart");
        Path apiDir = unpack(apiZip, scratch.resolve("api"));
        Path pollerDir = unpack(pollerZip, scratch.resolve("poller"));
        Path childDir = copyChild(scratch.resolve("child"));

        // the functions' clients share the environment's credentials (as in Lambda): one key pair for every server
        TestS3Server s3 = TestS3Server.start(Optional.empty());
        URI s3Endpoint = s3.endpoint();
        String bucket = "picpeak-bench";
        int dynamoPort = freePort();
        DynamoDBProxyServer dynamo = ServerRunner.createServerFromCommandLineArgs(
                new String[]{"-inMemory", "-port", String.valueOf(dynamoPort)});
        dynamo.start();
        URI dynamoEndpoint = URI.create("http://127.0.0.1:" + dynamoPort);
        SQSRestServer sqsServer = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
        URI sqsEndpoint = URI.create("http://127.0.0.1:" + sqsServer.waitUntilStarted().localAddress().getPort());
        HttpServer awsJson = awsJsonResponder();
        URI awsJsonEndpoint = URI.create("http://127.0.0.1:" + awsJson.getAddress().getPort());
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
        String table = "picpeak-bench";
        String queueUrl;
        try (DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(dynamoEndpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
             SqsClient sqs = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.US_EAST_1)
                     .credentialsProvider(credentials).build();
             S3Client s3Client = S3Client.builder().endpointOverride(s3Endpoint).forcePathStyle(true)
                     .region(Region.US_EAST_1).credentialsProvider(credentials).build()) {
            s3Client.createBucket(b -> b.bucket(bucket));
            DynamoCatalog.createTableIfMissing(ddb, table);
            queueUrl = sqs.createQueue(b -> b.queueName("jobs")).queueUrl();
            seed(s3Endpoint, bucket, table, ddb);
        }

        Map<String, String> resolved = Map.of("STORAGE_S3_BUCKET", bucket, "CATALOG_TABLE", table,
                "EVENT_BUS_NAME", "picpeak-bench-bus", "ADMIN_TOKEN_SECRET_ARN", SECRET_ARN, "JOB_QUEUE_URL", queueUrl,
                "STORAGE_S3_REGION", "us-east-1");
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("STORAGE_S3_ENDPOINT", s3Endpoint.toString());
        endpoints.put("STORAGE_S3_SSL", "false");
        endpoints.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoEndpoint.toString());
        endpoints.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint.toString());
        endpoints.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", awsJsonEndpoint.toString());
        endpoints.put("AWS_ENDPOINT_URL_EVENTBRIDGE", awsJsonEndpoint.toString());
        List<Function> functions = functions(JSON.readTree(template.toFile()), apiDir, pollerDir, resolved, endpoints);
        Path events = Files.createDirectories(scratch.resolve("events"));

        boolean pinned = Files.isExecutable(Path.of("/usr/bin/taskset"));
        out.printf("cold start of the Lambda packages (%s, %d runs each, medians; %s; JVM %s)%n", template.getFileName(),
                runs, pinned ? "pinned to one core with taskset" : "not pinned: no taskset", java);
        out.println("flags: -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx<85% of MemorySize> "
                + "-XX:ActiveProcessorCount=1 -Xshare:auto");
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        Function hello = new Function("hello-world", "java.lang.Object", 1024, "-", "-", null, Map.of(), "none");
        // The SDK's own floor: two clients and one read each from the API package's jars, nothing of ours
        Function sdkFloor = functions.stream().filter(f -> f.name().equals("Worker")).findFirst()
                .map(worker -> new Function("sdk-floor", SdkFloorHandler.class.getName(), worker.memoryMb(), "-", "-",
                        apiDir, worker.env(), "map"))
                .orElseThrow(() -> new IllegalStateException("the template has no Worker function"));
        // The frameworks' own floor: the serverless container and Spring MVC answering one GET, nothing of ours
        Function springFloor = new Function("spring-floor", SpringFloorHandler.class.getName(), 1024, "-", "-", apiDir,
                Map.of(), "http");
        for (int round = 0; round < runs; round++) {
            samples.computeIfAbsent(hello.name(), k -> new ArrayList<>())
                    .add(runChild(java, pinned, hello, List.of(childDir, apiDir.resolve("lib/aws-lambda-java-core-1.4.0.jar")),
                            null, null, scratch.resolve("hello-" + round + ".log")));
            samples.computeIfAbsent(sdkFloor.name(), k -> new ArrayList<>())
                    .add(runChild(java, pinned, sdkFloor, List.of(apiDir.resolve("lib/*"), childDir), null, null,
                            scratch.resolve("sdk-floor-" + round + ".log")));
            Path[] floorEvents = eventsFor(springFloor, events, round);
            samples.computeIfAbsent(springFloor.name(), k -> new ArrayList<>())
                    .add(runChild(java, pinned, springFloor, List.of(apiDir.resolve("lib/*"), childDir), floorEvents[0],
                            floorEvents[1], scratch.resolve("spring-floor-" + round + ".log")));
            for (Function function : functions) {
                if (!selected(System.getProperty("bench.only", ""), function.name())) {
                    continue;
                }
                Path[] eventFiles = eventsFor(function, events, round);
                Path unpacked = function.zip();
                List<Path> classpath = List.of(unpacked.resolve("lib/*"), childDir);
                samples.computeIfAbsent(function.name(), k -> new ArrayList<>()).add(runChild(java, pinned, function,
                        classpath, eventFiles[0], eventFiles[1], scratch.resolve(function.name() + "-" + round + ".log")));
            }
        }
        // As SnapStart runs them: fresh JVMs again, each handler's priming before the first call (HTTP, worker,
        // sweep, poller), so the first call is the first request after a restore, less the restore itself
        Map<String, List<Sample>> primedSamples = new LinkedHashMap<>();
        for (int round = 0; round < runs; round++) {
            for (Function function : functions) {
                if (!selected(System.getProperty("bench.only", ""), function.name())) {
                    continue;
                }
                Path[] eventFiles = eventsFor(function, events, runs + round);
                Sample primed = runChild(java, pinned, function, List.of(function.zip().resolve("lib/*"), childDir),
                        eventFiles[0], eventFiles[1], scratch.resolve(function.name() + "-primed-" + round + ".log"), true);
                if (primed != null) {
                    primedSamples.computeIfAbsent(function.name(), k -> new ArrayList<>()).add(primed);
                }
            }
        }
        Sample reference = median(samples.get(hello.name()));
        Map<String, Function> byName = new LinkedHashMap<>();
        for (Function f : List.of(hello, sdkFloor, springFloor)) {
            byName.put(f.name(), f);
        }
        functions.forEach(f -> byName.put(f.name(), f));
        out.printf("%-12s %-7s %-6s %6s %9s %9s %9s %10s %12s %9s %13s %14s %13s %15s %6s  %s%n", "function", "runtime",
                "arch", "MB", "init ms", "1st ms", "2nd ms", "init/hello", "1st/2nd", "init cpu", "init+1st cpu",
                "init cpu/hello", "primed 1st ms", "primed 1st/2nd", "lines", "first answer");
        for (Map.Entry<String, List<Sample>> entry : samples.entrySet()) {
            Sample s = median(entry.getValue());
            if (s == null) {
                continue;
            }
            Function f = byName.get(entry.getKey());
            Sample primed = primedSamples.containsKey(entry.getKey()) ? median(primedSamples.get(entry.getKey())) : null;
            out.printf("%-12s %-7s %-6s %6d %9d %9.1f %9.1f %10.1f %12.1f %9.0f %13.0f %14.1f %13s %15s %6d  %s%n", f.name(),
                    f.runtime(), f.architecture(), f.memoryMb(), s.initMs(), s.firstMs(), s.secondMs(),
                    (double) s.initMs() / reference.initMs(), s.secondMs() == 0 ? 0 : s.firstMs() / s.secondMs(),
                    s.initCpuMs(), s.initCpuMs() + s.firstCpuMs(), s.initCpuMs() / reference.initCpuMs(),
                    primed == null ? "-" : String.format("%.1f", primed.firstMs()),
                    primed == null || s.secondMs() == 0 ? "-" : String.format("%.1f", primed.firstMs() / s.secondMs()),
                    s.outputLines(), s.firstAnswer());
        }
        out.println("init: process start to the handler constructed (Lambda's Init Duration); 1st/2nd: the first and "
                + "second invocation; cpu: the child's CPU time (all threads; a busy machine stretches it far less than "
                + "wall time), in init and in init plus the first invocation; primed 1st: the first invocation after the "
                + "function's SnapStart hooks ran (priming, then the renewals of a restore), in other fresh JVMs, and its "
                + "ratio to a warm (2nd) invocation; sdk-floor: the AWS SDK alone (a DynamoDB and an S3 client built "
                + "as AWS advises for Lambda, one read each), the least a job function's init plus first call can "
                + "cost; spring-floor: the serverless container and Spring MVC with the Lambda apps' "
                + "auto-configuration answering one GET, no SDK, the least an HTTP function's init can cost on Spring; "
                + "lines: what the function printed (logs) in "
                + "the run; child logs: " + scratch);
        sqsServer.stopAndWait();
        dynamo.stop();
        awsJson.stop(0);
        s3.stop();
        return 0;
    }

    /** {@code -Dbench.only}: a comma-separated list of function names (any case); empty selects every function. */
    static boolean selected(String only, String name) {
        return only.isBlank() || Arrays.stream(only.split(",")).map(String::trim).anyMatch(name::equalsIgnoreCase);
    }

    /** The functions of the template (and the poller, which the default template leaves out) with their settings. */
    static List<Function> functions(JsonNode template, Path apiDir, Path pollerDir, Map<String, String> resolved,
                                    Map<String, String> endpoints) {
        List<Function> functions = new ArrayList<>();
        Map<String, String> workerEnv = null;
        String workerRuntime = "java17";
        String workerArch = "x86_64";
        for (var it = template.get("Resources").fields(); it.hasNext(); ) {
            var resource = it.next();
            if (!"AWS::Lambda::Function".equals(resource.getValue().path("Type").asText())) {
                continue;
            }
            JsonNode p = resource.getValue().get("Properties");
            String handler = p.get("Handler").asText();
            String handlerClass = handler.substring(0, handler.indexOf("::"));
            if (!handlerClass.startsWith("com.picpeak.")) {
                continue; // CDK's own helper functions (log retention, custom resources)
            }
            String name = resource.getKey().replaceAll("[0-9A-F]{8}$", "");
            Map<String, String> env = new LinkedHashMap<>();
            p.path("Environment").path("Variables").fields().forEachRemaining(v ->
                    env.put(v.getKey(), v.getValue().isTextual() ? v.getValue().asText() : resolved.get(v.getKey())));
            env.putAll(endpoints);
            String runtime = p.get("Runtime").asText();
            String arch = p.path("Architectures").path(0).asText("x86_64");
            String kind = handlerClass.endsWith("JobWorkerHandler") ? "sqs"
                    : handlerClass.endsWith("ArchiveSweepHandler") ? "map"
                    : handlerClass.endsWith("PollerHandler") ? "scheduled" : "http";
            Path dir = handlerClass.startsWith("com.picpeak.poller.") ? pollerDir : apiDir;
            functions.add(new Function(name, handlerClass, p.get("MemorySize").asInt(), runtime, arch, dir, env, kind));
            if (name.equals("Worker")) {
                workerEnv = env;
                workerRuntime = runtime;
                workerArch = arch;
            }
        }
        if (functions.stream().noneMatch(f -> f.kind().equals("scheduled")) && workerEnv != null) {
            // The stack adds the poller only with -c autoImport=true: the worker's environment, auto-import on,
            // and the poller's memory (PicPeakStack)
            Map<String, String> env = new LinkedHashMap<>(workerEnv);
            env.remove("JOB_QUEUE_URL");
            env.put("STORAGE_AUTO_IMPORT", "true");
            functions.add(new Function("Poller", "com.picpeak.poller.PollerHandler", 2048, workerRuntime, workerArch,
                    pollerDir, env, "scheduled"));
        }
        return functions;
    }

    static Sample runChild(String java, boolean pinned, Function function, List<Path> classpath, Path firstEvent,
                           Path secondEvent, Path log) throws Exception {
        return runChild(java, pinned, function, classpath, firstEvent, secondEvent, log, false);
    }

    /** One fresh JVM; {@code primed}: the handler's SnapStart hooks run first (null when it has none). */
    static Sample runChild(String java, boolean pinned, Function function, List<Path> classpath, Path firstEvent,
                           Path secondEvent, Path log, boolean primed) throws Exception {
        List<String> command = new ArrayList<>();
        if (pinned) {
            command.addAll(List.of("/usr/bin/taskset", "-c", "0"));
        }
        command.addAll(List.of(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx" + (function.memoryMb() * 85 / 100) + "m", "-XX:ActiveProcessorCount=1", "-Xshare:auto",
                "-Djava.net.preferIPv4Stack=true"));
        String extra = System.getProperty("bench.jvmArgs", "").trim(); // e.g. -Xlog:class+load to see where init goes
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        if (primed) {
            command.add("-D" + LambdaInvokeChild.PRIMED + "=true");
        }
        command.addAll(List.of(
                "-cp", String.join(":", classpath.stream().map(Path::toString).toList()),
                LambdaInvokeChild.class.getName(), function.handlerClass(), function.kind()));
        if (firstEvent != null) {
            command.add(firstEvent.toString());
            command.add(secondEvent.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", path);
        env.put("TZ", ":UTC");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        env.put("AWS_LAMBDA_FUNCTION_NAME", "picpeak-" + function.name());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(function.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + function.runtime());
        env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        env.put("_HANDLER", function.handlerClass() + "::handleRequest");
        env.putAll(function.env());
        long start = System.nanoTime();
        Process process = builder.start();
        long initNanos = -1;
        double first = -1;
        double second = -1;
        double initCpu = -1;
        double firstCpu = -1;
        String firstAnswer = "";
        int lines = 0;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.append(line).append('\n');
                if (line.equals("INIT_DONE")) {
                    initNanos = System.nanoTime() - start;
                } else if (line.startsWith("CPU_INIT ")) {
                    initCpu = Long.parseLong(line.substring("CPU_INIT ".length())) / 1e6;
                } else if (line.startsWith("CPU_FIRST ")) {
                    firstCpu = Long.parseLong(line.substring("CPU_FIRST ".length())) / 1e6;
                } else if (line.startsWith("CPU_SECOND ") || line.equals("PRIMED")) {
                    continue;
                } else if (line.equals("NO_PRIMING")) {
                    return null;
                } else if (line.startsWith("FIRST ")) {
                    String[] parts = line.split(" ", 3);
                    first = Long.parseLong(parts[1]) / 1e6;
                    firstAnswer = parts.length > 2 ? parts[2] : "";
                } else if (line.startsWith("SECOND ")) {
                    second = Long.parseLong(line.split(" ", 3)[1]) / 1e6;
                } else {
                    lines++;
                }
            }
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.writeString(log, output);
        if (initNanos < 0 || second < 0) {
            throw new IllegalStateException(function.name() + " did not complete (see " + log + "):\n"
                    + output.substring(Math.max(0, output.length() - 3000)));
        }
        return new Sample(initNanos / 1_000_000, first, second, lines,
                firstAnswer.length() > 40 ? firstAnswer.substring(0, 40) : firstAnswer, initCpu, firstCpu);
    }

    static Sample median(List<Sample> samples) {
        List<Sample> byInit = samples.stream().sorted(Comparator.comparingLong(Sample::initMs)).toList();
        Sample mid = byInit.get(byInit.size() / 2);
        double initCpu = middle(samples, Sample::initCpuMs);
        return new Sample(mid.initMs(), middle(samples, Sample::firstMs), middle(samples, Sample::secondMs),
                mid.outputLines(), mid.firstAnswer(), initCpu, middle(samples, x -> x.initCpuMs() + x.firstCpuMs()) - initCpu);
    }

    /** The median of one figure of the samples. */
    private static double middle(List<Sample> samples, ToDoubleFunction<Sample> figure) {
        return samples.stream().mapToDouble(figure).sorted().toArray()[samples.size() / 2];
    }

    /** One event for the first invocation, one for the second (an upload needs a new file name each time). */
    static Path[] eventsFor(Function function, Path dir, int round) throws Exception {
        Map<String, String> admin = Map.of("authorization", "Bearer " + ADMIN_TOKEN);
        return switch (function.name()) {
            case "Gallery" -> same(dir, "gallery", http("GET", "/api/gallery/" + SLUG + "/photos", Map.of(), null));
            case "Download" -> same(dir, "download", http("GET", "/api/gallery/" + SLUG + "/download-all", Map.of(), null));
            case "Admin" -> same(dir, "admin", http("GET", "/api/admin/events", admin, null));
            case "Upload" -> new Path[]{write(dir, "upload-a-" + round, upload("a-" + round + ".jpg", 700 + round)),
                    write(dir, "upload-b-" + round, upload("b-" + round + ".jpg", 800 + round))}; // new photos each time
            case "Worker" -> same(dir, "worker", "{\"jobId\":\"bench-absent-job\"}");
            case "spring-floor" -> same(dir, "spring-floor", http("GET", "/floor", Map.of(), null));
            default -> same(dir, "empty", "{}");
        };
    }

    private static Path[] same(Path dir, String name, String content) throws IOException {
        Path file = write(dir, name, content);
        return new Path[]{file, file};
    }

    private static Path write(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name + ".json"), content);
    }

    private static String upload(String filename, int width) throws Exception {
        String boundary = "benchboundary7MA4YWxkTrZu0gW";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + filename
                + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(TestImages.jpeg(TestImages.noisyHalves(width, 480, filename.hashCode())));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http("POST", "/api/admin/events/" + SLUG + "/photos", Map.of("authorization", "Bearer " + ADMIN_TOKEN,
                "content-type", "multipart/form-data; boundary=" + boundary), body.toByteArray());
    }

    /** An API Gateway HTTP API (payload 2.0) event. */
    static String http(String method, String path, Map<String, String> headers, byte[] body) throws Exception {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", path);
        event.put("rawQueryString", "");
        ObjectNode headerNode = event.putObject("headers");
        headerNode.put("host", "bench.execute-api.us-east-1.amazonaws.com");
        headers.forEach(headerNode::put);
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "123456789012");
        context.put("apiId", "bench");
        context.put("domainName", "bench.execute-api.us-east-1.amazonaws.com");
        context.put("requestId", "bench-request");
        context.put("routeKey", "$default");
        context.put("stage", "$default");
        context.put("timeEpoch", System.currentTimeMillis());
        ObjectNode http = context.putObject("http");
        http.put("method", method);
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "203.0.113.7");
        http.put("userAgent", "bench");
        if (body != null) {
            event.put("body", Base64.getEncoder().encodeToString(body));
        }
        event.put("isBase64Encoded", body != null);
        return JSON.writeValueAsString(event);
    }

    /** One event with one photo, written through the same services the functions use. */
    private static void seed(URI s3Endpoint, String bucket, String table, DynamoDbClient ddb) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STORAGE_BACKEND", "s3");
        env.put("STORAGE_S3_BUCKET", bucket);
        env.put("STORAGE_S3_ENDPOINT", s3Endpoint.toString());
        env.put("STORAGE_S3_ACCESS_KEY", ACCESS_KEY);
        env.put("STORAGE_S3_SECRET_KEY", SECRET_KEY);
        env.put("CATALOG_TABLE", table);
        try (PicPeakRuntime runtime = PicPeakRuntime.start(PicPeakRuntime.Shape.SERVERLESS, env, ddb, ADMIN_TOKEN)) {
            runtime.events().create(SLUG, new EventPatch("Bench", null, null, false, null, null, null, null));
            runtime.imports().importStream(SLUG, "seed.jpg", new ByteArrayInputStream(
                    TestImages.jpeg(TestImages.noisyHalves(640, 480, 1))), PhotoSource.UPLOAD);
        }
    }

    /**
     * The two calls of Secrets Manager and EventBridge the functions make (no in-process server of either exists):
     * GetSecretValue answers the bench's admin token, PutEvents accepts every entry. Both speak the documented
     * AWS JSON 1.1 protocol, told apart by the X-Amz-Target header.
     */
    private static HttpServer awsJsonResponder() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            byte[] request;
            try (InputStream in = exchange.getRequestBody()) {
                request = in.readAllBytes();
            }
            String answer;
            if (target.endsWith("GetSecretValue")) {
                answer = "{\"ARN\":\"" + SECRET_ARN + "\",\"Name\":\"picpeak-admin\",\"SecretString\":\"" + ADMIN_TOKEN
                        + "\",\"VersionId\":\"v1\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9}";
            } else if (target.endsWith("PutEvents")) {
                int entries = Math.max(1, JSON.readTree(request).path("Entries").size());
                answer = "{\"FailedEntryCount\":0,\"Entries\":[" + String.join(",",
                        java.util.Collections.nCopies(entries, "{\"EventId\":\"bench\"}")) + "]}";
            } else {
                answer = "{\"__type\":\"UnknownOperationException\",\"message\":\"" + target + "\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(answer.startsWith("{\"__type") ? 400 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static Path unpack(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("entry outside the package: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
        return into;
    }

    /**
     * The child's class files and the two floors', with their nested classes, copied to a folder of their own (the test
     * classes hold other classes and resources); the profile runs from {@code target/test-classes}, a folder.
     */
    private static Path copyChild(Path dir) throws Exception {
        for (Class<?> type : List.of(LambdaInvokeChild.class, SdkFloorHandler.class, SpringFloorHandler.class)) {
            Path compiled = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve(type.getPackageName().replace('.', '/'));
            Path target = Files.createDirectories(dir.resolve(type.getPackageName().replace('.', '/')));
            try (var files = Files.list(compiled)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith(type.getSimpleName() + ".")
                        || f.getFileName().toString().startsWith(type.getSimpleName() + "$")).toList()) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
        }
        return dir;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
