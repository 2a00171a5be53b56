package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Selections in Chromium (docs/selections.md): a guest signs in with their PIN, marks favourites up to the cap,
 * filters to them and sends the selection; the photographer sees the guest's picks as thumbnails and downloads the
 * CSV export.
 */
class SelectionsBrowserTest extends BrowserPageTest {

    @Test
    void aGuestMarksFiltersAndSends_andThePhotographerSeesThePicksAndDownloadsTheExport() throws Exception {
        app.createEvent("proofing", "Proofing", null);
        app.patchEvent("proofing", "{\"guestIdentity\":\"pin\",\"favouritesLimit\":2}");
        app.upload("proofing", GuestPagesBrowserTest.photos("proof", 4, 400, 300));
        JsonNode anna = app.post("/api/admin/events/proofing/guests", "{\"name\":\"Anna\"}");

        // the door asks for the PIN
        browser.open(app.base + "/gallery/proofing");
        assertThat(browser.find("label[for=guest-pin]").getText()).isEqualTo("Your PIN");
        browser.find("#guest-pin").sendKeys(anna.get("pin").asText(), Keys.ENTER);
        browser.until(d -> browser.findAll("#grid img").size() == 4);

        // mark up to the cap; the count shows it against the cap; the third is refused
        browser.until(d -> !browser.find("#selection-bar").getDomProperty("hidden").equals("true"));
        List<org.openqa.selenium.WebElement> hearts = browser.findAll("#grid .favourite");
        hearts.get(0).click();
        browser.until(d -> browser.find("#favourite-count").getText().startsWith("\u2665 1 / 2"));
        hearts.get(2).click();
        browser.until(d -> browser.find("#favourite-count").getText().startsWith("\u2665 2 / 2"));
        hearts.get(3).click();
        browser.until(d -> browser.find("#selection-status").getText().contains("2 favourites"));
        assertThat(hearts.get(0).getDomAttribute("aria-pressed")).isEqualTo("true");

        // "favourites only" shows the two
        browser.find("#favourites-only").click();
        browser.until(d -> (Long) browser.script("return document.querySelectorAll('#grid li:not([hidden])').length") == 2L);
        browser.screenshot("gallery-favourites");

        // send, with a note
        browser.find("#selection-note").sendKeys("for the album");
        browser.find("#send-selection").click();
        browser.until(d -> browser.find("#favourite-count").getText().contains("sent to the photographer"));
        assertThat(browser.find("#send-selection").getDomProperty("disabled")).isEqualTo("true");

        // the photographer: the guest with their count and state, the picks as thumbnails, the export
        app.signIn(browser, "/admin/events/proofing");
        browser.until(d -> browser.findAll("#guests li").size() == 1);
        assertThat(browser.find("#guests li").getText()).contains("Anna").contains("2 picks").contains("sent");
        browser.until(d -> (Boolean) browser.script("return Array.from(document.querySelectorAll('#selections .picks img'))"
                + ".filter(img => img.complete && img.naturalWidth > 0).length === 2"));
        browser.screenshot("admin-selections");
        browser.find("#export-csv").click();
        Path csv = browser.downloads.resolve("proofing-selections.csv");
        browser.until(d -> Files.exists(csv) && !Files.exists(browser.downloads.resolve("proofing-selections.csv.crdownload")));
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).startsWith("filename,guest,note,time");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("proof_001.jpg,Anna,for the album,");
    }
}
