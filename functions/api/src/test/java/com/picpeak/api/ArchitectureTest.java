package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dependency rules of ARCHITECTURE.md, checked on the compiled classes of {@code shared} (its main classes only:
 * they are read from where {@link PicPeakRuntime} was loaded, so shared's test jar on this classpath is not mixed
 * in). Packages of shared form no cycles; shared holds no Spring, servlet or Lambda types; and nothing in shared
 * reaches into the function modules, which depend on shared and never the other way.
 */
class ArchitectureTest {
    private static JavaClasses shared;

    @BeforeAll
    static void importShared() throws URISyntaxException {
        Location mainClasses = Location.of(PicPeakRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        shared = new ClassFileImporter().importLocations(Set.of(mainClasses));
        // a rule over an empty import passes vacuously: make sure the shared classes were really read
        assertThat(shared.contain(PicPeakRuntime.class)).isTrue();
        assertThat(shared.stream().map(c -> c.getPackageName()).distinct().count()).isGreaterThan(10);
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
                .should().dependOnClassesThat().resideInAnyPackage("com.picpeak.archive..", "com.picpeak.zip..",
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
