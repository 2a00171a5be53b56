package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.catalog.Event;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Download limits through the stack as deployed ({@link DeployedShape}): the guest routes (Gallery and Download
 * functions) write their grants, the admin routes (Admin function) read and reset the counts, each under its own
 * role, with no call refused.
 */
class DownloadLimitsDeployedShapeTest extends DeployedShapeTest {
    @Test
    void aLimitedGallery_isCountedByTheGuestFunctions_andReadAndResetByTheAdminFunction() throws Exception {
        DeployedShape.HttpAnswer created = aws.http("POST", "/api/admin/events", ADMIN,
                "{\"slug\":\"limited-deployed\",\"title\":\"Limited\",\"downloadLimit\":2}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Multipart form = new Multipart().file("a.jpg", TestImages.jpeg(TestImages.noisyHalves(800, 600, 71)))
                .file("b.jpg", TestImages.jpeg(TestImages.noisyHalves(800, 600, 72)))
                .file("c.jpg", TestImages.jpeg(TestImages.noisyHalves(800, 600, 73)));
        DeployedShape.HttpAnswer uploaded = aws.http("POST", "/api/admin/events/limited-deployed/photos", Map.of(
                "authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type", form.contentType()), form.body());
        assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(201);
        JsonNode photos = aws.http("GET", "/api/gallery/limited-deployed/photos").json().get("photos");

        // Gallery function: one photo granted, the same again free
        for (int i = 0; i < 2; i++) {
            DeployedShape.HttpAnswer one = aws.http("GET", photos.get(0).get("downloadUrl").asText());
            assertThat(one.status()).as(one.text()).isIn(200, 302);
        }
        // Download function: the archive of three does not fit the one that remains, built or not
        assertThat(aws.http("GET", "/gallery/limited-deployed/download-all").status()).isIn(202, 403);
        aws.runJobs(() -> archive("limited-deployed").ready(), 60_000);
        DeployedShape.HttpAnswer all = aws.http("GET", "/gallery/limited-deployed/download-all");
        assertThat(all.status()).as(all.text()).isEqualTo(403);
        assertThat(all.json().get("error").asText()).isEqualTo("download_limit");
        assertThat(all.json().get("remaining").asInt()).isEqualTo(1);
        JsonNode info = aws.http("GET", "/api/gallery/limited-deployed").json();
        assertThat(info.get("downloads").get("used").asInt()).isEqualTo(1);

        // Admin function: the counts, then a reset
        DeployedShape.HttpAnswer counts = aws.http("GET", "/api/admin/events/limited-deployed/downloads", ADMIN, null);
        assertThat(counts.status()).as(counts.text()).isEqualTo(200);
        assertThat(counts.json().get("downloaders").get(0).get("used").asInt()).isEqualTo(1);
        assertThat(aws.http("DELETE", "/api/admin/events/limited-deployed/downloads", ADMIN, null).status()).isEqualTo(204);
        assertThat(aws.http("GET", "/api/gallery/limited-deployed").json().get("downloads").get("used").asInt()).isZero();
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    private static com.picpeak.downloadall.DownloadAllService.Archive archive(String slug) {
        Event event = aws.runtime.catalog().findEvent(slug).orElseThrow();
        return aws.runtime.downloadAll().current(event);
    }
}
