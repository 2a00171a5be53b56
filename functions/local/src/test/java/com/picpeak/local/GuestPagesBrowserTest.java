package com.picpeak.local;

import com.picpeak.protect.FingerprintedDelivery;
import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.protect.ImageProtection;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import java.awt.Color;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.io.ByteArrayInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guest gallery page in headless Chromium against the real local server (local backend) on a random
 * port: the password gate, the grid loading every photo page by page, the viewer, and downloads whose
 * saved files are compared byte for byte.
 */
class GuestPagesBrowserTest extends BrowserPageTest {
    @BeforeEach
    void signedOut() {
        browser.open(app.base + "/health");
        browser.driver.manage().deleteAllCookies();
    }

    @Test
    void thePasswordGate_saysWhenThePasswordIsWrong_andOpensWithTheRightOne() throws Exception {
        app.createEvent("locked", "Locked Party", "confetti");
        app.upload("locked", photos("locked", 3, 400, 300));

        browser.open(app.base + "/gallery/locked");
        assertThat(browser.findAll("#grid")).isEmpty();
        assertThat(browser.find("label[for=password]").getText()).isEqualTo("Password");
        browser.find("#password").sendKeys("balloons");
        browser.find("#auth button").click();
        browser.until(d -> browser.find("#auth-error").getText().equals("Wrong password. Please try again."));
        browser.screenshot("gallery-password");

        browser.find("#password").clear();
        browser.find("#password").sendKeys("confetti", Keys.ENTER);

        browser.until(d -> browser.findAll("#grid img").size() == 3);
        assertThat(browser.find("h1").getText()).isEqualTo("Locked Party");
        assertThat(browser.driver.manage().getCookieNamed("picpeak_session")).isNotNull();
    }

    @Test
    void theGrid_showsEveryUploadedPhoto_loadingPageAfterPageAsTheGuestScrolls() throws Exception {
        int count = 75; // more than one page of 60
        app.createEvent("many", "Many Photos", null);
        Map<String, byte[]> uploaded = photos("many", count, 160, 120);
        app.upload("many", uploaded);

        browser.open(app.base + "/gallery/many");
        browser.until(d -> browser.findAll("#grid img").size() == 60);
        assertThat(browser.find("#summary").getText()).startsWith("75 photos");
        browser.script("window.scrollTo(0, document.body.scrollHeight)");

        browser.until(d -> browser.findAll("#grid img").size() == count);
        List<String> shown = browser.findAll("#grid img").stream().map(img -> img.getDomAttribute("alt")).toList();
        assertThat(shown).containsExactlyElementsOf(uploaded.keySet());
        browser.script("window.scrollTo(0, 0)");
        browser.until(d -> (Boolean) browser.script("return Array.from(document.querySelectorAll('#grid img'))"
                + ".slice(0, 12).every(img => img.complete && img.naturalWidth === 300)"));
        assertThat(browser.find("#grid-status").getText()).isEqualTo("All 75 photos are shown.");
        browser.screenshot("gallery-grid");
    }

    @Test
    void theViewer_opensAPhoto_andNavigatesWithButtonsAndKeys() throws Exception {
        app.createEvent("viewer", "Viewer", null);
        Map<String, byte[]> uploaded = photos("viewer", 3, 800, 600);
        app.upload("viewer", uploaded);
        List<String> names = new ArrayList<>(uploaded.keySet());

        browser.open(app.base + "/gallery/viewer");
        browser.until(d -> browser.findAll("#grid img").size() == 3);
        browser.findAll("#grid .open").get(0).click();

        WebElement viewer = browser.visible("#viewer");
        assertThat(viewer.getDomAttribute("open")).isNotNull();
        assertShowing(names.get(0), "1 of 3");
        assertThat(intrinsicWidthOfTheViewerImage()).isEqualTo(800);
        browser.screenshotOfTheScreen("gallery-viewer");

        new Actions(browser.driver).sendKeys(Keys.ARROW_RIGHT).perform();
        assertShowing(names.get(1), "2 of 3");
        browser.find("#viewer-next").click();
        assertShowing(names.get(2), "3 of 3");
        assertThat(browser.find("#viewer-next").isEnabled()).isFalse();
        new Actions(browser.driver).sendKeys(Keys.ARROW_LEFT).perform();
        assertShowing(names.get(1), "2 of 3");
        browser.find("#viewer-prev").click();
        assertShowing(names.get(0), "1 of 3");
        // the viewer shows the preview tier (an 800 px photo: the first tier, at the photo's own size), not the original
        // (the guest's tier URLs are signed for the CDN: ?sig=..., which the admin listing does not carry)
        String viewerSrc = browser.find("#viewer-stage img").getDomProperty("src");
        assertThat(withoutQuery(viewerSrc))
                .isEqualTo(app.base + guestPhotos("viewer").get(0).get("previews").get(0).get("url").asText());
        assertThat(viewerSrc).contains("?sig=");

        new Actions(browser.driver).sendKeys(Keys.ESCAPE).perform();
        browser.until(d -> browser.find("#viewer").getDomAttribute("open") == null);
    }

