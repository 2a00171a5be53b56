package com.picpeak.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorageConfigTest {

    @Test
    void noVariables_meansLocalStorageUnderDotSlashData() {
        StorageConfig config = StorageConfig.fromEnv(Map.of());

        assertThat(config.backend()).isEqualTo(StorageConfig.Backend.LOCAL);
        assertThat(config.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(config.localRoot()).isEqualTo(Path.of("data", "storage").toAbsolutePath());
        assertThat(config.s3()).isEmpty();
        assertThat(config.autoImport()).isFalse();
        assertThat(config.autoImportInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.externalMediaRoot()).isEmpty();
        assertThat(config.describe()).isEqualTo("local root=" + config.localRoot());
    }

    @Test
    void localRoot_followsPicpeakData_unlessSetItself() {
        assertThat(StorageConfig.fromEnv(Map.of("PICPEAK_DATA", "/srv/picpeak")).localRoot())
                .isEqualTo(Path.of("/srv/picpeak/storage"));
        assertThat(StorageConfig.fromEnv(Map.of("PICPEAK_DATA", "/srv/picpeak", "STORAGE_LOCAL_ROOT", "/mnt/photos/"))
                .localRoot()).isEqualTo(Path.of("/mnt/photos"));
    }

    @Test
    void awsS3WithoutKeys_usesTheDefaultCredentialChainAndVirtualHostStyle() {
        StorageConfig config = StorageConfig.fromEnv(Map.of("STORAGE_BACKEND", "s3", "STORAGE_S3_BUCKET", "photos",
                "STORAGE_S3_REGION", "eu-central-1"));

        StorageConfig.S3Settings s3 = config.s3().orElseThrow();
        assertThat(s3.bucket()).isEqualTo("photos");
        assertThat(s3.region()).isEqualTo("eu-central-1");
        assertThat(s3.accessKey()).isEmpty();
        assertThat(s3.secretKey()).isEmpty();
        assertThat(s3.endpoint()).isEmpty();
        assertThat(s3.forcePathStyle()).isFalse();
        assertThat(s3.prefix()).isEmpty();
        assertThat(config.describe()).isEqualTo("s3 bucket=photos prefix=(none) endpoint=(aws) region=eu-central-1");
    }

    @Test
    void endpointWithoutScheme_getsHttpsUnlessSslIsOff_andTurnsOnPathStyle() {
        Map<String, String> env = new HashMap<>(Map.of("STORAGE_BACKEND", "S3", "STORAGE_S3_BUCKET", "photos",
                "STORAGE_S3_ENDPOINT", "minio.local:9000"));
        StorageConfig.S3Settings secure = StorageConfig.fromEnv(env).s3().orElseThrow();
        assertThat(secure.endpoint()).contains(URI.create("https://minio.local:9000"));
        assertThat(secure.forcePathStyle()).isTrue();

        env.put("STORAGE_S3_SSL", "false");
        assertThat(StorageConfig.fromEnv(env).s3().orElseThrow().endpoint())
                .contains(URI.create("http://minio.local:9000"));

        env.put("STORAGE_S3_FORCE_PATH_STYLE", "false");
        assertThat(StorageConfig.fromEnv(env).s3().orElseThrow().forcePathStyle()).isFalse();
    }

    @Test
    void r2Settings_withRegionAuto_areAccepted() {
        StorageConfig.S3Settings s3 = StorageConfig.fromEnv(Map.of("STORAGE_BACKEND", "s3",
                "STORAGE_S3_BUCKET", "picpeak", "STORAGE_S3_REGION", "auto",
                "STORAGE_S3_ENDPOINT", "https://abc123.r2.cloudflarestorage.com",
                "STORAGE_S3_ACCESS_KEY", "id", "STORAGE_S3_SECRET_KEY", "secret")).s3().orElseThrow();

        assertThat(s3.region()).isEqualTo("auto");
        assertThat(s3.accessKey()).contains("id");
        assertThat(s3.toString()).doesNotContain("secret");
    }

    @Test
    void prefix_isNormalisedWithoutLeadingOrTrailingSlashes() {
        assertThat(s3WithPrefix("/studio/photos/").prefix()).isEqualTo("studio/photos");
        assertThat(s3WithPrefix("picpeak").prefix()).isEqualTo("picpeak");
        assertThat(s3WithPrefix("///").prefix()).isEmpty();
    }

    @Test
    void autoImportFlagAndInterval_areParsed(@TempDir Path external) {
        StorageConfig config = StorageConfig.fromEnv(Map.of("STORAGE_AUTO_IMPORT", "true",
                "STORAGE_AUTO_IMPORT_INTERVAL_MS", "5000", "EXTERNAL_MEDIA_ROOT", external.toString()));

        assertThat(config.autoImport()).isTrue();
        assertThat(config.autoImportInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.externalMediaRoot()).contains(external.toAbsolutePath());
    }

    @Test
    void everyProblem_isReportedAtOnce_namingVariableValueAndFix_butNeverTheSecret() {
        Map<String, String> env = Map.of(
                "STORAGE_BACKEND", "s3",
                "STORAGE_S3_SECRET_KEY", "super-secret-value",
                "STORAGE_S3_REGION", "EU West",
                "STORAGE_S3_ENDPOINT", "ftp://minio:9000",
                "STORAGE_S3_PREFIX", "a/../b",
                "STORAGE_S3_FORCE_PATH_STYLE", "maybe",
                "STORAGE_AUTO_IMPORT_INTERVAL_MS", "1000",
                "EXTERNAL_MEDIA_ROOT", "/definitely/not/here");

        assertThatThrownBy(() -> StorageConfig.fromEnv(env))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).extracting(ConfigException.Problem::variable).containsExactlyInAnyOrder(
                            "STORAGE_S3_BUCKET", "STORAGE_S3_REGION", "STORAGE_S3_ACCESS_KEY", "STORAGE_S3_ENDPOINT",
                            "STORAGE_S3_PREFIX", "STORAGE_S3_FORCE_PATH_STYLE", "STORAGE_AUTO_IMPORT_INTERVAL_MS",
                            "EXTERNAL_MEDIA_ROOT");
                    assertThat(e.getMessage())
                            .contains("STORAGE_S3_BUCKET is required when STORAGE_BACKEND=s3")
                            .contains("STORAGE_S3_ACCESS_KEY is missing while STORAGE_S3_SECRET_KEY is set")
                            .contains("'EU West'").contains("'ftp://minio:9000'").contains("'maybe'")
                            .contains("'1000' is not a whole number of at least 5000")
                            .doesNotContain("super-secret-value");
                });
    }

    @Test
    void unknownBackend_refusesToStart() {
        assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("STORAGE_BACKEND", "ftp")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STORAGE_BACKEND 'ftp' is not a storage backend: set it to 'local' or 's3'");
    }

    @Test
    void commonEndpointAndBucketMistakes_areExplained() {
        assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("STORAGE_BACKEND", "s3",
                "STORAGE_S3_BUCKET", "s3://photos/studio")))
                .hasMessageContaining("must be a bare bucket name").hasMessageContaining("STORAGE_S3_PREFIX");
        assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("STORAGE_BACKEND", "s3",
                "STORAGE_S3_BUCKET", "photos", "STORAGE_S3_ENDPOINT", "https://minio:9000/photos")))
                .hasMessageContaining("must not contain a path");
        assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("STORAGE_BACKEND", "s3",
                "STORAGE_S3_BUCKET", "photos", "STORAGE_S3_REGION", "auto")))
                .hasMessageContaining("'auto' only works with an endpoint");
        assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("STORAGE_BACKEND", "s3",
                "STORAGE_S3_BUCKET", "photos", "STORAGE_S3_ENDPOINT", "https://minio:9000", "STORAGE_S3_SSL", "false")))
                .hasMessageContaining("STORAGE_S3_SSL 'false' contradicts the scheme");
    }

    @Test
    void s3VariablesWithTheLocalBackend_areParsedForMigration_butABucketIsNotRequired() {
        assertThat(StorageConfig.fromEnv(Map.of("STORAGE_S3_BUCKET", "target")).s3())
                .map(StorageConfig.S3Settings::bucket).isEqualTo(Optional.of("target"));
        assertThat(StorageConfig.fromEnv(Map.of("STORAGE_S3_REGION", "eu-west-1")).s3()).isEmpty();
    }

    private static StorageConfig.S3Settings s3WithPrefix(String prefix) {
        return StorageConfig.fromEnv(Map.of("STORAGE_BACKEND", "s3", "STORAGE_S3_BUCKET", "photos",
                "STORAGE_S3_PREFIX", prefix)).s3().orElseThrow();
    }
}
