package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.api.lambda.AdminHandler;
import com.picpeak.api.lambda.DownloadHandler;
import com.picpeak.api.lambda.GalleryHandler;
import com.picpeak.api.lambda.UploadHandler;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.picpeak.api.LambdaHandlersTest.event;
import static com.picpeak.api.LambdaHandlersTest.invoke;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Download limits in the serverless shape on the S3 backend, where a download above the inline cap is a presigned
 * link that cannot be taken back: the grant comes before the link, so no link is issued beyond the limit, for one
 * photo or for Download All.
 */
class DownloadLimitsLambdaTest {
    static ServerlessTestRuntime serverless;
    static PicPeakRuntime runtime;
    static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN,
            "content-type", "application/json");

    @BeforeAll
    static void install() {
        serverless = ServerlessTestRuntime.get();
        runtime = serverless.runtime;
    }

    @Test
    void aPresignedDownloadAll_ofALimitedEvent_isNeverIssuedBeyondTheLimit() throws Exception {
        limitedEventWithLargePhotos("zip-fits", 3, 2);
        limitedEventWithLargePhotos("zip-over", 1, 2);
        for (String slug : List.of("zip-fits", "zip-over")) {
            JsonNode building = invoke(new DownloadHandler(), event("GET", "/gallery/" + slug + "/download-all", Map.of(), null));
            assertThat(building.get("statusCode").asInt()).as(building.toString()).isEqualTo(202);
            serverless.pump(() -> runtime.downloadAll().current(runtime.catalog().findEvent(slug).orElseThrow()).ready(),
                    30_000);
        }

        JsonNode fits = invoke(new DownloadHandler(), event("GET", "/gallery/zip-fits/download-all", Map.of(), null));
        assertThat(fits.get("statusCode").asInt()).as(fits.toString()).isEqualTo(302);
        assertThat(fits.get("headers").get("Location").asText()).contains("X-Amz-Signature=");
        assertThat(guestInfo("zip-fits").get("downloads").get("used").asInt()).isEqualTo(2);

        JsonNode over = invoke(new DownloadHandler(), event("GET", "/gallery/zip-over/download-all", Map.of(), null));
        assertThat(over.get("statusCode").asInt()).as(over.toString()).isEqualTo(403);
        assertThat(over.get("headers").has("Location")).as("no link issued").isFalse();
        JsonNode body = LambdaHandlersTest.JSON.readTree(over.get("body").asText());
        assertThat(body.get("error").asText()).isEqualTo("download_limit");
        assertThat(body.get("remaining").asInt()).isEqualTo(1);
        assertThat(guestInfo("zip-over").get("downloads").get("used").asInt()).as("nothing granted").isZero();
    }

    @Test
    void aPresignedSingleDownload_isGrantedBeforeItsLink_andTheNextPhotoIsRefusedWithoutOne() throws Exception {
        List<String> ids = limitedEventWithLargePhotos("one-link", 1, 2);

        JsonNode first = invoke(new GalleryHandler(), event("GET", "/api/gallery/one-link/photos/" + ids.get(0)
                + "/download", Map.of(), null));
        assertThat(first.get("statusCode").asInt()).as("above the inline cap: a presigned link").isEqualTo(302);
        JsonNode again = invoke(new GalleryHandler(), event("GET", "/api/gallery/one-link/photos/" + ids.get(0)
                + "/download", Map.of(), null));
        assertThat(again.get("statusCode").asInt()).as("the same photo again is free").isEqualTo(302);

        JsonNode second = invoke(new GalleryHandler(), event("GET", "/api/gallery/one-link/photos/" + ids.get(1)
                + "/download", Map.of(), null));
        assertThat(second.get("statusCode").asInt()).as(second.toString()).isEqualTo(403);
        assertThat(second.get("headers").has("Location")).isFalse();
        assertThat(LambdaHandlersTest.JSON.readTree(second.get("body").asText()).get("remaining").asInt()).isZero();
    }

    private static JsonNode guestInfo(String slug) throws Exception {
        JsonNode info = invoke(new GalleryHandler(), event("GET", "/api/gallery/" + slug, Map.of(), null));
        return LambdaHandlersTest.JSON.readTree(info.get("body").asText());
    }

    /** An open gallery with {@code count} photos each above the inline cap; their ids in upload order. */
    private static List<String> limitedEventWithLargePhotos(String slug, int limit, int count) throws Exception {
        JsonNode created = invoke(new AdminHandler(), event("POST", "/api/admin/events", ADMIN, ("{\"slug\":\"" + slug
                + "\",\"title\":\"" + slug + "\",\"downloadLimit\":" + limit + "}").getBytes(StandardCharsets.UTF_8)));
        assertThat(created.get("statusCode").asInt()).as(created.toString()).isEqualTo(201);
        Multipart form = new Multipart();
        for (int i = 0; i < count; i++) {
            byte[] large = TestImages.jpeg(TestImages.noisyHalves(800, 600, slug.hashCode() + i));
            assertThat(large.length).isGreaterThan(ServerlessTestRuntime.INLINE_CAP);
            form.file("IMG_" + i + ".jpg", large);
        }
        JsonNode uploaded = invoke(new UploadHandler(), event("POST", "/api/admin/events/" + slug + "/photos", Map.of(
                "authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type", form.contentType()), form.body()));
        assertThat(uploaded.get("statusCode").asInt()).as(uploaded.toString()).isEqualTo(201);
        JsonNode listing = invoke(new GalleryHandler(), event("GET", "/api/gallery/" + slug + "/photos", Map.of(), null));
        List<String> ids = new ArrayList<>();
        for (JsonNode photo : LambdaHandlersTest.JSON.readTree(listing.get("body").asText()).get("photos")) {
            ids.add(photo.get("id").asText());
        }
        return ids;
    }
}
