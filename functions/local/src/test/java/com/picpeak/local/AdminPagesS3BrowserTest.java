package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin pages against the local server on the S3 backend (an in-process S3-compatible server that allows
 * browsers' cross-origin requests): the direct-download toggle follows the watermark, and an upload goes
 * straight to the bucket with a presigned URL, then through the server's import.
 */
@BrowserPageTest.S3Backend
class AdminPagesS3BrowserTest extends BrowserPageTest {
    @Test
    void theDirectDownloadToggle_isDisabledWhileWatermarkingIsOn_andStaysOffAfterwards() throws Exception {
        app.createEvent("protect", "Protect", null);
        app.signIn(browser, "/admin/events/protect");
        WebElement direct = browser.visible("#direct-download");
        assertThat(direct.isEnabled()).isTrue();

        direct.click();
        awaitSaved();
        assertThat(event("protect").get("allowDirectS3Download").asBoolean()).isTrue();

        browser.find("#watermark-downloads").click();
        assertThat(browser.find("#direct-download").isEnabled()).isFalse();
        assertThat(browser.find("#direct-download").isSelected()).isFalse();
        assertThat(browser.find("#direct-download-reason").getText()).contains("while downloads are watermarked");
        awaitSaved();
        assertThat(event("protect").get("watermarkDownloads").asBoolean()).isTrue();
        assertThat(event("protect").get("allowDirectS3Download").asBoolean()).isFalse();
        browser.screenshot("admin-protection");

        browser.find("#watermark-downloads").click();
        awaitSaved();
        assertThat(browser.find("#direct-download").isEnabled()).isTrue();
        assertThat(browser.find("#direct-download").isSelected()).isFalse();
        assertThat(event("protect").get("watermarkDownloads").asBoolean()).isFalse();
        assertThat(event("protect").get("allowDirectS3Download").asBoolean()).isFalse();
    }

    @Test
    void anUpload_goesStraightToTheBucket_andIsImported() throws Exception {
        app.createEvent("direct-upload", "Direct Upload", null);
        Map.Entry<String, byte[]> photo = GuestPagesBrowserTest.photos("direct", 1, 900, 600).entrySet().iterator().next();
        Path file = Files.write(work.resolve(photo.getKey()), photo.getValue());
        app.signIn(browser, "/admin/events/direct-upload");

        browser.visible("#upload-files").sendKeys(file.toString());

        browser.until(d -> browser.findAll("#uploads li[data-state]").size() == 1);
        assertThat(browser.find("#uploads li").getDomAttribute("data-state")).as(browser.find("#uploads li").getText())
                .isEqualTo("done");
        browser.until(d -> browser.findAll("#photos li").size() == 1);
        JsonNode stored = app.admin("GET", "/api/admin/events/direct-upload/photos").get("photos").get(0);
        assertThat(stored.get("filename").asText()).isEqualTo(photo.getKey());
        assertThat(stored.get("size").asLong()).isEqualTo(photo.getValue().length);
    }

    private JsonNode event(String slug) throws Exception {
        return app.admin("GET", "/api/admin/events/" + slug);
    }

    private void awaitSaved() {
        browser.until(d -> browser.find("#protection-status").getText().equals("Saved."));
        browser.script("document.getElementById('protection-status').textContent = ''");
    }
}
