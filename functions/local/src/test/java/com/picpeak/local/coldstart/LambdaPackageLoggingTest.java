package com.picpeak.local.coldstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built Lambda packages log through SLF4J: in a JVM whose classpath is only the package (as Lambda's), a line the
 * shared code logs comes out on stdout as one JSON object (Lambda's JSON log format keeps it structured). The poller's
 * package had no SLF4J provider, so every such line was dropped. Needs the packages: run through the reactor
 * ({@code mvn -pl functions/local -am verify -Dtest=LambdaPackageLoggingTest}), which builds them first.
 */
@Tag("processes")
class LambdaPackageLoggingTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path scratch;

    @Test
    void thePollerPackage_logsTheSharedCodesLines_asJson() throws Exception {
        assertSharedLineLogged(root().resolve("functions/poller/target/picpeak-poller-lambda.zip"),
                "com.picpeak.poller.PollerHandler");
    }

    @Test
    void theWorkerFunction_ofTheApiPackage_logsTheSharedCodesLines_asJson() throws Exception {
        assertSharedLineLogged(root().resolve("functions/api/target/picpeak-api-lambda.zip"),
                "com.picpeak.api.lambda.JobWorkerHandler");
    }

    private void assertSharedLineLogged(Path zip, String handler) throws Exception {
        assertThat(zip).as("built by the reactor before this module's tests").isRegularFile();
        Path unpacked = unpack(zip, scratch.resolve("package"));
        Path probe = copyProbe(scratch.resolve("probe"));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", unpacked.resolve("lib") + "/*:" + probe, PackageLogProbe.class.getName(), handler)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(output).doesNotContain("No SLF4J providers");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("{")) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines).as(output).anySatisfy(line -> {
            assertThat(line.path("loggerName").asText()).isEqualTo("com.picpeak.app.AdminToken");
            assertThat(line.path("level").asText()).isEqualTo("WARN");
            assertThat(line.path("formattedMessage").asText()).contains(PackageLogProbe.CAUSE);
        });
    }

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("infra-cdk")) && dir.getParent() != null) {
            dir = dir.getParent();
        }
        return dir;
    }

    private static Path unpack(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path target = into.resolve(entry.getName()).normalize();
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

    /** The probe's class alone (the test classes hold resources that would change the package's logging). */
    private static Path copyProbe(Path dir) throws IOException {
        String name = PackageLogProbe.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(name);
        Files.createDirectories(target.getParent());
        try (InputStream in = PackageLogProbe.class.getClassLoader().getResourceAsStream(name)) {
            Files.copy(in, target);
        }
        return dir;
    }
}