    @Test
    void theGridAndTheViewer_loadRenditionTiers_whileDownloadGivesTheOriginal() throws Exception {
        app.createEvent("tiers", "Tiers", null);
        Map<String, byte[]> uploaded = photos("tiers", 2, 3000, 2000);
        app.upload("tiers", uploaded);
        List<String> names = new ArrayList<>(uploaded.keySet());
        JsonNode listed = guestPhotos("tiers").get(0);

        browser.open(app.base + "/gallery/tiers");
        browser.until(d -> browser.findAll("#grid img").size() == 2);
        // the grid: the 300 and 600 thumbnails as 1x and 2x
        WebElement thumbnail = browser.findAll("#grid img").get(0);
        assertThat(thumbnail.getAttribute("srcset")).containsPattern("/r/t300\\?sig=\\S+ 1x")
                .containsPattern("/r/t600\\?sig=\\S+ 2x");
        browser.until(d -> (Boolean) browser.script("const img = document.querySelector('#grid img');"
                + "return img.complete && new URL(img.currentSrc).pathname.endsWith(devicePixelRatio > 1 ? '/r/t600' : '/r/t300')"));
        browser.findAll("#grid .open").get(0).click();

        long naturalWidth = intrinsicWidthOfTheViewerImage();
        String shown = (String) browser.script("return document.querySelector('#viewer-stage img').currentSrc");
        JsonNode tier = null;
        for (JsonNode preview : listed.get("previews")) {
            if (withoutQuery(shown).equals(app.base + preview.get("url").asText())) {
                tier = preview;
            }
        }
        assertThat(tier).as("the viewer shows one of the preview tiers, not %s", shown).isNotNull();
        assertThat(naturalWidth).isEqualTo(tier.get("width").asLong()).isLessThan(3000);
        assertThat(browser.find("#viewer-stage img").getAttribute("srcset")).containsPattern("/r/p1280\\?sig=\\S+ 1280w")
                .containsPattern("/r/p1920\\?sig=\\S+ 1920w").containsPattern("/r/p2560\\?sig=\\S+ 2560w");
        assertThat(browser.find("#viewer-original").getAttribute("href")).isEqualTo(app.base + listed.get("url").asText());

        browser.find("#viewer-download").click();
        Path saved = awaitDownload(names.get(0));
        assertThat(saved).hasBinaryContent(uploaded.get(names.get(0)));
    }

