package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.AppConfig;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.storage.ConfigException;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.StorageConfig;
import com.picpeak.jobs.JobState;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Guests and the photographer through the stack as deployed ({@link DeployedShape}): every request goes to the
 * function the template routes it to, every SDK call is checked against that function's role, and jobs reach the
 * worker through its event source mapping under Lambda's recursion guard. Each scenario ends with no call refused.
 */
class DeployedShapeScenariosTest extends DeployedShapeTest {
    @Test
    void aGuestSignsIn_andTheFirstRequestOfEveryTier_andOfEachDownloadSize_isAnsweredAtOnce() throws Exception {
        createEvent("tiers-first", "\"password\":\"bride-and-groom\",\"downloadSizes\":[\"original\",\"large\",\"web\"]");
        upload("tiers-first", "wide.jpg", TestImages.jpeg(TestImages.noisyHalves(2800, 1600, 11)));
        assertThat(aws.http("GET", "/api/gallery/tiers-first/photos").status()).as("no session").isEqualTo(401);
        DeployedShape.HttpAnswer signedIn = aws.http("POST", "/api/gallery/tiers-first/auth",
                Map.of("content-type", "application/json"), "{\"password\":\"bride-and-groom\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(signedIn.status()).as(signedIn.text()).isEqualTo(200);
        Map<String, String> guest = Map.of("authorization", "Bearer " + signedIn.json().get("token").asText());
        JsonNode photo = aws.http("GET", "/api/gallery/tiers-first/photos", guest, null).json().get("photos").get(0);
        // the page's way: the session cookie, which API Gateway hands over in the event's "cookies", not a header
        String cookie = signedIn.header("Set-Cookie").split(";")[0];
        assertThat(cookie).startsWith("picpeak_session=");
        assertThat(aws.http("GET", "/api/gallery/tiers-first/photos", Map.of("Cookie", "theme=dark; " + cookie), null)
                .status()).isEqualTo(200);

        List<String> urls = new ArrayList<>();
        photo.get("thumbnails").forEach(t -> urls.add(t.get("url").asText()));
        photo.get("previews").forEach(t -> urls.add(t.get("url").asText()));
        photo.get("downloadSizes").forEach(u -> urls.add(u.asText()));
        assertThat(urls).hasSizeGreaterThanOrEqualTo(7);
        for (String url : urls) {
            DeployedShape.HttpAnswer first = aws.http("GET", url, guest, null);
            assertThat(first.status()).as(url + ": " + first.text()).isIn(200, 302);
        }
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    @Test
    void anEventArchivedAndRestored_answersItsGuests_andItsDownloadAll() throws Exception {
        eventWithItsDownloadAllBuilt("round-trip", 21);

        runJobTo("/api/admin/events/round-trip/archive");
        runJobTo("/api/admin/events/round-trip/restore");

        DeployedShape.HttpAnswer info = aws.http("GET", "/api/gallery/round-trip");
        assertThat(info.status()).as(info.text()).isEqualTo(200);
        DeployedShape.HttpAnswer all = aws.http("GET", "/gallery/round-trip/download-all");
        assertThat(all.status()).as(all.text()).isIn(200, 202, 302);
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    @Test
    void aJobOfMoreThanSixteenContinuations_isNotCutByTheRecursionGuard() throws Exception {
        createEvent("long-chain", null);
        for (int i = 0; i < 30; i++) {
            upload("long-chain", "p" + i + ".jpg", TestImages.jpeg(TestImages.noisyHalves(160, 120, 100 + i)));
        }
        // every step archives one photo (PICPEAK_JOB_STEP_MS=0): one job, about 30 invocations in one chain
        DeployedShape.JobDelivery delivery = runJobTo("/api/admin/events/long-chain/archive");

        assertThat(delivery.longestChain()).isGreaterThan(DeployedShape.RECURSION_LIMIT);
        assertThat(delivery.deadLettered()).isEmpty();
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    @Test
    void aDownloadAllOfTwentyParts_isBuiltByPartJobs_andEndsInALinkThatOutlivesItsFirstMinute() throws Exception {
        createEvent("twenty-parts", null);
        // eight photos of 14 MB, put by direct upload as a photographer's camera files would be: over 100 MB, so with
        // S3's least part size (5 MiB, which the build keeps to) the archive is made of more than 20 parts
        for (int i = 0; i < 8; i++) {
            byte[] small = TestImages.jpeg(TestImages.noisyHalves(64, 48, 70 + i));
            directUpload("twenty-parts", "RAW_" + i + ".jpg", TestImages.padded(small, 14 * 1024 * 1024));
        }
        DeployedShape.HttpAnswer asked = aws.http("GET", "/gallery/twenty-parts/download-all");
        assertThat(asked.status()).as(asked.text()).isIn(200, 202);
        DeployedShape.JobDelivery delivery = aws.runJobs(() -> archive("twenty-parts").ready(), 120_000);

        com.picpeak.downloadall.DownloadAllService.Archive built = archive("twenty-parts");
        assertThat(built.length()).as("more than 20 parts of 5 MiB").isGreaterThan(20L * 5 * 1024 * 1024);
        assertThat(delivery.invocations()).as("one build and a part job for each part").isGreaterThan(20);
        assertThat(delivery.deadLettered()).isEmpty();
        DeployedShape.HttpAnswer ready = aws.http("GET", "/gallery/twenty-parts/download-all");
        assertThat(ready.status()).as(ready.text()).isEqualTo(302);
        Matcher expires = Pattern.compile("X-Amz-Expires=(\\d+)").matcher(ready.header("Location"));
        assertThat(expires.find()).isTrue();
        assertThat(Long.parseLong(expires.group(1))).as("a resume after the first minute still finds the link valid")
                .isGreaterThanOrEqualTo(com.picpeak.storage.PresignedLinks.MINIMUM.getSeconds());
        // a resume on the same link: the archive's last bytes, asked by range
        HttpResponse<byte[]> tail = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ready.header("Location")))
                .header("Range", "bytes=" + (built.length() - 22) + "-").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).as("the archive ends in its end-of-central-directory record")
                .startsWith(new byte[] {0x50, 0x4b, 0x05, 0x06});
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    @Test
    void theLargestInlineBody_fitsLambdasResponseLimit_andALargerSettingIsRefused() throws Exception {
        createEvent("inline", null);
        byte[] small = TestImages.jpeg(TestImages.noisyHalves(120, 90, 41));
        upload("inline", "small.jpg", small);
        String url = aws.http("GET", "/api/gallery/inline/photos").json().get("photos").get(0).get("url").asText();

        DeployedShape.HttpAnswer inline = aws.http("GET", url);
        assertThat(inline.status()).isEqualTo(200);
        assertThat(inline.body()).isEqualTo(small);
        // the container's envelope around a base64 body, measured, beside the largest body the setting allows
        long envelope = inline.payloadBytes() - java.util.Base64.getEncoder().encodeToString(small).length();
        long largestBase64 = 4 * ((AppConfig.MAX_INLINE_RESPONSE_BYTES + 2) / 3);
        assertThat(largestBase64 + envelope).isLessThanOrEqualTo(DeployedShape.LAMBDA_PAYLOAD_BYTES);
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of(AppConfig.INLINE_RESPONSE_BYTES, "6000000")))
                .as("6,000,000 bytes are 8,000,000 in base64: every response near the cap would fail")
                .isInstanceOf(ConfigException.class).hasMessageContaining(String.valueOf(AppConfig.MAX_INLINE_RESPONSE_BYTES));
    }

