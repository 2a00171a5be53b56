package com.picpeak.local;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gallery page of an event with a download limit, in headless Chromium: "N of L downloads used", updated as the
 * guest downloads; what would exceed the limit disabled (the photos downloaded stay free); Download All disabled
 * when the gallery is larger than the limit.
 */
class DownloadLimitsBrowserTest extends BrowserPageTest {

    @Test
    void theCountOfDownloadsUsed_andTheButtonsThatWouldExceedTheLimit_areShown() throws Exception {
        app.createEvent("package", "Package of two", null);
        app.patchEvent("package", "{\"downloadLimit\":2}");
        Map<String, byte[]> uploaded = GuestPagesBrowserTest.photos("package", 3, 320, 240);
        app.upload("package", uploaded);
        List<String> names = new ArrayList<>(uploaded.keySet());

        browser.open(app.base + "/gallery/package");
        browser.until(d -> browser.findAll("#grid img").size() == 3);
        browser.until(d -> browser.find("#download-count").getText().equals("0 of 2 downloads used"));
        assertThat(browser.find("#download-all").isEnabled()).as("3 photos never fit a limit of 2").isFalse();

        browser.findAll("#grid .download").get(0).click();
        awaitDownload(names.get(0));
        browser.until(d -> browser.find("#download-count").getText().equals("1 of 2 downloads used"));
        browser.findAll("#grid .download").get(1).click();
        assertThat(awaitDownload(names.get(1))).hasBinaryContent(uploaded.get(names.get(1)));
        browser.until(d -> browser.find("#download-count").getText().equals("2 of 2 downloads used"));

        browser.screenshot("gallery-download-limit");
        List<String> disabled = browser.findAll("#grid .download").stream()
                .map(link -> link.getDomAttribute("aria-disabled")).toList();
        assertThat(disabled).containsExactly("false", "false", "true");
    }

    private static Path awaitDownload(String filename) {
        Path file = browser.downloads.resolve(filename);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(file)
                && !Files.exists(browser.downloads.resolve(filename + ".crdownload")));
        return file;
    }
}
