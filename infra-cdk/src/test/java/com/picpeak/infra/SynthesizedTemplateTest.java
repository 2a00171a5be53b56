package com.picpeak.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The template of the default configuration and the one with the poller, written for reviewers (target/synth/ on
 * every build, and the committed copies infra-cdk/synth/PicPeakStack.template.json and
 * PicPeakStack-autoImport.template.json, which must stay equal to them), and the
 * deployment package checked against the handlers the template names.
 */
@Tag("cdk")
class SynthesizedTemplateTest {
    /** Set (-Dpicpeak.template.update=true) to refresh the committed copy after a deliberate change. */
    static final String UPDATE = "picpeak.template.update";
    /** The committed copy of the template with the poller, beside the default one. */
    static final String AUTO_IMPORT_TEMPLATE = "PicPeakStack-autoImport.template.json";

    @Test
    void committedTemplate_isTheTemplateOfTheDefaultConfiguration() throws IOException {
        checkCommittedCopy(Synth.defaults(), "PicPeakStack.template.json");
    }

    /** The stack with the poller (autoImport=true): the deployed-shape harness runs the poller under its role from it. */
    @Test
    void committedAutoImportTemplate_isTheTemplateWithAutoImport() throws IOException {
        checkCommittedCopy(Synth.of(Map.of("autoImport", "true")), AUTO_IMPORT_TEMPLATE);
    }

    private static void checkCommittedCopy(Synth synth, String fileName) throws IOException {
        String current = readable(synth.json);
        Path out = Path.of(System.getProperty("picpeak.template.out")).resolveSibling(fileName);
        Files.createDirectories(out.getParent());
        Files.writeString(out, current, StandardCharsets.UTF_8);

        Path committed = Path.of(System.getProperty("picpeak.template.copy")).resolveSibling(fileName);
        if (Boolean.getBoolean(UPDATE)) {
            Files.writeString(committed, current, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(committed) ? Files.readString(committed, StandardCharsets.UTF_8) : "")
                .as(committed + " differs from the synthesized template (" + out + "): after a deliberate change "
                        + "refresh it with mvn -B -q -pl infra-cdk verify -D" + UPDATE + "=true, and review the diff")
                .isEqualTo(current);
    }

    @Test
    void apiPackage_holdsEveryHandlerTheTemplateNames() throws IOException {
        Set<String> classes = classesIn(Path.of(System.getProperty(FunctionPackages.API_PACKAGE)));
        Set<String> handlers = new HashSet<>();
        Synth.defaults().resourcesOfType("AWS::Lambda::Function").values().forEach(fn ->
                handlers.add(fn.path("Properties").path("Handler").asText().split("::")[0]));
        assertThat(handlers).containsExactlyInAnyOrder("com.picpeak.api.lambda.GalleryHandler",
                "com.picpeak.api.lambda.DownloadHandler", "com.picpeak.api.lambda.UploadHandler",
                "com.picpeak.api.lambda.AdminHandler", "com.picpeak.api.lambda.JobWorkerHandler",
                "com.picpeak.api.lambda.ArchiveSweepHandler", "com.picpeak.api.lambda.StorageEventsHandler");
        assertThat(classes).containsAll(handlers);
    }

    @Test
    void pollerPackage_holdsThePollerHandler() throws IOException {
        Set<String> classes = classesIn(Path.of(System.getProperty(FunctionPackages.POLLER_PACKAGE)));
        String handler = Synth.of(Map.of("autoImport", "true")).resourcesOfType("AWS::Lambda::Function")
                .values().stream().map(fn -> fn.path("Properties").path("Handler").asText().split("::")[0])
                .filter(name -> name.contains("Poller")).findFirst().orElseThrow();
        assertThat(classes).contains(handler, "com.picpeak.autoimport.PrefixWalker");
    }

    /**
     * The template without what changes on every build: the package's content hash (asset key, staging
     * path, and the logical ids of the published versions, which include it).
     */
    static String readable(JsonNode template) throws IOException {
        String json = Synth.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(template);
        return json.replaceAll("[0-9a-f]{64}", "<package-hash>")
                .replaceAll("(CurrentVersion)[0-9A-F]{8}[0-9a-f]{32}", "$1<package-hash>") + "\n";
    }

    /** Class names in the jars under lib/ of a Lambda zip. */
    private static Set<String> classesIn(Path zip) throws IOException {
        Set<String> classes = new HashSet<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : Collections.list(file.entries())) {
                if (!entry.getName().startsWith("lib/") || !entry.getName().endsWith(".jar")) {
                    continue;
                }
                try (InputStream in = file.getInputStream(entry); JarInputStream jar = new JarInputStream(in)) {
                    for (JarEntry e = jar.getNextJarEntry(); e != null; e = jar.getNextJarEntry()) {
                        if (e.getName().endsWith(".class")) {
                            classes.add(e.getName().replace('/', '.').substring(0, e.getName().length() - 6));
                        }
                    }
                }
            }
        }
        return classes;
    }
}
