package com.picpeak.storage;

import com.picpeak.testing.TestData;
import com.picpeak.testing.TestS3Server;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A 64 MB put and read-back succeed in a JVM whose whole heap is 64 MB, on both backends. */
@Tag("processes")
class BoundedMemoryPutTest {
    static final String EXPECTED_SHA = TestData.sha256(TestData.stream(BlobStoreContract.SIXTY_FOUR_MB, 42));

    @Test
    void localPutOf64MB_fitsIn64MBHeap(@TempDir Path root) throws Exception {
        assertSmallHeapRun("local", root.toString());
    }

    @Test
    void s3PutOf64MB_fitsIn64MBHeap() throws Exception {
        TestS3Server server = TestS3Server.shared();
        assertSmallHeapRun("s3", server.endpoint().toString(), server.createBucket(),
                TestS3Server.ACCESS_KEY, TestS3Server.SECRET_KEY);
    }

    private static void assertSmallHeapRun(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"),
                BoundedMemoryPut.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }

        assertThat(finished).as("child finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("stored " + BlobStoreContract.SIXTY_FOUR_MB + " " + EXPECTED_SHA
                + " read " + EXPECTED_SHA);
    }
}
