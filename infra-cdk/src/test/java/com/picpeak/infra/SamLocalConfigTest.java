package com.picpeak.infra;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * samconfig.toml and the script that writes SAM's environment overrides agree with the stack: the template
 * file `cdk synth` writes, the outputs the script reads, and variables the functions declare (SAM overrides
 * only declared ones).
 */
@Tag("cdk")
class SamLocalConfigTest {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void samconfig_readsTheSynthesizedTemplate_andTheGeneratedOverrides() throws IOException {
        String samconfig = Files.readString(REPO.resolve("samconfig.toml"));
        List<String> templates = matches(samconfig, "template_file = \"([^\"]+)\"");
        List<String> envFiles = matches(samconfig, "env_vars = \"([^\"]+)\"");
        assertThat(templates).hasSize(2).containsOnly("infra-cdk/cdk.out/PicPeakStack.template.json");
        assertThat(envFiles).hasSize(2).containsOnly("infra-cdk/cdk.out/sam-env.json");
        assertThat(Files.readString(REPO.resolve("infra-cdk/sam/env-from-stack.sh"))).contains("cdk.out/sam-env.json");
    }

    @Test
    void overrideScript_readsOutputsTheStackHas_andSetsVariablesTheFunctionsDeclare() throws IOException {
        String script = Files.readString(REPO.resolve("infra-cdk/sam/env-from-stack.sh"));
        Synth synth = Synth.of(Map.of("snapStart", "false"));

        Set<String> outputs = new HashSet<>();
        synth.json.path("Outputs").fieldNames().forEachRemaining(outputs::add);
        assertThat(matches(script, "\\$\\(output (\\w+)\\)")).hasSize(5).allMatch(outputs::contains);

        Set<String> declared = new HashSet<>();
        synth.resourcesOfType("AWS::Lambda::Function").values().forEach(fn ->
                fn.path("Properties").path("Environment").path("Variables").fieldNames().forEachRemaining(declared::add));
        assertThat(matches(script, "\"(\\w+)\": \"")).hasSize(5).allMatch(declared::contains);
    }

    private static List<String> matches(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