    @Test
    void anUploadOverLambdasRequestLimit_isRefusedWith413_beforeTheFunction() throws Exception {
        createEvent("too-big", null);
        byte[] fiveMegabytes = new byte[5 * 1024 * 1024]; // 6.7 MB in base64: over the invocation payload
        Multipart form = new Multipart().file("big.jpg", fiveMegabytes);

        DeployedShape.HttpAnswer refused = aws.http("POST", "/api/admin/events/too-big/photos", Map.of(
                "authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type", form.contentType()), form.body());

        assertThat(refused.status()).isEqualTo(413);
        assertThat(aws.runtime.catalog().findEvent("too-big").orElseThrow().photoCount()).isZero();
    }

    @Test
    void aDirectUpload_whoseImportOutlastsTheUploadFunction_isImportedByTheWorker() throws Exception {
        createEvent("direct-large", null);
        byte[] photo = TestImages.jpeg(TestImages.noisyHalves(4000, 3000, 51));
        DeployedShape.HttpAnswer started = aws.http("POST", "/api/admin/events/direct-large/uploads", ADMIN,
                "{\"filename\":\"DSC_1000.JPG\",\"contentType\":\"image/jpeg\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        JsonNode ticket = started.json();
        HttpResponse<Void> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ticket.get("url").asText()))
                .header("Content-Type", "image/jpeg").PUT(HttpRequest.BodyPublishers.ofByteArray(photo)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(put.statusCode()).isEqualTo(200);

        // the function's 29 s scaled to 0.58 s: reading, hashing, storing and thumbnailing a 12 MP photo takes longer,
        // as a file of hundreds of MB takes longer than 29 s; the completion must not wait for the import
        DeployedShape.HttpAnswer completed = aws.withTimeScale(0.02, () -> aws.http("POST",
                ticket.get("completeUrl").asText(), ADMIN, "{\"filename\":\"DSC_1000.JPG\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(completed.status()).as(completed.text()).isEqualTo(202);
        String jobId = completed.header("Location").replaceFirst(".*/", "");
        aws.runJobs(() -> aws.runtime.jobs().find(jobId).map(job -> job.state().finished()).orElse(false), 60_000);

        JsonNode job = aws.http("GET", "/api/admin/jobs/" + jobId, ADMIN, null).json();
        assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(job.get("result").get("photoId").asText()).isEqualTo(ticket.get("uploadId").asText());
        assertThat(aws.runtime.catalog().findPhoto("direct-large", ticket.get("uploadId").asText()).orElseThrow().size())
                .isEqualTo(photo.length);
        assertThat(aws.runtime.store().head(com.picpeak.storage.Keys.directUpload("direct-large", ticket.get("uploadId").asText()))).isEmpty();
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    @Test
    void aSnapStartPublish_waitsOutARoleThatIsStillPropagating() throws Exception {
        Map<String, String> publishing = new java.util.HashMap<>(aws.serverless.env);
        publishing.put(PicPeakRuntime.LAMBDA_INITIALIZATION_TYPE, "snap-start");
        DeployedRoles.propagating(2); // the start-up check's HEAD and its LIST refused, as a role in its first seconds

        PicPeakRuntime published = DeployedRoles.actAs(aws.template.function("Gallery"), 0, () -> PicPeakRuntime.start(
                PicPeakRuntime.Shape.SERVERLESS, publishing, DeployedRoles.authorizing(com.picpeak.testing.TestDynamo.client()),
                null, aws.serverless.sqs));

        assertThat(published.startupCheck().ok()).isTrue();
        assertThat(DeployedRoles.denials()).as("refused while propagating, then let in").hasSize(2);
        published.close();
        DeployedRoles.clearDenials();
    }

    @Test
    void theDailySweep_onItsSchedule_archivesAnExpiredEvent_andADeletedEventLeavesNothing() throws Exception {
        createEvent("expired", null);
        upload("expired", "a.jpg", TestImages.jpeg(TestImages.noisyHalves(320, 240, 61)));
        DeployedShape.HttpAnswer patched = aws.http("PATCH", "/api/admin/events/expired", ADMIN,
                "{\"expiresAt\":\"2020-01-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);

        Object submitted = aws.scheduled("ArchiveSweep"); // the EventBridge rule's target
        assertThat(String.valueOf(submitted)).isNotBlank();
        aws.runJobs(() -> aws.runtime.catalog().findEvent("expired").orElseThrow().isArchived(), 60_000);

        createEvent("deleted", null);
        upload("deleted", "a.jpg", TestImages.jpeg(TestImages.noisyHalves(320, 240, 62)));
        DeployedShape.HttpAnswer deleting = aws.http("DELETE", "/api/admin/events/deleted", ADMIN, null);
        assertThat(deleting.status()).as(deleting.text()).isEqualTo(202);
        aws.runJobs(() -> aws.runtime.catalog().findEvent("deleted").isEmpty(), 60_000);
        try (var left = aws.runtime.store().list("events/active/deleted/")) {
            assertThat(left).isEmpty();
        }
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    @Test
    void thePoller_onItsSchedule_withTheTemplatesEnvironment_importsAPhotoDroppedIntoTheBucket_andPutsItOnTheBus()
            throws Exception {
        DeployedTemplate withPoller = aws.template.variant(DeployedTemplate.AUTO_IMPORT_TEMPLATE);
        DeployedTemplate.Function poller = withPoller.function("Poller");
        Map<String, String> env = new HashMap<>(withPoller.environment("Poller"));
        long interval = Long.parseLong(env.get(StorageConfig.STORAGE_AUTO_IMPORT_INTERVAL_MS));
        assertThat(rateMillis(withPoller.schedule("Poller"))).as("the rule ticks at the interval the function is told")
                .isEqualTo(interval);
        // what is not the template's: the S3-compatible server's endpoint and keys (Lambda: the default endpoint and
        // the role's credentials), the test bucket's prefix, and the interval scaled from minutes to seconds
        for (String own : List.of(StorageConfig.STORAGE_S3_ENDPOINT, StorageConfig.STORAGE_S3_ACCESS_KEY,
                StorageConfig.STORAGE_S3_SECRET_KEY, StorageConfig.STORAGE_S3_PREFIX)) {
            env.put(own, aws.serverless.env.get(own));
        }
        env.put(StorageConfig.STORAGE_AUTO_IMPORT_INTERVAL_MS, "5000"); // its least: the gate opens 2.5 s after a sighting
        DeployedBus bus = DeployedBus.get();
        createEvent("dropped", null);
        byte[] photo = TestImages.jpeg(TestImages.noisyHalves(320, 240, 81));
        // the photographer's sync tool puts the file straight into the event's folder of the bucket
        aws.runtime.store().put(Keys.original("dropped", "DSC_0001.jpg"), new ByteArrayInputStream(photo),
                PutOptions.of("image/jpeg"));

        PicPeakRuntime function = DeployedRoles.actAs(poller, 0, () -> PicPeakRuntime.start(PicPeakRuntime.Shape.SERVERLESS,
                env, DeployedRoles.authorizing(com.picpeak.testing.TestDynamo.client()), null));
        try {
            // each tick is one invocation of the schedule: the file is imported on the tick after the one that saw it
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                DeployedRoles.actAs(poller, 0, () -> function.autoImportPolls().runScheduled(function.jobRunner(),
                        Instant.now().plusSeconds(poller.timeoutSeconds() - 15)));
                return aws.runtime.catalog().findEvent("dropped").orElseThrow().photoCount() == 1;
            });
        } finally {
            function.close();
        }
        JsonNode listed = aws.http("GET", "/api/gallery/dropped/photos").json().get("photos");
        assertThat(listed).singleElement().satisfies(p -> assertThat(p.get("filename").asText()).isEqualTo("DSC_0001.jpg"));
        assertThat(bus.entries("photo.uploaded")).as("published on the stack's bus")
                .anySatisfy(entry -> assertThat(entry.get("Detail").asText()).contains("DSC_0001.jpg"));
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    @Test
    void throughTheCdn_aSignedTierReachesTheOriginOncePerTtl_whileTheApiAlwaysPassesThrough() throws Exception {
        createEvent("cdn", null);
        upload("cdn", "a.jpg", TestImages.jpeg(TestImages.noisyHalves(900, 600, 71)));
        DeployedCdn cdn = aws.cdn();

        DeployedShape.HttpAnswer listing = cdn.request("GET", "/api/gallery/cdn/photos", Map.of());
        assertThat(listing.status()).as(listing.text()).isEqualTo(200);
        String tier = listing.json().get("photos").get(0).get("thumbnails").get(0).get("url").asText();
        cdn.request("GET", "/api/gallery/cdn/photos", Map.of());
        assertThat(cdn.originRequests()).as("the API is never cached").isEqualTo(2);

        DeployedShape.HttpAnswer first = cdn.request("GET", tier, Map.of("cookie", "picpeak_session=s1; theme=dark"));
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        DeployedShape.HttpAnswer second = cdn.request("GET", tier, Map.of());
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(cdn.originRequests()).as("the second guest's request is answered by the edge").isEqualTo(3);

        Matcher maxAge = Pattern.compile("max-age=(\\d+)").matcher(first.header("Cache-Control"));
        assertThat(maxAge.find()).as(first.header("Cache-Control")).isTrue();
        cdn.advance(java.time.Duration.ofSeconds(Long.parseLong(maxAge.group(1)) + 1));
        cdn.request("GET", tier, Map.of());
        assertThat(cdn.originRequests()).as("past its TTL it is fetched again").isEqualTo(4);

        DeployedShape.HttpAnswer script = cdn.request("GET", "/assets/gallery.js", Map.of());
        cdn.request("GET", "/assets/gallery.js", Map.of());
        assertThat(script.status()).isEqualTo(200);
        assertThat(cdn.originRequests()).as("assets are kept a year").isEqualTo(5);
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    @Test
    void throughTheCdn_aReSpelledTierUrlOrAnotherAssetsVersion_getsNoSecondCopyFromTheOrigin() throws Exception {
        createEvent("cdn-keys", "\"password\":\"cdn-keys-pw\"");
        upload("cdn-keys", "k.jpg", TestImages.jpeg(TestImages.noisyHalves(900, 600, 72)));
        DeployedShape.HttpAnswer signedIn = aws.http("POST", "/api/gallery/cdn-keys/auth",
                Map.of("content-type", "application/json"), "{\"password\":\"cdn-keys-pw\"}".getBytes(StandardCharsets.UTF_8));
        Map<String, String> guest = Map.of("authorization", "Bearer " + signedIn.json().get("token").asText());
        String tier = aws.http("GET", "/api/gallery/cdn-keys/photos", guest, null).json().get("photos").get(0)
                .get("thumbnails").get(0).get("url").asText();
        DeployedCdn cdn = aws.cdn();

        assertThat(cdn.request("GET", tier, Map.of()).status()).isEqualTo(200);
        cdn.request("GET", tier, Map.of());
        assertThat(cdn.originRequests()).as("the listed URL: one entry").isEqualTo(1);
        // another cache key each (the tier behaviour keys on the whole query): the origin gives none of them the image
        for (String respelled : List.of(tier + "&x=1", tier.replace("?sig=", "?sig=0"))) {
            DeployedShape.HttpAnswer answer = cdn.request("GET", respelled, Map.of());
            assertThat(answer.status()).as(respelled).isEqualTo(403);
            assertThat(answer.header("Content-Type")).as(respelled).startsWith("application/json");
        }
        int before = cdn.originRequests();
        cdn.request("GET", tier, Map.of());
        assertThat(cdn.originRequests()).as("the listed URL is still the edge's").isEqualTo(before);

        String current = "/assets/gallery.js?v=" + HtmlPages.ASSETS_VERSION;
        assertThat(cdn.request("GET", current, Map.of()).status()).isEqualTo(200);
        cdn.request("GET", current, Map.of());
        DeployedShape.HttpAnswer other = cdn.request("GET", "/assets/gallery.js?v=0123abcd", Map.of());
        assertThat(other.status()).as("another version keeps no copy of this build's script").isEqualTo(404);
        assertThat(other.text()).doesNotContain("function");
        assertThat(cdn.originRequests()).isEqualTo(before + 2);
        assertThat(DeployedRoles.denials()).isEmpty();
    }

    /** An event of two photos whose guest asked for Download All, and the build that request started, done. */
    private static void eventWithItsDownloadAllBuilt(String slug, int seed) throws Exception {
        createEvent(slug, null);
        upload(slug, "a.jpg", TestImages.jpeg(TestImages.noisyHalves(800, 600, seed)));
        upload(slug, "b.jpg", TestImages.jpeg(TestImages.noisyHalves(800, 600, seed + 1)));
        assertThat(aws.http("GET", "/gallery/" + slug + "/download-all").status()).isIn(200, 202);
        aws.runJobs(() -> archive(slug).ready(), 60_000);
    }

    private static void upload(String slug, String name, byte[] jpeg) throws Exception {
        Multipart form = new Multipart().file(name, jpeg);
        DeployedShape.HttpAnswer uploaded = aws.http("POST", "/api/admin/events/" + slug + "/photos", Map.of(
                "authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN, "content-type", form.contentType()), form.body());
        assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(201);
    }

    /** The period of an EventBridge rate expression ("rate(5 minutes)", "rate(1 hour)"), in milliseconds. */
    private static long rateMillis(String expression) {
        Matcher rate = Pattern.compile("rate\\((\\d+) (minute|hour|day)s?\\)").matcher(expression);
        assertThat(rate.matches()).as(expression).isTrue();
        long unit = switch (rate.group(2)) {
            case "minute" -> 60_000L;
            case "hour" -> 3_600_000L;
            default -> 86_400_000L;
        };
        return Long.parseLong(rate.group(1)) * unit;
    }

    /** A direct upload (presigned PUT, then complete) whose import job the worker runs. */
    private static void directUpload(String slug, String name, byte[] bytes) throws Exception {
        DeployedShape.HttpAnswer started = aws.http("POST", "/api/admin/events/" + slug + "/uploads", ADMIN,
                ("{\"filename\":\"" + name + "\",\"contentType\":\"image/jpeg\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        JsonNode ticket = started.json();
        HttpResponse<Void> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ticket.get("url").asText()))
                .header("Content-Type", "image/jpeg").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(put.statusCode()).isEqualTo(200);
        runJobTo(ticket.get("completeUrl").asText(), "{\"filename\":\"" + name + "\"}");
    }

    /** Submits a job (202 + Location) and delivers the queue until it has ended. */
    private static DeployedShape.JobDelivery runJobTo(String path) throws Exception {
        return runJobTo(path, "{}");
    }

    private static DeployedShape.JobDelivery runJobTo(String path, String body) throws Exception {
        DeployedShape.HttpAnswer submitted = aws.http("POST", path, ADMIN, body.getBytes(StandardCharsets.UTF_8));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        String jobId = submitted.header("Location").replaceFirst(".*/", "");
        DeployedShape.JobDelivery delivery = aws.runJobs(() -> aws.runtime.jobs().find(jobId)
                .map(job -> job.state().finished()).orElse(false), 120_000);
        assertThat(aws.runtime.jobs().find(jobId).orElseThrow().state()).as(path + " " + delivery + ", refused: " + DeployedRoles.denials())
                .isEqualTo(JobState.SUCCEEDED);
        return delivery;
    }

    private static com.picpeak.downloadall.DownloadAllService.Archive archive(String slug) {
        Event event = aws.runtime.catalog().findEvent(slug).orElseThrow();
        return aws.runtime.downloadAll().current(event);
    }
}
