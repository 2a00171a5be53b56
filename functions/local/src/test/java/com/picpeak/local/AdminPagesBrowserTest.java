package com.picpeak.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin pages in headless Chromium against the real local server (local backend) on a random port:
 * sign-in, creating an event, uploading through the file input with a result per file, hero and delete,
 * the storage panel and the download protection section.
 */
class AdminPagesBrowserTest extends BrowserPageTest {
    static final Duration JOB_TIME = Duration.ofSeconds(30);

    @BeforeEach
    void signedOut() {
        browser.open(app.base + "/health");
        browser.script("sessionStorage.clear()");
    }

    @Test
    void signingIn_refusesAWrongToken_thenShowsTheEventsAndTheStoragePanel() throws Exception {
        app.createEvent("listed", "Listed Event", null);
        browser.open(app.base + "/admin");

        browser.visible("#token").sendKeys("not-the-admin-token");
        browser.find("#sign-in button").click();
        browser.until(d -> browser.find("#sign-in-error").getText().equals("That admin token is wrong."));
        browser.find("#token").sendKeys(PagesFixture.ADMIN_TOKEN);
        browser.find("#sign-in button").click();

        WebElement events = browser.visible("#events");
        assertThat(events.getText()).contains("Listed Event").contains("listed");
        String storage = browser.find("#storage").getText();
        assertThat(storage).contains("Backend\nlocal")
                .contains("Root\n" + work.resolve("data").resolve("storage"))
                .contains("Start-up check\npassed")
                .contains("Auto-import\nfolder watcher")
                .contains("Photo events go to\nwebhooks");
        browser.screenshot("admin-events");
    }

    @Test
    void theAdmin_createsAnEvent_uploadsThreeFilesByTheFileInput_andSeesThemAppear() throws Exception {
        List<Path> files = new ArrayList<>();
        for (var photo : GuestPagesBrowserTest.colourful("upload", 3, 1200, 800).entrySet()) {
            files.add(Files.write(Files.createDirectories(work.resolve("to-upload")).resolve(photo.getKey()), photo.getValue()));
        }
        Path notAPhoto = Files.writeString(work.resolve("to-upload").resolve("notes.jpg"), "shopping list",
                StandardCharsets.UTF_8);
        app.signIn(browser, "/admin");

        browser.visible("#new-title").sendKeys("Browser Upload");
        assertThat(browser.find("#new-slug").getDomProperty("value")).isEqualTo("browser-upload");
        browser.find("#create-event button").click();
        browser.until(d -> d.getCurrentUrl().endsWith("/admin/events/browser-upload"));
        browser.visible("#upload-files").sendKeys(String.join("\n", files.get(0).toString(), files.get(1).toString(),
                files.get(2).toString(), notAPhoto.toString()));

        browser.until(d -> browser.findAll("#uploads li[data-state]").size() == 4);
        assertThat(browser.findAll("#uploads li[data-state=done]")).extracting(li -> li.getDomAttribute("data-filename"))
                .containsExactlyInAnyOrder("upload_001.jpg", "upload_002.jpg", "upload_003.jpg");
        WebElement failed = browser.find("#uploads li[data-state=failed]");
        assertThat(failed.getDomAttribute("data-filename")).isEqualTo("notes.jpg");
        assertThat(failed.getText()).contains("not a JPEG, PNG or WebP image");
        browser.until(d -> browser.findAll("#photos li").size() == 3);
        assertThat(browser.findAll("#photos img")).extracting(img -> img.getDomAttribute("alt"))
                .containsExactlyInAnyOrder("upload_001.jpg", "upload_002.jpg", "upload_003.jpg");
        browser.until(d -> (Boolean) browser.script("return Array.from(document.querySelectorAll('#photos img'))"
                + ".every(img => img.complete && img.naturalWidth === 300)"));
        assertThat(app.photoFilenames("browser-upload")).containsExactlyInAnyOrder("upload_001.jpg", "upload_002.jpg",
                "upload_003.jpg");
        browser.screenshot("admin-event");
    }

