package com.picpeak.app;

import com.picpeak.storage.ConfigException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the admin token comes from: ADMIN_TOKEN, else the Secrets Manager secret ADMIN_TOKEN_SECRET_ARN names. */
class AdminTokenConfigTest {
    static final String ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:picpeak/admin-token-AbC123";
    static final String SECRET_VALUE = "0123456789abcdef0123456789abcdef";

    @Test
    void serverlessStart_withNeitherVariable_isRefused_namingBoth() {
        assertThatThrownBy(() -> PicPeakRuntime.start(PicPeakRuntime.Shape.SERVERLESS, Map.of(), null, null))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.variable()).isEqualTo("ADMIN_TOKEN");
                            assertThat(p.message()).contains("ADMIN_TOKEN_SECRET_ARN", "Secrets Manager");
                        }));
    }

    @Test
    void aSecretArnThatIsNoArn_isRefused_withTheOtherProblems() {
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of("ADMIN_TOKEN_SECRET_ARN", "picpeak/admin-token",
                "PORT", "http")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigException.Problem::variable)
                        .containsExactlyInAnyOrder("ADMIN_TOKEN_SECRET_ARN", "PORT"))
                .hasMessageContaining("'picpeak/admin-token' is not the ARN of a Secrets Manager secret");
    }

    @Test
    void adminTokenVariable_wins_andTheSecretIsNotRead() {
        List<String> reads = new ArrayList<>();
        AppConfig config = AppConfig.fromEnv(Map.of("ADMIN_TOKEN", "local-token-0123456789", "ADMIN_TOKEN_SECRET_ARN", ARN));

        assertThat(config.resolveAdminToken(arn -> { reads.add(arn); return SECRET_VALUE; }))
                .contains("local-token-0123456789");
        assertThat(reads).isEmpty();
    }

    @Test
    void withOnlyTheArn_theSecretsValueIsTheToken_readOnce() {
        List<String> reads = new ArrayList<>();
        AppConfig config = AppConfig.fromEnv(Map.of("ADMIN_TOKEN_SECRET_ARN", ARN));

        assertThat(config.resolveAdminToken(arn -> { reads.add(arn); return SECRET_VALUE + "\n"; })).contains(SECRET_VALUE);
        assertThat(reads).containsExactly(ARN);
        assertThat(AppConfig.fromEnv(Map.of()).resolveAdminToken(arn -> SECRET_VALUE)).isEqualTo(Optional.empty());
    }

    @Test
    void aSecretShorterThanAToken_isRefused_namingTheArnVariable() {
        AppConfig config = AppConfig.fromEnv(Map.of("ADMIN_TOKEN_SECRET_ARN", ARN));

        assertThatThrownBy(() -> config.resolveAdminToken(arn -> "tiny-secret"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .extracting(ConfigException.Problem::variable).isEqualTo("ADMIN_TOKEN_SECRET_ARN"))
                .hasMessageContaining("shorter than 16 characters")
                .hasMessageNotContaining("tiny-secret");
    }

    @Test
    void anUnreachableSecretsManager_isAConfigurationError_namingTheArnVariable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (SecretsManagerClient client = SecretsManagerClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))
                .build()) {
            assertThatThrownBy(() -> AwsClients.readSecret(client, ARN))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                            .extracting(ConfigException.Problem::variable).isEqualTo("ADMIN_TOKEN_SECRET_ARN"))
                    .hasMessageContaining("could not be read")
                    .hasMessageContaining("secretsmanager:GetSecretValue");
        }
    }
}
