package com.picpeak.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API tokens panel of the admin page in headless Chromium: a token created shows its secret once and is listed
 * without it; Revoke removes it.
 */
class ApiTokensBrowserTest extends BrowserPageTest {

    @Test
    void aTokenIsCreated_itsSecretShownOnce_listedWithoutIt_andRevoked() throws Exception {
        app.createEvent("bot-event", "Bot event", null);
        app.signIn(browser, "/admin");

        browser.visible("#token-name").sendKeys("delivery bot");
        browser.find("#token-events").sendKeys("bot-event");
        browser.find("#token-form button[type=submit]").click();

        browser.until(d -> browser.find("#token-secret").getText().startsWith("The token, shown this once: ppk_"));
        String secret = browser.find("#token-secret code").getText();
        browser.until(d -> browser.findAll("#tokens-list tr[data-token-id]").size() == 1);
        String row = browser.find("#tokens-list tr[data-token-id]").getText();
        assertThat(row).contains("delivery bot", "bot-event", "list, download").doesNotContain(secret);
        browser.screenshot("admin-api-tokens");

        browser.find("#tokens-list tr[data-token-id] button").click();
        browser.until(d -> browser.findAll("#tokens-list tr[data-token-id]").isEmpty());
        assertThat(app.admin("GET", "/api/admin/tokens").get("tokens").size()).isZero();
    }
}
