package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guest identity, favourites and the photographer's selections through the stack as deployed ({@link DeployedShape}):
 * each request goes to the function the template routes it to (the guest routes to Gallery, the admin routes to
 * Admin) and every SDK call runs under that function's role, on the S3 backend. One scenario per route family;
 * each ends with no call refused.
 */
class SelectionsDeployedShapeTest extends DeployedShapeTest {
    @Test
    void theAdminMakesAGuest_whoSignsInWithTheirPin_andANewPinEndsTheirSession() throws Exception {
        createEvent("deployed-pins", "\"password\":\"family-2026\",\"guestIdentity\":\"pin\",\"favouritesLimit\":2");
        JsonNode anna = ok(aws.http("POST", "/api/admin/events/deployed-pins/guests", ADMIN, body("{\"name\":\"Anna\"}")), 201);
        DeployedShape.HttpAnswer missing = aws.http("POST", "/api/gallery/deployed-pins/auth", json(),
                body("{\"password\":\"family-2026\"}"));
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.json().get("error").asText()).isEqualTo("pin_required");
        JsonNode session = ok(aws.http("POST", "/api/gallery/deployed-pins/auth", json(),
                body("{\"password\":\"family-2026\",\"pin\":\"" + anna.get("pin").asText() + "\"}")), 200);
        assertThat(session.get("guestId").asText()).isEqualTo(anna.get("id").asText());
        Map<String, String> guest = Map.of("authorization", "Bearer " + session.get("token").asText());
        ok(aws.http("GET", "/api/gallery/deployed-pins/favourites", guest, null), 200);
        ok(aws.http("POST", "/api/admin/events/deployed-pins/guests/" + anna.get("id").asText() + "/reset-pin", ADMIN,
                null), 200);
        assertThat(aws.http("GET", "/api/gallery/deployed-pins/favourites", guest, null).status()).isEqualTo(401);
        assertThat(ok(aws.http("GET", "/api/admin/events/deployed-pins/guests", ADMIN, null), 200).get("guests"))
                .hasSize(1);
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    @Test
    void aGuestMarksUpToTheCap_andSendsTheSelection_whichTheAdminExportsAndUnlocks() throws Exception {
        createEvent("deployed-picks", "\"guestIdentity\":\"name\",\"favouritesLimit\":2");
        String[] photos = new String[3];
        for (int i = 0; i < 3; i++) {
            photos[i] = upload("deployed-picks", "pick-" + i + ".jpg", TestImages.jpeg(TestImages.noisyHalves(64, 48, 40 + i)));
        }
        JsonNode session = ok(aws.http("POST", "/api/gallery/deployed-picks/auth", json(), body("{\"name\":\"Ben\"}")), 200);
        Map<String, String> guest = Map.of("authorization", "Bearer " + session.get("token").asText(),
                "content-type", "application/json");
        ok(aws.http("PUT", "/api/gallery/deployed-picks/favourites/" + photos[0], guest, null), 200);
        ok(aws.http("PUT", "/api/gallery/deployed-picks/favourites/" + photos[1], guest, null), 200);
        DeployedShape.HttpAnswer over = aws.http("PUT", "/api/gallery/deployed-picks/favourites/" + photos[2], guest, null);
        assertThat(over.status()).as(over.text()).isEqualTo(409);
        assertThat(over.json().get("error").asText()).isEqualTo("favourites_limit");
        JsonNode sent = ok(aws.http("POST", "/api/gallery/deployed-picks/favourites/submit", guest,
                body("{\"note\":\"album\"}")), 200);
        assertThat(sent.get("state").asText()).isEqualTo("sent");
        DeployedShape.HttpAnswer locked = aws.http("DELETE", "/api/gallery/deployed-picks/favourites/" + photos[0], guest, null);
        assertThat(locked.status()).isEqualTo(409);
        assertThat(locked.json().get("error").asText()).isEqualTo("selection_submitted");

        DeployedShape.HttpAnswer txt = aws.http("GET", "/api/admin/events/deployed-picks/selections?format=txt", ADMIN, null);
        assertThat(txt.status()).as(txt.text()).isEqualTo(200);
        assertThat(txt.text().lines().toList()).containsExactly("pick-0.jpg", "pick-1.jpg");
        DeployedShape.HttpAnswer zip = aws.http("GET", "/api/admin/events/deployed-picks/selections?format=xmp", ADMIN, null);
        assertThat(zip.status()).isEqualTo(200);
        assertThat(zip.body()[0]).as("a zip, whole through the payload encoding").isEqualTo((byte) 'P');
        ok(aws.http("POST", "/api/admin/events/deployed-picks/selections/" + sent.get("selectionId").asText() + "/unlock",
                ADMIN, null), 200);
        ok(aws.http("DELETE", "/api/gallery/deployed-picks/favourites/" + photos[0], guest, null), 200);
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    private static JsonNode ok(DeployedShape.HttpAnswer answer, int status) throws Exception {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        return answer.json();
    }

    private static Map<String, String> json() {
        return Map.of("content-type", "application/json");
    }

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String upload(String slug, String name, byte[] jpeg) throws Exception {
        Multipart form = new Multipart().file(name, jpeg);
        JsonNode uploaded = ok(aws.http("POST", "/api/admin/events/" + slug + "/photos", Map.of(
                "authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type", form.contentType()), form.body()), 201);
        return uploaded.get("results").get(0).get("photo").get("id").asText();
    }
}
