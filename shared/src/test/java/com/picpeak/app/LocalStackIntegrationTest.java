package com.picpeak.app;

import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.ConfigException;
import com.picpeak.testing.TestData;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The serverless shape's runtime against LocalStack: the admin token from Secrets Manager, the S3 backend's
 * start-up check and the import path on S3, the catalog on DynamoDB. Only where a Docker engine runs:
 * elsewhere JUnit reports it skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackIntegrationTest {
    static final String BUCKET = "picpeak-it";
    static final String TABLE = "picpeak-it";
    static final String PREFIX = "studio";
    static final String TOKEN = "localstack-admin-token-0123456789";

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
            .withServices(Service.S3, Service.DYNAMODB, Service.SECRETSMANAGER);

    static S3Client s3;
    static DynamoDbClient dynamo;
    static SecretsManagerClient secrets;

    @BeforeAll
    static void clients() {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
        Region region = Region.of(LOCALSTACK.getRegion());
        s3 = S3Client.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region).credentialsProvider(credentials)
                .forcePathStyle(true).build();
        dynamo = DynamoDbClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region)
                .credentialsProvider(credentials).build();
        secrets = SecretsManagerClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region)
                .credentialsProvider(credentials).build();
        s3.createBucket(b -> b.bucket(BUCKET));
        // in AWS the stack creates the table; the serverless runtime never does
        DynamoCatalog.createTableIfMissing(dynamo, TABLE);
    }

    @AfterAll
    static void close() {
        s3.close();
        dynamo.close();
        secrets.close();
    }

    private static Map<String, String> serverlessEnv(String secretArn) {
        return Map.of(
                "STORAGE_BACKEND", "s3",
                "STORAGE_S3_BUCKET", BUCKET,
                "STORAGE_S3_PREFIX", PREFIX,
                "STORAGE_S3_ENDPOINT", LOCALSTACK.getEndpoint().toString(),
                "STORAGE_S3_SSL", "false",
                "STORAGE_S3_REGION", LOCALSTACK.getRegion(),
                "STORAGE_S3_ACCESS_KEY", LOCALSTACK.getAccessKey(),
                "STORAGE_S3_SECRET_KEY", LOCALSTACK.getSecretKey(),
                "CATALOG_TABLE", TABLE,
                "ADMIN_TOKEN_SECRET_ARN", secretArn);
    }

    @Test
    void adminToken_isReadFromTheSecret_andAMissingSecretIsAConfigurationError() {
        String arn = secrets.createSecret(b -> b.name("picpeak/admin-token").secretString(TOKEN)).arn();

        AppConfig config = AppConfig.fromEnv(serverlessEnv(arn));
        assertThat(config.resolveAdminToken(secretArn -> AwsClients.readSecret(secrets, secretArn))).contains(TOKEN);

        String missing = arn.replace("admin-token", "no-such-token");
        assertThatThrownBy(() -> AwsClients.readSecret(secrets, missing))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ADMIN_TOKEN_SECRET_ARN");
    }

    @Test
    void serverlessRuntime_importsIntoTheBucketUnderItsPrefix_andCatalogsThePhoto() throws IOException {
        String arn = secrets.createSecret(b -> b.name("picpeak/runtime-token").secretString(TOKEN)).arn();
        String token = AppConfig.fromEnv(serverlessEnv(arn))
                .resolveAdminToken(secretArn -> AwsClients.readSecret(secrets, secretArn)).orElseThrow();
        byte[] jpeg = TestImages.jpeg(TestImages.noisyHalves(640, 480, 7));

        try (PicPeakRuntime runtime = PicPeakRuntime.start(PicPeakRuntime.Shape.SERVERLESS, serverlessEnv(arn), dynamo, token)) {
            assertThat(runtime.startupCheck().ok()).as(runtime.startupCheck().line()).isTrue();
            assertThat(s3.headObject(b -> b.bucket(BUCKET).key(PREFIX + "/.picpeak-sentinel")).contentLength()).isPositive();

            runtime.events().create("wedding", new EventPatch("Wedding", null, null, false, null, null, null, null));
            Photo photo = runtime.imports().importStream("wedding", "IMG_0001.JPG", new ByteArrayInputStream(jpeg),
                    PhotoSource.UPLOAD);

            assertThat(s3.headObject(b -> b.bucket(BUCKET).key(PREFIX + "/events/active/wedding/IMG_0001.JPG"))
                    .contentLength()).isEqualTo(jpeg.length);
            assertThat(s3.headObject(b -> b.bucket(BUCKET).key(PREFIX + "/" + photo.thumbnailKey())).contentType())
                    .isEqualTo("image/jpeg");
            try (BlobRead read = runtime.store().get(photo.key())) {
                assertThat(TestData.sha256(read.stream())).isEqualTo(TestData.sha256(jpeg));
            }
            assertThat(runtime.events().photos("wedding", 10, null).items()).extracting(Photo::id).containsExactly(photo.id());
            assertThat(runtime.events().list(10, null).items()).extracting(Event::slug).contains("wedding");
            assertThat(runtime.store().presignGet(photo.key(), Duration.ofSeconds(30), "IMG_0001.JPG").toString())
                    .contains(BUCKET, "X-Amz-Signature");
        }
    }
}