    @Test
    void theDownloadButtons_saveThePhotoAndTheWholeArchive_withTheExpectedBytes() throws Exception {
        app.createEvent("downloads", "Downloads", "letmein");
        Map<String, byte[]> uploaded = photos("downloads", 3, 640, 480);
        app.upload("downloads", uploaded);
        List<String> names = new ArrayList<>(uploaded.keySet());
        browser.open(app.base + "/gallery/downloads");
        browser.find("#password").sendKeys("letmein", Keys.ENTER);
        browser.until(d -> browser.findAll("#grid img").size() == 3);

        browser.findAll("#grid .download").get(1).click();
        Path single = awaitDownload(names.get(1));
        assertThat(single).hasBinaryContent(uploaded.get(names.get(1)));

        WebElement downloadAll = browser.visible("#download-all");
        long expectedSize = sizeFromInfo();
        assertThat(downloadAll.getText()).isEqualTo("Download All (3 photos, " + formatBytes(expectedSize) + ")");
        downloadAll.click();
        Path zip = awaitDownload("downloads.zip");
        assertThat(Files.size(zip)).isEqualTo(expectedSize);
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            List<String> entries = archive.stream().map(ZipEntry::getName).toList();
            assertThat(entries).containsExactlyElementsOf(names);
            for (String name : names) {
                assertThat(archive.getInputStream(archive.getEntry(name)).readAllBytes()).isEqualTo(uploaded.get(name));
            }
        }
        assertThat(browser.find("#download-status").getText()).startsWith("Downloading");
    }

    @Test
    void aDownloadAllWhoseArchiveCannotBeBuilt_saysSo_andStopsAsking() throws Exception {
        app.createEvent("broken", "Broken", null);
        app.upload("broken", colourful("broken", 2, 640, 480));
        app.put("/api/admin/events/broken/watermark", "image/png", TestImages.png(TestImages.quadrants(64, 32,
                TestImages.RED, TestImages.RED, TestImages.RED, TestImages.RED)));
        app.patchEvent("broken", "{\"watermarkDownloads\":true}"); // prepared by a build job, not streamed
        app.server.runtime().store().delete(app.originalKeys("broken").get(1)); // the build cannot read it
        browser.open(app.base + "/gallery/broken");
        WebElement downloadAll = browser.visible("#download-all");
        browser.script("window.downloadAllAsks = 0; const original = window.fetch;"
                + "window.fetch = (url, options) => {"
                + "  if (String(url).includes('download-all')) window.downloadAllAsks++;"
                + "  return original(url, options);"
                + "};");

        downloadAll.click();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> browser.find("#download-status")
                .getText().equals("Download All failed: the archive could not be prepared. Please contact the photographer."));
        browser.until(d -> browser.find("#download-all").isEnabled()); // startDownloadAll returned: no more asking
        long asks = ((Number) browser.script("return window.downloadAllAsks")).longValue();
        assertThat(asks).isPositive();
        JsonNode job = app.jobs("kind=downloadall.build&state=failed").stream()
                .filter(j -> j.get("target").asText().startsWith("broken")).findFirst().orElseThrow();
        assertThat(job.get("lastError").asText()).isNotBlank();
        HttpResponse<byte[]> answer = app.guest("GET", "/gallery/broken/download-all");
        assertThat(answer.statusCode()).isEqualTo(500);
        JsonNode body = PagesFixture.JSON.readTree(answer.body());
        assertThat(body.get("error").asText()).isEqualTo("download_all_failed");
        assertThat((Number) browser.script("return window.downloadAllAsks")).isEqualTo(asks);
        assertThat(browser.downloads.resolve("broken.zip")).doesNotExist();
    }

    @Test
    void atMaximumProtection_theViewerDrawsThePhotoFromTiles_andDownloadsCarryTheFingerprint() throws Exception {
        app.createEvent("tiles", "Tiles", null);
        Map<String, byte[]> uploaded = colourful("tiles", 2, 900, 600);
        app.upload("tiles", uploaded);
        app.put("/api/admin/events/tiles/watermark", "image/png", TestImages.png(TestImages.quadrants(120, 60,
                Color.WHITE, Color.WHITE, Color.WHITE, Color.WHITE)));
        app.patchEvent("tiles", "{\"protectionLevel\":\"maximum\",\"watermarkViews\":true,"
                + "\"watermarkPosition\":\"center\",\"watermarkOpacity\":100}");
        List<String> names = new ArrayList<>(uploaded.keySet());

        browser.open(app.base + "/gallery/tiles");
        browser.until(d -> browser.findAll("#grid img").size() == 2);
        browser.findAll("#grid .open").get(0).click();
        browser.until(d -> "9".equals(browser.find("#viewer-stage canvas").getDomAttribute("data-drawn")));

        assertThat(browser.findAll("#viewer-stage img")).isEmpty(); // no single image to save
        assertThat(browser.find("#viewer-stage canvas").getDomAttribute("aria-label")).isEqualTo(names.get(0));
        // the canvas holds the photo: its quadrant colours, and the white watermark in the middle
        assertClose(canvasPixel(225, 150), rgbOf(uploaded.get(names.get(0)), 225, 150));
        assertClose(canvasPixel(675, 450), rgbOf(uploaded.get(names.get(0)), 675, 450));
        assertClose(canvasPixel(450, 300), List.of(255L, 255L, 255L));
        browser.screenshotOfTheScreen("gallery-tiles");

        browser.find("#viewer-download").click();
        Path saved = awaitDownload(names.get(0));
        byte[] bytes = Files.readAllBytes(saved);
        String fingerprint = FingerprintedDelivery.readFingerprint(new ByteArrayInputStream(bytes))
                .orElseThrow();
        assertThat(app.admin("GET", "/api/admin/fingerprints/" + fingerprint).get("lastVariant").asText()).isEqualTo("download");
        assertThat(TestImages.decode(bytes).getWidth()).isEqualTo(900);
    }

    /**
     * The pixel width of the image the viewer loaded. The element's own naturalWidth is scaled by the srcset
     * descriptor's density, so the chosen URL is loaded again into a fresh image and measured there.
     */
    private long intrinsicWidthOfTheViewerImage() {
        browser.until(d -> (Boolean) browser.script("const img = document.querySelector('#viewer-stage img');"
                + "return img !== null && img.complete && img.naturalWidth > 0 && img.currentSrc !== ''"));
        browser.script("window.probe = new Image(); window.probe.src = document.querySelector('#viewer-stage img').currentSrc;");
        browser.until(d -> (Boolean) browser.script("return window.probe.complete && window.probe.naturalWidth > 0"));
        return ((Number) browser.script("return window.probe.naturalWidth")).longValue();
    }

    /** A pixel of the viewer's canvas, as [r, g, b]. */
    private List<Long> canvasPixel(int x, int y) {
        @SuppressWarnings("unchecked")
        List<Long> rgb = (List<Long>) browser.script("const c = document.querySelector('#viewer-stage canvas');"
                + "const d = c.getContext('2d').getImageData(" + x + ", " + y + ", 1, 1).data;"
                + "return [d[0], d[1], d[2]];");
        return rgb;
    }

    private static List<Long> rgbOf(byte[] jpeg, int x, int y) {
        int rgb = TestImages.decode(jpeg).getRGB(x, y);
        return List.of((long) (rgb >> 16) & 0xFF, (long) (rgb >> 8) & 0xFF, (long) rgb & 0xFF);
    }

    /** Equal within what two JPEG decoders and a second encoding may differ by. */
    private static void assertClose(List<Long> actual, List<Long> expected) {
        for (int i = 0; i < 3; i++) {
            assertThat(actual.get(i)).as("channel %d of %s vs %s", i, actual, expected).isBetween(expected.get(i) - 12,
                    expected.get(i) + 12);
        }
    }

    @Test
    void anExpiredGallery_showsAClearPage() throws Exception {
        app.createEvent("over", "Over", null);
        app.patchEvent("over", "{\"expiresAt\":\"2021-06-30T18:00:00Z\"}");

        browser.open(app.base + "/gallery/over");

        assertThat(browser.find("h1").getText()).isEqualTo("This gallery has expired");
        assertThat(browser.find("main").getText()).contains("Ask the photographer").contains("2021-06-30T18:00:00Z")
                .doesNotContain("\"error\"");
        browser.screenshot("gallery-expired");
    }

    private void assertShowing(String filename, String position) {
        browser.until(d -> browser.find("#viewer-caption").getText().equals(filename)
                && browser.find("#viewer-position").getText().equals(position));
        assertThat(browser.find("#viewer-stage img").getDomAttribute("alt")).isEqualTo(filename);
        assertThat(browser.find("#viewer-download").getDomProperty("href")).endsWith("/download");
    }

    private long sizeFromInfo() {
        Object size = browser.script("return fetch(document.getElementById('gallery').dataset.infoUrl)"
                + ".then(r => r.json()).then(info => info.downloadAllSize)");
        return ((Number) size).longValue();
    }

    private static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    private List<JsonNode> guestPhotos(String slug) throws Exception {
        List<JsonNode> photos = new ArrayList<>();
        app.admin("GET", "/api/admin/events/" + slug + "/photos").get("photos").forEach(photos::add);
        return photos;
    }

    /** The downloaded file once Chromium has finished writing it (no .crdownload left). */
    private static Path awaitDownload(String filename) {
        Path file = browser.downloads.resolve(filename);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(file)
                && !Files.exists(browser.downloads.resolve(filename + ".crdownload")));
        return file;
    }

    /** The page's own formatting of sizes (gallery.js formatBytes). */
    private static String formatBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return value < 10 ? String.format(Locale.ROOT, "%.1f %s", value, units[unit])
                : String.format(Locale.ROOT, "%.0f %s", value, units[unit]);
    }

    /** Photos of flat colour blocks, each different: screenshots of them stay small enough to keep in the repository. */
    static Map<String, byte[]> colourful(String stem, int count, int width, int height) {
        Color[] palette = {new Color(0x2f5d8a), new Color(0xe8a33d), new Color(0x7aa95c),
                new Color(0xc8553d), new Color(0xf2e8cf), new Color(0x3d405b)};
        Map<String, byte[]> photos = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            photos.put(stem + "_" + String.format("%03d", i + 1) + ".jpg", TestImages.jpeg(TestImages.quadrants(width, height,
                    palette[i % 6], palette[(i + 1) % 6], palette[(i + 3) % 6], palette[(i + 4) % 6])));
        }
        return photos;
    }

    static Map<String, byte[]> photos(String stem, int count, int width, int height) {
        Map<String, byte[]> photos = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
            photos.put(stem + "_" + String.format("%03d", i) + ".jpg",
                    TestImages.jpeg(TestImages.noisyHalves(width, height, stem.hashCode() * 1000L + i)));
        }
        return photos;
    }
}
