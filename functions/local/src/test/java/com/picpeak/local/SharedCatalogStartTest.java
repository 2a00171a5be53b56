package com.picpeak.local;

import com.picpeak.storage.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code serve} refuses with {@code PICPEAK_CATALOG=dynamodb}, and how it says so. */
class SharedCatalogStartTest {

    @Test
    void aSharedCatalog_withoutAnAdminToken_isRefused_namingTheVariable(@TempDir Path dataDir) {
        Map<String, String> env = Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", "0", "PICPEAK_CATALOG", "dynamodb",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9", "AWS_REGION", "us-east-1");
        assertThatThrownBy(() -> LocalServer.start(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ADMIN_TOKEN").hasMessageContaining("PICPEAK_CATALOG=dynamodb");
        assertThat(dataDir.resolve(LocalServer.TOKEN_FILE)).as("no token generated for this instance alone").doesNotExist();
    }

    @Test
    void anUnreachableSharedCatalog_stopsServe_withTheCause(@TempDir Path dataDir) {
        int closedPort = DynamoDbLocalServer.freePort(); // nothing listens there
        Map<String, String> env = Map.of("PICPEAK_DATA", dataDir.toString(), "PORT", "0", "PICPEAK_CATALOG", "dynamodb",
                "ADMIN_TOKEN", "shared-catalog-start-test-token", "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:" + closedPort,
                "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "y");
        StringWriter err = new StringWriter();
        int exit = new PicPeakCli(env).execute(new String[]{"serve"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(exit).isEqualTo(CheckCommand.CHECK_FAILED);
        assertThat(err.toString()).contains("catalog unreachable")
                .contains("DynamoDB table 'picpeak' at http://127.0.0.1:" + closedPort)
                .contains("AWS_ENDPOINT_URL_DYNAMODB");
    }

    @Test
    void anUnknownCatalogKind_isRefused_sayingWhatIsAccepted(@TempDir Path dataDir) {
        Map<String, String> env = Map.of("PICPEAK_DATA", dataDir.toString(), "PICPEAK_CATALOG", "postgres");
        assertThatThrownBy(() -> LocalServer.start(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("PICPEAK_CATALOG").hasMessageContaining("'postgres' is neither 'embedded'");
    }
}
