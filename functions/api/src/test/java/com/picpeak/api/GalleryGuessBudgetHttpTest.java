package com.picpeak.api;

import com.picpeak.testing.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static com.picpeak.api.ApiHttpTest.assertError;
import static com.picpeak.api.ApiHttpTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gallery-wide bound on checked passwords (issue 32, item 6), over real HTTP behind a trusted proxy: guessers
 * from many IPv6 networks (each /64 a client of its own, with its own free wrong passwords) get only the gallery's
 * budget of checks between them, the rest refused before any PBKDF2 with a {@code Retry-After} of at most one
 * check's interval; the guest with the right password gets in once it is waited out; right passwords give their
 * check back, so a crowd of guests signing in never uses the budget up. Budget here: 6 checks a minute (2 at
 * once, one back every 10 s), on a {@link TestClock} the test moves.
 */
class GalleryGuessBudgetHttpTest {
    static final Map<String, String> POLICY = Map.of(
            "PICPEAK_PASSWORD_FREE_FAILURES", "5",
            "PICPEAK_PASSWORD_GALLERY_CHECKS_PER_MINUTE", "6",
            "PICPEAK_TRUSTED_PROXIES", "127.0.0.1");
    static final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:05Z"));
    @TempDir
    static Path dataDir;
    static GuessingHttpTest.Server server;

    @BeforeAll
    static void start() {
        server = GuessingHttpTest.Server.start(dataDir, POLICY, clock);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void guessersFromManyNetworks_shareTheGallerysBudget_andTheGuestGetsInWithinOneInterval() throws Exception {
        GuessingHttpTest.createEvent(server, "budgeted", "correct horse");
        int checked = 0;
        int refused = 0;
        // 16 guessers, each in a /48 of its own, each try from a new /64 (a client with 5 free wrong passwords)
        for (int guesser = 0; guesser < 16; guesser++) {
            for (int attempt = 0; attempt < 8; attempt++) {
                String address = "2001:db8:" + Integer.toHexString(0x100 + guesser) + ":" + Integer.toHexString(attempt + 1) + "::9";
                HttpResponse<byte[]> response = GuessingHttpTest.auth(server, "budgeted", "guess-" + guesser + "-" + attempt, address);
                if (response.statusCode() == 401) {
                    checked++;
                } else {
                    assertError(response, 429, "too_many_requests", "checking too many wrong passwords");
                    assertThat(response.headers().firstValueAsLong("Retry-After").orElseThrow()).isBetween(1L, 10L);
                    refused++;
                }
            }
        }
        // 128 tries, 2 checked (the budget's burst; the clock stood still)
        assertThat(checked).isEqualTo(2);
        assertThat(refused).isEqualTo(126);

        // the guest: refused like everyone while the budget is used up, told when the next check is free
        HttpResponse<byte[]> busy = GuessingHttpTest.auth(server, "budgeted", "correct horse", "2001:db8:999:1::5");
        assertError(busy, 429, "too_many_requests", "try again in");
        long wait = busy.headers().firstValueAsLong("Retry-After").orElseThrow();
        assertThat(wait).isBetween(1L, 10L);
        clock.advance(Duration.ofSeconds(wait));
        HttpResponse<byte[]> in = GuessingHttpTest.auth(server, "budgeted", "correct horse", "2001:db8:999:1::5");
        assertThat(in.statusCode()).as(new String(in.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(json(in).get("token").asText()).isNotBlank();
    }

    @Test
    void rightPasswords_giveTheirCheckBack_soACrowdOfGuestsNeverUsesTheBudgetUp() throws Exception {
        GuessingHttpTest.createEvent(server, "wedding-rush", "correct horse");
        for (int guest = 0; guest < 20; guest++) {
            HttpResponse<byte[]> in = GuessingHttpTest.auth(server, "wedding-rush", "correct horse",
                    "198.51.100." + (10 + guest));
            assertThat(in.statusCode()).as(new String(in.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        }
        // the budget is whole: two wrong ones are still checked, the third refused
        assertError(GuessingHttpTest.auth(server, "wedding-rush", "wrong-1", "198.51.100.90"), 401, "wrong_password", "");
        assertError(GuessingHttpTest.auth(server, "wedding-rush", "wrong-2", "198.51.100.91"), 401, "wrong_password", "");
        assertError(GuessingHttpTest.auth(server, "wedding-rush", "wrong-3", "198.51.100.92"), 429, "too_many_requests",
                "checking too many wrong passwords");
        // and the budget is the gallery's own: another gallery checks its guesses
        GuessingHttpTest.createEvent(server, "other-gallery", "correct horse");
        assertError(GuessingHttpTest.auth(server, "other-gallery", "wrong-1", "198.51.100.92"), 401, "wrong_password", "");
    }
}
