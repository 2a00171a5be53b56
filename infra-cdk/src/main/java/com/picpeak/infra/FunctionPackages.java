package com.picpeak.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Lambda deployment packages the function modules build ({@code mvn package}): their paths come from
 * the Maven build of this module (system properties set in infra-cdk/pom.xml), never written here.
 */
public record FunctionPackages(Path api, Path poller) {

    public static final String API_PACKAGE = "picpeak.api.package";
    public static final String POLLER_PACKAGE = "picpeak.poller.package";

    /** The packages named by the build; a missing one is refused with the command that builds it. */
    public static FunctionPackages fromBuild(boolean pollerNeeded) {
        Path api = existing(API_PACKAGE, "functions/api");
        Path poller = pollerNeeded ? existing(POLLER_PACKAGE, "functions/poller") : path(POLLER_PACKAGE);
        return new FunctionPackages(api, poller);
    }

    private static Path existing(String property, String module) {
        Path path = path(property);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("the Lambda package " + path + " of " + module + " does not exist: build it "
                    + "first from the repository's top folder with `mvn -B -q -DskipTests package`");
        }
        return path;
    }

    private static Path path(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run the app through Maven "
                    + "(cdk.json does: mvn -q compile exec:java), which passes the package paths of the build");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }
}
