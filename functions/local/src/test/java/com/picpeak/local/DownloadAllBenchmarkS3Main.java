package com.picpeak.local;

import com.picpeak.testing.TestS3Server;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bench download-all} on the S3 backend against S3Proxy on local disk (in this process), as the figures
 * are taken: the arguments are the command's ({@code --sections BUILD --workers 1,2,4 ...}).
 */
public final class DownloadAllBenchmarkS3Main {
    private DownloadAllBenchmarkS3Main() {
    }

    public static void main(String[] args) throws Exception {
        Path disk = Files.createTempDirectory("picpeak-bench-s3proxy");
        int exit = 1;
        try {
            TestS3Server s3 = TestS3Server.start(Optional.of(disk));
            Map<String, String> env = new HashMap<>(s3.env(s3.createBucket(), "bench"));
            String[] command = new String[args.length + 1];
            command[0] = "download-all";
            System.arraycopy(args, 0, command, 1, args.length);
            exit = new CommandLine(new BenchCommand(env)).execute(command);
        } finally {
            BenchCommand.deleteTree(disk);
            System.exit(exit); // S3Proxy's and DynamoDB Local's threads would keep the JVM alive
        }
    }
}