    @Test
    void photosDroppedOnTheDropZone_areUploadedEachWithItsProgressAndResult() throws Exception {
        app.createEvent("dropped", "Dropped", null);
        Map<String, byte[]> files = GuestPagesBrowserTest.colourful("dropped", 2, 640, 480);
        List<List<String>> payload = new ArrayList<>();
        files.forEach((name, bytes) -> payload.add(List.of(name, Base64.getEncoder().encodeToString(bytes))));
        app.signIn(browser, "/admin/events/dropped");
        browser.visible("#dropzone");

        browser.script("const transfer = new DataTransfer();"
                + "for (const [name, base64] of arguments[0]) {"
                + "  const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));"
                + "  transfer.items.add(new File([bytes], name, {type: 'image/jpeg'}));"
                + "}"
                + "const zone = document.getElementById('dropzone');"
                + "zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: transfer, bubbles: true, cancelable: true}));"
                + "zone.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));",
                payload);

        browser.until(d -> browser.findAll("#uploads li[data-state=done]").size() == 2);
        assertThat(browser.findAll("#uploads progress")).extracting(p -> p.getDomProperty("value")).containsOnly("100");
        browser.until(d -> browser.findAll("#photos li").size() == 2);
        assertThat(app.photoFilenames("dropped")).containsExactlyInAnyOrderElementsOf(files.keySet());
    }

