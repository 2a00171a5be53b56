package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dependency rules of ARCHITECTURE.md, checked on the compiled classes of {@code shared} (its main classes only:
 * they are read from where {@link PicPeakRuntime} was loaded, so shared's test jar on this classpath is not mixed
 * in). The floors (rule 3) are read from ARCHITECTURE.md itself, its table of what each package of shared may
 * import, and checked as one layered rule, so the map and this test cannot drift; the probes (classes of this
 * module's test sources in {@code com.picpeak.*.probe} that import what the table forbids) show the rule catches a
 * forbidden import. Besides: no cycles; no Spring, servlet or Lambda types in shared; nothing in shared reaches
 * into the function modules; the named back-edges of rule 4.
 */
class ArchitectureTest {
    static final Path MAP = Path.of("../../ARCHITECTURE.md");
    private static JavaClasses shared;
    private static String map;
    private static List<Floor> floors;

    /** One line of the map's table: a package of shared and the packages it may import (the open ones included). */
    record Floor(String name, Set<String> mayImport) {
    }

    @BeforeAll
    static void importShared() throws URISyntaxException, IOException {
        Location mainClasses = Location.of(PicPeakRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        shared = new ClassFileImporter().importLocations(Set.of(mainClasses));
        // a rule over an empty import passes vacuously: make sure the shared classes were really read
        assertThat(shared.contain(PicPeakRuntime.class)).isTrue();
        assertThat(shared.stream().map(c -> c.getPackageName()).distinct().count()).isGreaterThan(10);
        map = Files.readString(MAP);
        floors = floors(map);
    }

    /**
     * The table of rule 3 in ARCHITECTURE.md, in its order: each row names a package and what it may import
     * (package names in backticks; "every package above": all before it; "nothing of ours": none, not even the
     * open ones; "open": every package after it may import this one).
     */
    static List<Floor> floors(String map) {
        String section = between(map, "3. The packages of `shared` form no cycle", "\n4. ");
        Pattern row = Pattern.compile("(?m)^\\s*\\| `([a-z]+)` \\| (.*) \\|\\s*$");
        Pattern name = Pattern.compile("`([a-z]+)`");
        List<Floor> result = new ArrayList<>();
        Set<String> above = new LinkedHashSet<>();
        Set<String> open = new LinkedHashSet<>();
        Matcher m = row.matcher(section);
        while (m.find()) {
            String pkg = m.group(1);
            String cell = m.group(2);
            Set<String> may = new LinkedHashSet<>();
            if (cell.contains("every package above")) {
                may.addAll(above);
            } else if (!cell.contains("nothing of ours")) {
                may.addAll(open);
                Matcher n = name.matcher(cell);
                while (n.find()) {
                    may.add(n.group(1));
                }
            }
            if (cell.contains("open")) {
                open.add(pkg);
            }
            result.add(new Floor(pkg, may));
            above.add(pkg);
        }
        assertThat(result).as("the table of rule 3 in ARCHITECTURE.md").hasSizeGreaterThan(10);
        return result;
    }

    /** The packages of the table "Packages of shared" in ARCHITECTURE.md, in its order. */
    static List<String> packageTable(String map) {
        String section = between(map, "### Packages of `shared`", "\n## ");
        Matcher m = Pattern.compile("(?m)^\\| `([a-z]+)` \\|").matcher(section);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("ARCHITECTURE.md has %s", start).isNotNegative();
        int to = text.indexOf(end, from + start.length());
        return text.substring(from, to < 0 ? text.length() : to);
    }

    /** Rule 3 as one layered rule: a layer per package of shared, each accessing only the layers its row names. */
    static LayeredArchitecture floorsRule(List<Floor> floors) {
        LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true);
        for (Floor floor : floors) {
            rule = rule.layer(floor.name()).definedBy("com.picpeak." + floor.name() + "..");
        }
        for (Floor floor : floors) {
            rule = floor.mayImport().isEmpty()
                    ? rule.whereLayer(floor.name()).mayNotAccessAnyLayer()
                    : rule.whereLayer(floor.name()).mayOnlyAccessLayers(floor.mayImport().toArray(String[]::new));
        }
        return rule;
    }

    @Test
    void theMapNamesEveryPackageOnceAndOnlyEarlierOnes() {
        List<String> order = floors.stream().map(Floor::name).toList();
        assertThat(order).as("rule 3's table lists the packages in the order of the package table")
                .isEqualTo(packageTable(map));
        Set<String> inCode = new TreeSet<>();
        shared.stream().map(c -> c.getPackageName())
                .filter(p -> p.startsWith("com.picpeak."))
                .forEach(p -> inCode.add(p.substring("com.picpeak.".length()).split("\\.")[0]));
        assertThat(new TreeSet<>(order)).as("every package of shared is on the map, and only those").isEqualTo(inCode);
        for (int i = 0; i < floors.size(); i++) {
            assertThat(order.subList(0, i)).as("%s imports only packages listed before it", order.get(i))
                    .containsAll(floors.get(i).mayImport());
        }
    }

    @Test
    void eachPackageImportsOnlyWhatTheMapAllows() {
        floorsRule(floors).withOptionalLayers(false)
                .because("ARCHITECTURE.md rule 3: each package of shared imports only what its line names")
                .check(shared);
    }

    /**
     * The test of the test: the probes import what the map forbids, and the same rule, over shared and the probes,
     * reports each of them and nothing else.
     */
    @Test
    void theFloorsRuleReportsEveryProbe() {
        JavaClasses probes = new ClassFileImporter().importPackages(
                "com.picpeak.storage.probe", "com.picpeak.zip.probe", "com.picpeak.gallery.probe");
        assertThat(probes).hasSize(3);
        EvaluationResult result = floorsRule(floors).evaluate(probes);
        List<String> details = result.getFailureReport().getDetails();
        assertThat(details).anyMatch(d -> d.contains("StorageReadsTheCatalog") && d.contains("com.picpeak.catalog.Catalog"));
        assertThat(details).anyMatch(d -> d.contains("ZipKnowsAutoImport") && d.contains("com.picpeak.autoimport.AutoImportState"));
        assertThat(details).anyMatch(d -> d.contains("GalleryImports") && d.contains("com.picpeak.ingest.ImportService"));
        assertThat(details).allMatch(d -> d.contains(".probe."));
    }

    @Test
    void sharedPackagesFormNoCycles() {
        slices().matching("com.picpeak.(*)..").should().beFreeOfCycles().check(shared);
    }

    @Test
    void mediaDoesNotReadTheCatalog() {
        noClasses().that().resideInAPackage("com.picpeak.media..")
                .should().dependOnClassesThat().resideInAPackage("com.picpeak.catalog..")
                .because("rendering is told what it needs of an event (GalleryLook), it does not read the catalog")
                .check(shared);
    }

    @Test
    void protectDoesNotBuildOnDownloadAllOrArchiving() {
        noClasses().that().resideInAPackage("com.picpeak.protect..")
                .should().dependOnClassesThat().resideInAnyPackage("com.picpeak.zip..",
                        "com.picpeak.downloadall..", "com.picpeak.eventarchive..")
                .because("image protection serves single images; Download All and archiving build on it, not under it")
                .check(shared);
    }

    @Test
    void theZipMachineryBuildsOnNeitherOfItsUsers() {
        noClasses().that().resideInAPackage("com.picpeak.zip..")
                .should().dependOnClassesThat().resideInAnyPackage("com.picpeak.downloadall..",
                        "com.picpeak.eventarchive..", "com.picpeak.gallery..", "com.picpeak.protect..")
                .because("zip plans, renders and builds archives for Download All and for archiving alike")
                .check(shared);
        noClasses().that().resideInAPackage("com.picpeak.eventarchive..")
                .should().dependOnClassesThat().resideInAPackage("com.picpeak.downloadall..")
                .because("archiving an event uses the zip machinery, not Download All")
                .check(shared);
    }

    @Test
    void onlyTheWiringNamesTheDynamoCatalog() {
        noClasses().that().resideOutsideOfPackage("com.picpeak.catalog..").and().resideOutsideOfPackage("com.picpeak.app..")
                .should().dependOnClassesThat().haveSimpleName("DynamoCatalog")
                .because("the domain speaks to the Catalog port; only the wiring (app) picks the DynamoDB adapter")
                .check(shared);
    }

    @Test
    void sharedHoldsNoSpringServletOrLambdaTypes() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "jakarta.servlet..", "javax.servlet..",
                        "com.amazonaws.services.lambda..", "com.amazonaws.serverless..")
                .because("shared is the domain core both shapes run: framework types stay in functions/")
                .check(shared);
    }

    @Test
    void sharedNeverDependsOnTheFunctions() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "com.picpeak.api..", "com.picpeak.local..", "com.picpeak.poller..", "com.picpeak.infra..")
                .because("the functions and the CDK app depend on shared, never the other way")
                .check(shared);
    }
}
