package com.picpeak.api;

import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scoped API tokens through the stack as deployed ({@link DeployedShape}): the Admin function creates, lists and
 * revokes them; the Gallery and Download functions accept them (and record each use) under their own roles.
 */
class ApiTokensDeployedShapeTest extends DeployedShapeTest {
    @Test
    void aTokenCreatedByTheAdminFunction_opensTheGuestFunctions_untilItIsRevoked() throws Exception {
        DeployedShape.HttpAnswer created = aws.http("POST", "/api/admin/events", ADMIN,
                "{\"slug\":\"token-deployed\",\"title\":\"Token\",\"password\":\"secret-words\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Multipart form = new Multipart().file("a.jpg", TestImages.jpeg(TestImages.noisyHalves(320, 240, 81)));
        assertThat(aws.http("POST", "/api/admin/events/token-deployed/photos", Map.of("authorization", "Bearer "
                + TestRuntimes.ADMIN_TOKEN, "content-type", form.contentType()), form.body()).status()).isEqualTo(201);

        DeployedShape.HttpAnswer token = aws.http("POST", "/api/admin/tokens", ADMIN, ("{\"name\":\"bot\",\"events\":"
                + "[\"token-deployed\"],\"scopes\":[\"list\",\"download\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(token.status()).as(token.text()).isEqualTo(201);
        Map<String, String> bearer = Map.of("authorization", "Bearer " + token.json().get("token").asText());
        assertThat(aws.http("GET", "/api/admin/tokens", ADMIN, null).status()).isEqualTo(200);

        DeployedShape.HttpAnswer listing = aws.http("GET", "/api/gallery/token-deployed/photos", bearer, null);
        assertThat(listing.status()).as(listing.text()).isEqualTo(200);
        String download = listing.json().get("photos").get(0).get("downloadUrl").asText();
        assertThat(aws.http("GET", download, bearer, null).status()).isIn(200, 302);
        assertThat(aws.http("GET", "/gallery/token-deployed/download-all", bearer, null).status()).isIn(200, 202);

        String id = token.json().get("id").asText();
        assertThat(aws.http("GET", "/api/admin/tokens/" + id + "/uses", ADMIN, null).json().get("uses").size())
                .isGreaterThanOrEqualTo(3);
        assertThat(aws.http("DELETE", "/api/admin/tokens/" + id, ADMIN, null).status()).isEqualTo(204);
        assertThat(aws.http("GET", "/api/gallery/token-deployed/photos", bearer, null).status()).isEqualTo(401);
        assertThat(DeployedRoles.denials()).isEmpty();
    }
}
