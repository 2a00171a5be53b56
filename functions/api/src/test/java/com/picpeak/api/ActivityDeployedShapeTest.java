package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The activity report through the stack as deployed ({@link DeployedShape}): the Gallery function counts a download
 * and the view beacon (its batched read of photo keys included), the Admin function reads the report, each under its
 * own role, with no call refused.
 */
class ActivityDeployedShapeTest extends DeployedShapeTest {
    @Test
    void aDownloadAndTheBeacon_areCountedByTheGalleryFunction_andReportedByTheAdminFunction() throws Exception {
        DeployedShape.HttpAnswer created = aws.http("POST", "/api/admin/events", ADMIN,
                "{\"slug\":\"activity-deployed\",\"title\":\"Activity\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Multipart form = new Multipart().file("a.jpg", TestImages.jpeg(TestImages.noisyHalves(800, 600, 81)))
                .file("b.jpg", TestImages.jpeg(TestImages.noisyHalves(800, 600, 82)));
        DeployedShape.HttpAnswer uploaded = aws.http("POST", "/api/admin/events/activity-deployed/photos", Map.of(
                "authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type", form.contentType()), form.body());
        assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(201);
        JsonNode photos = aws.http("GET", "/api/gallery/activity-deployed/photos").json().get("photos");

        DeployedShape.HttpAnswer one = aws.http("GET", photos.get(0).get("downloadUrl").asText());
        assertThat(one.status()).as(one.text()).isIn(200, 302);
        DeployedShape.HttpAnswer beacon = aws.http("POST", "/api/gallery/activity-deployed/activity",
                Map.of("content-type", "application/json"), ("{\"views\":[\"" + photos.get(0).get("id").asText() + "\",\""
                        + photos.get(1).get("id").asText() + "\",\"unknown\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(beacon.status()).as(beacon.text()).isEqualTo(202);
        assertThat(beacon.json().get("counted").asInt()).isEqualTo(2);

        DeployedShape.HttpAnswer report = aws.http("GET", "/api/admin/events/activity-deployed/activity", ADMIN, null);
        assertThat(report.status()).as(report.text()).isEqualTo(200);
        assertThat(report.json().get("totals").get("downloads").asLong()).isEqualTo(1);
        assertThat(report.json().get("totals").get("views").asLong()).isEqualTo(2);
        DeployedShape.HttpAnswer csv = aws.http("GET", "/api/admin/events/activity-deployed/activity?format=csv", ADMIN, null);
        assertThat(csv.status()).as(csv.text()).isEqualTo(200);
        assertThat(csv.text()).startsWith("hour,downloader,name,photo_id,views,downloads,archives,archive_photos");
        assertThat(DeployedRoles.denials()).isEmpty();
    }
}
