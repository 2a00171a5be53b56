package com.picpeak.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind the stack's CloudFront every request reaches API Gateway from a CloudFront address (issue 32, item 5):
 * through the distribution of the committed template (its origin request policies and its origin header, the
 * generated origin secret), wrong passwords are counted per viewer (CloudFront-Viewer-Address), so one guesser
 * holds back no other guest at the same edge; sent straight to the API, a viewer address of the client's own
 * making (with or without a made-up secret) counts for nothing: the client is API Gateway's source address.
 * Default policy: 5 free wrong passwords, the 6th starts a wait.
 */
class ViewerAddressDeployedShapeTest extends DeployedShapeTest {
    static final Map<String, String> JSON = Map.of("content-type", "application/json");

    @Test
    void throughTheCdn_wrongPasswordsCountPerViewer_soAGuesserHoldsBackNoOtherGuestAtTheSameEdge() throws Exception {
        createEvent("viewers", "\"password\":\"viewers-password\"");
        DeployedCdn cdn = aws.cdn();
        String guesser = "198.51.100.31:40001";

        for (int i = 1; i <= 5; i++) {
            DeployedShape.HttpAnswer wrong = signIn(cdn, "viewers", "guess-" + i, guesser);
            assertThat(wrong.status()).as(wrong.text()).isEqualTo(401);
            assertThat(wrong.text()).doesNotContain("next try in");
        }
        DeployedShape.HttpAnswer sixth = signIn(cdn, "viewers", "guess-6", guesser);
        assertThat(sixth.status()).isEqualTo(401);
        assertThat(sixth.text()).as("the guesser's own count").contains("next try in 1 s");

        // another viewer behind the same CloudFront edge (and API Gateway source address) has a count of its own
        DeployedShape.HttpAnswer other = signIn(cdn, "viewers", "typo-once", "203.0.113.77:50000");
        assertThat(other.status()).isEqualTo(401);
        assertThat(other.text()).doesNotContain("next try in");
        DeployedShape.HttpAnswer in = signIn(cdn, "viewers", "viewers-password", "[2001:db8:77::5]:443");
        assertThat(in.status()).as(in.text()).isEqualTo(200);
        // a viewer who writes the headers itself changes nothing: CloudFront sends its own of both
        DeployedShape.HttpAnswer forged = cdn.request("POST", "/api/gallery/viewers/auth", Map.of("content-type",
                        "application/json", "CloudFront-Viewer-Address", "192.0.2.200:1", "X-PicPeak-Origin-Secret", "guess"),
                "{\"password\":\"guess-7\"}".getBytes(StandardCharsets.UTF_8), guesser);
        // still the guesser: held back (429), or, if its second has passed, its 7th wrong password (a 2 s wait)
        assertThat(forged.status() == 429 || forged.text().contains("next try in 2 s")).as(forged.text()).isTrue();
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    @Test
    void straightToTheApi_aViewerAddressOfTheClientsOwnMaking_countsForNothing() throws Exception {
        createEvent("no-cdn", "\"password\":\"no-cdn-password\"");
        for (int i = 1; i <= 6; i++) {
            // a new "viewer" each time, with and without a made-up secret: every one is API Gateway's source address
            Map<String, String> headers = Map.of("content-type", "application/json",
                    "cloudfront-viewer-address", "198.51.100." + (40 + i) + ":443",
                    "x-picpeak-origin-secret", i % 2 == 0 ? "not-the-secret-but-long-enough-0123456789" : "");
            DeployedShape.HttpAnswer wrong = aws.http("POST", "/api/gallery/no-cdn/auth", headers,
                    ("{\"password\":\"guess-" + i + "\"}").getBytes(StandardCharsets.UTF_8));
            assertThat(wrong.status()).as(wrong.text()).isEqualTo(401);
            if (i < 6) {
                assertThat(wrong.text()).doesNotContain("next try in");
            } else {
                assertThat(wrong.text()).as("one client, counted six times").contains("next try in 1 s");
            }
        }
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    private static DeployedShape.HttpAnswer signIn(DeployedCdn cdn, String slug, String password, String viewer)
            throws Exception {
        return cdn.request("POST", "/api/gallery/" + slug + "/auth", JSON,
                ("{\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8), viewer);
    }
}
