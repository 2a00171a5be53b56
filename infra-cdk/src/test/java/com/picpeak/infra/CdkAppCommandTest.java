package com.picpeak.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `cdk synth` and `cdk deploy` run the app command of cdk.json in this folder: it must be the repository's Maven
 * wrapper, so that a machine with only a JDK and Node can deploy (docs/deploy.md), never a system `mvn`.
 */
class CdkAppCommandTest {

    @Test
    void theAppCommand_runsTheRepositorysMavenWrapper() throws IOException {
        String app = new ObjectMapper().readTree(Files.readString(Path.of("cdk.json"))).get("app").asText();
        Path program = Path.of(app.split(" ")[0]);

        assertThat(program.getFileName().toString()).as(app).isEqualTo("mvnw");
        assertThat(Files.isExecutable(program)).as(app + ": the wrapper, relative to infra-cdk/").isTrue();
        assertThat(program.toRealPath()).isEqualTo(Path.of("../mvnw").toRealPath());
    }
}