    @Test
    void aWatermarkedDownloadAll_isPreparedFirst_thenSavedWithTheWatermarkedCopies() throws Exception {
        app.createEvent("proofs", "Proofs", null);
        Map<String, byte[]> originals = GuestPagesBrowserTest.colourful("proofs", 2, 800, 600);
        app.upload("proofs", originals);
        Path watermark = Files.write(work.resolve("mark.png"), TestImages.png(TestImages.quadrants(64, 32,
                TestImages.RED, TestImages.RED, TestImages.RED, TestImages.RED)));
        app.signIn(browser, "/admin/events/proofs");
        browser.visible("#watermark-downloads").click();
        browser.until(d -> browser.find("#protection-status").getText().equals("Saved."));
        browser.find("#watermark-file").sendKeys(watermark.toString());
        browser.until(d -> browser.find("#protection-status").getText().equals("Watermark image saved (mark.png)."));

        browser.open(app.base + "/gallery/proofs");
        WebElement downloadAll = browser.visible("#download-all");
        assertThat(downloadAll.getText()).isEqualTo("Download All (2 photos)"); // its size is known once prepared
        downloadAll.click();
        browser.until(d -> browser.find("#download-status").getText().equals("Preparing the archive of 2 photos…"));

        Path zip = browser.downloads.resolve("proofs.zip");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(zip)
                && !Files.exists(browser.downloads.resolve("proofs.zip.crdownload")));
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            assertThat(archive.stream().map(ZipEntry::getName).toList()).containsExactlyElementsOf(originals.keySet());
            for (Map.Entry<String, byte[]> original : originals.entrySet()) {
                byte[] copy = archive.getInputStream(archive.getEntry(original.getKey())).readAllBytes();
                assertThat(copy).isNotEqualTo(original.getValue());
                assertThat(TestImages.decode(copy).getWidth()).isEqualTo(800);
            }
        }
    }

    @Test
    void theHero_isChosen_andAPhotoDeleted_fromThePhotosPanel() throws Exception {
        app.createEvent("curate", "Curate", null);
        app.upload("curate", GuestPagesBrowserTest.colourful("curate", 6, 1600, 1000));
        app.signIn(browser, "/admin/events/curate");
        browser.until(d -> browser.findAll("#photos li").size() == 6);

        browser.find("#photos li:nth-child(2) button.secondary").click();
        browser.until(d -> browser.findAll("#photos li.is-hero").size() == 1);
        String heroId = browser.find("#photos li.is-hero").getDomAttribute("data-photo-id");
        assertThat(app.admin("GET", "/api/admin/events/curate").get("heroPhotoId").asText()).isEqualTo(heroId);

        WebElement third = browser.find("#photos li:nth-child(3)");
        String deletedId = third.getDomAttribute("data-photo-id");
        third.findElement(By.cssSelector("button.danger")).click();
        browser.driver.switchTo().alert().accept();
        browser.until(d -> browser.findAll("#photos li").size() == 5);
        assertThat(app.admin("GET", "/api/admin/events/curate/photos").get("photos").findValuesAsText("id"))
                .hasSize(5).doesNotContain(deletedId);

        browser.open(app.base + "/gallery/curate"); // the guest page shows the chosen hero
        browser.until(d -> (Boolean) browser.script("const img = document.querySelector('#hero-frame img');"
                + "return img != null && img.complete && img.naturalWidth === 1920"));
        browser.until(d -> browser.findAll("#grid img").size() == 5);
        browser.until(d -> (Boolean) browser.script("return Array.from(document.querySelectorAll('#grid img'))"
                + ".every(img => img.complete && img.naturalWidth === 300)"));
        browser.screenshot("gallery");
    }

    @Test
    void anEvent_isArchivedFromItsPage_followingTheJob_thenRestoredBack() throws Exception {
        app.createEvent("season", "Season", null);
        app.upload("season", GuestPagesBrowserTest.colourful("season", 3, 1200, 800));
        List<String> originals = app.originalKeys("season");
        app.signIn(browser, "/admin/events/season");
        assertThat(browser.visible("#event-state").getText()).isEqualTo("open");
        recordStatusLine("#archive-status");

        browser.find("#archive-event").click();

        browser.until(d -> "succeeded".equals(browser.find("#archive-status").getDomAttribute("data-state")));
        assertThat(browser.find("#archive-status").getText()).startsWith("Archive succeeded");
        assertThat(browser.find("#event-state").getText()).isEqualTo("archived");
        assertFollowedUntilSucceeded("Archiving… ");
        JsonNode event = app.admin("GET", "/api/admin/events/season");
        assertThat(event.get("archivedAt").isNull()).isFalse();
        assertThat(app.stored("events/archived/season.zip")).isTrue();
        assertThat(originals).hasSize(3).noneMatch(app::stored);
        JsonNode job = app.jobs("kind=event.archive&state=succeeded").stream()
                .filter(j -> j.get("target").asText().equals("season")).findFirst().orElseThrow();
        assertThat(browser.find("#archive-status").getDomAttribute("data-job-id")).isEqualTo(job.get("id").asText());
        browser.screenshot("admin-event-archived");

        recordStatusLine("#archive-status");
        browser.find("#restore-event").click();

        browser.until(d -> "open".equals(browser.find("#event-state").getText()));
        assertThat(browser.find("#archive-status").getText()).startsWith("Restore succeeded");
        assertFollowedUntilSucceeded("Restoring… ");
        assertThat(browser.findAll("#archive-event")).hasSize(1);
        event = app.admin("GET", "/api/admin/events/season");
        assertThat(event.get("archivedAt").isNull()).isTrue();
        assertThat(event.get("active").asBoolean()).isTrue();
        assertThat(originals).allMatch(app::stored);
        assertThat(app.stored("events/archived/season.zip")).isFalse();
        browser.until(d -> (Boolean) browser.script("const imgs = document.querySelectorAll('#photos img');"
                + "return imgs.length === 3 && Array.from(imgs).every(img => img.complete && img.naturalWidth === 300)"));
    }

    @Test
    void deletingAnEvent_followsTheJob_thenShowsTheEventsWithoutIt() throws Exception {
        app.createEvent("doomed", "Doomed Event", null);
        app.createEvent("survivor", "Survivor", null);
        app.upload("doomed", GuestPagesBrowserTest.colourful("doomed", 2, 640, 480));
        List<String> originals = app.originalKeys("doomed");
        app.signIn(browser, "/admin/events/doomed");
        recordStatusLine("#delete-status");

        browser.visible("#delete-event").click();
        browser.driver.switchTo().alert().accept();

        browser.until(d -> d.getCurrentUrl().equals(app.base + "/admin"));
        String events = browser.visible("#events").getText();
        assertThat(events).contains("Survivor").doesNotContain("Doomed Event");
        assertFollowedUntilSucceeded("Deleting… ");
        assertThat(app.adminStatus("GET", "/api/admin/events/doomed")).isEqualTo(404);
        assertThat(originals).hasSize(2).noneMatch(app::stored);
        assertThat(app.jobs("kind=event.delete&state=succeeded")).extracting(j -> j.get("target").asText()).contains("doomed");
    }

    @Test
    void aRestoreTheServerRefuses_showsItsMessage_andTheJobsPanelListsAFailedRestoreWithItsReason() throws Exception {
        app.createEvent("lost", "Lost", null);
        app.upload("lost", GuestPagesBrowserTest.colourful("lost", 1, 640, 480));
        assertThat(app.awaitJob(app.startJob("POST", "/api/admin/events/lost/archive"), JOB_TIME).get("state").asText())
                .isEqualTo("succeeded");
        app.signIn(browser, "/admin/events/lost");
        browser.visible("#restore-event");
        // restored behind the page's back: its Restore button is now a conflict
        assertThat(app.awaitJob(app.startJob("POST", "/api/admin/events/lost/restore"), JOB_TIME).get("state").asText())
                .isEqualTo("succeeded");

        browser.find("#restore-event").click();

        browser.until(d -> "error".equals(browser.find("#archive-status").getDomAttribute("class")));
        JsonNode conflict = app.refused(409, "POST", "/api/admin/events/lost/restore");
        assertThat(browser.find("#archive-status").getText()).isEqualTo(conflict.get("message").asText());
        assertThat(browser.find("#restore-event").isEnabled()).isTrue();

        // archived again, and its archive lost: the restore fails (at once: no retry brings the file back)
        assertThat(app.awaitJob(app.startJob("POST", "/api/admin/events/lost/archive"), JOB_TIME).get("state").asText())
                .isEqualTo("succeeded");
        app.server.runtime().store().delete("events/archived/lost.zip");
        JsonNode failed = app.awaitJob(app.startJob("POST", "/api/admin/events/lost/restore"), JOB_TIME);
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("lastError").asText()).isNotBlank();
        browser.find("a[href='/admin']").click();

        WebElement row = browser.visible("#jobs-failures tr[data-job-id='" + failed.get("id").asText() + "']");
        assertThat(row.getText()).contains("Restore").contains("lost").contains(failed.get("lastError").asText());
        assertThat(browser.findAll("#jobs-active tr[data-job-id='" + failed.get("id").asText() + "']")).isEmpty();
        browser.screenshot("admin-jobs");
    }

    @Test
    void onTheLocalBackend_directS3Download_isDisabled_sayingWhy() throws Exception {
        app.createEvent("local-protection", "Local Protection", null);
        app.signIn(browser, "/admin/events/local-protection");

        WebElement direct = browser.visible("#direct-download");
        assertThat(direct.isEnabled()).isFalse();
        assertThat(browser.find("#direct-download-reason").getText()).contains("STORAGE_BACKEND=local");
        browser.find("#watermark-downloads").click();
        browser.until(d -> browser.find("#protection-status").getText().equals("Saved."));
        JsonNode event = app.admin("GET", "/api/admin/events/local-protection");
        assertThat(event.get("watermarkDownloads").asBoolean()).isTrue();
        assertThat(browser.find("#direct-download").isEnabled()).isFalse();
    }

    @Test
    void theDownloadSizes_areChosenInTheEventSettings_andTheGuestViewerOffersThem() throws Exception {
        app.createEvent("sizes", "Sizes", null);
        app.upload("sizes", GuestPagesBrowserTest.colourful("sizes", 1, 3000, 2000));
        app.signIn(browser, "/admin/events/sizes");

        WebElement original = browser.visible("#download-size-original");
        assertThat(original.isSelected()).isTrue();
        assertThat(original.isEnabled()).as("the original is always offered").isFalse();
        assertThat(browser.find("#download-size-web").isSelected()).isFalse();
        browser.find("#download-size-web").click();
        browser.find("#settings button[type=submit]").click();
        browser.until(d -> browser.find("#settings [role=status]").getText().equals("Saved."));
        assertThat(app.admin("GET", "/api/admin/events/sizes").get("downloadSizes").toString())
                .isEqualTo("[\"original\",\"web\"]");
        browser.screenshot("admin-download-sizes");

        // the guest's viewer offers the web size beside the original, and it saves a JPEG fitted into 2048 px
        browser.open(app.base + "/gallery/sizes");
        browser.until(d -> browser.findAll("#grid .open").size() == 1);
        browser.find("#grid .open").click();
        WebElement web = browser.visible("#viewer-download-web");
        assertThat(web.getText()).contains("2048");
        assertThat(browser.findAll("#viewer-download-large")).isEmpty();
        web.click();
        Path saved = browser.downloads.resolve("sizes_001-web.jpg");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(saved)
                && !Files.exists(browser.downloads.resolve("sizes_001-web.jpg.crdownload")));
        assertThat(TestImages.decode(Files.readAllBytes(saved)).getWidth()).isEqualTo(2048);
    }

    @Test
    void theImageProtectionPanel_setsTheLevelAndWatermark_andTracesALeakedFile() throws Exception {
        app.createEvent("guarded", "Guarded", null);
        app.upload("guarded", GuestPagesBrowserTest.colourful("guarded", 1, 640, 480));
        app.signIn(browser, "/admin/events/guarded");

        new Select(browser.visible("#protection-level")).selectByValue("enhanced");
        assertThat(browser.find("#protection-level-hint").getText()).contains("fingerprint");
        browser.find("#watermark-views").click();
        new Select(browser.find("#watermark-position")).selectByValue("top-left");
        browser.find("#watermark-opacity").clear();
        browser.find("#watermark-opacity").sendKeys("200");
        assertThat((Boolean) browser.script("return document.getElementById('watermark-opacity').checkValidity()")).isFalse();
        browser.find("#watermark-opacity").clear();
        browser.find("#watermark-opacity").sendKeys("80");
        browser.find("#image-protection button[type=submit]").click();
        browser.until(d -> browser.find("#image-protection-status").getText().equals("Saved."));
        JsonNode event = app.admin("GET", "/api/admin/events/guarded");
        assertThat(event.get("protectionLevel").asText()).isEqualTo("enhanced");
        assertThat(event.get("watermarkViews").asBoolean()).isTrue();
        assertThat(event.get("watermarkPosition").asText()).isEqualTo("top-left");
        assertThat(event.get("watermarkOpacity").asInt()).isEqualTo(80);
        browser.screenshot("admin-image-protection");

        // a guest downloads the photo; the admin drops the file on the trace field and sees the session
        browser.open(app.base + "/gallery/guarded");
        browser.until(d -> browser.findAll("#grid .download").size() == 1);
        browser.find("#grid .download").click();
        Path leaked = browser.downloads.resolve("guarded_001.jpg");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(leaked)
                && !Files.exists(browser.downloads.resolve("guarded_001.jpg.crdownload")));
        browser.open(app.base + "/admin/events/guarded"); // still signed in: the token is in this tab's session storage
        browser.visible("#trace-file").sendKeys(leaked.toString());
        browser.until(d -> browser.find("#trace-result").getText().startsWith("Fingerprint "));
        // the thumbnail in the grid and the download: one identifier per session and photo
        assertThat(browser.find("#trace-result").getText()).contains("of guarded").contains("2 time(s)");
    }

    /** Keeps every text the status line shows from now on (in window.statusLines), as the job is followed. */
    private void recordStatusLine(String css) {
        browser.script("window.statusLines = [];"
                + "const line = document.querySelector(arguments[0]);"
                + "new MutationObserver(() => window.statusLines.push(line.dataset.state + ' ' + line.textContent))"
                + ".observe(line, {childList: true, characterData: true, subtree: true, attributes: true});", css);
    }

    /** The status line showed the job as it went ("Archiving… (queued)" ...), never as failed. */
    private void assertFollowedUntilSucceeded(String doing) {
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) browser.script("return window.statusLines || []");
        assertThat(lines).as("what the status line showed").isNotEmpty()
                .allMatch(line -> line.startsWith("queued " + doing) || line.startsWith("running " + doing)
                        || line.startsWith("succeeded "));
    }
}
