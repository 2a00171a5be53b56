package com.picpeak.gallery;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.DynamoCatalog;
import com.picpeak.catalog.DynamoTable;
import com.picpeak.catalog.Event;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.error.TooManyRequestsException;
import com.picpeak.storage.LocalBlobStore;
import com.picpeak.testing.TestClock;
import com.picpeak.testing.TestDynamo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Guessing gallery passwords, on a real catalog (DynamoDB Local): a client is held back, with a doubling wait,
 * before its password is checked; other clients are not; instances count together; the count lives in rows with
 * a TTL. Policy here: 3 free wrong passwords, then 1 s doubling to at most 60 s; a gallery is under attack after
 * 10 wrong passwords in an hour.
 */
class PasswordGuessingTest {
    static final String ADMIN_TOKEN = "guessing-test-admin-token";
    /** The gallery-wide budget out of the way (6000 checks a minute): GalleryGuessBudgetHttpTest tests it. */
    static final GuessPolicy POLICY = new GuessPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(60), 10,
            Duration.ofHours(24), 6000);
    static final String ATTACKER = "198.51.100.66";
    static final String GUEST = "203.0.113.5";
    static final String PASSWORD = "correct horse";

    @TempDir
    Path root;
    TestClock clock = new TestClock(Instant.parse("2026-11-29T10:00:00Z"));
    PasswordHasher hasher = new PasswordHasher(1000);
    String table;
    DynamoCatalog catalog;
    LocalBlobStore store;
    EventService events;
    GalleryService gallery;

    @BeforeEach
    void setUp() {
        table = TestDynamo.createTable();
        catalog = new DynamoCatalog(TestDynamo.client(), table);
        store = new LocalBlobStore(root.resolve("storage"));
        events = new EventService(catalog, store, hasher, clock);
        events.create("wedding", new EventPatch("Wedding", PASSWORD, null, false, null, null, null, null));
        gallery = instance(POLICY);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A server process of its own (its own table client and services) on the same catalog table. */
    GalleryService instance(GuessPolicy policy) {
        byte[] keyMaterial = ADMIN_TOKEN.getBytes(StandardCharsets.UTF_8); // instances share it
        PasswordGuesses guesses = new PasswordGuesses(new GuessStore(new DynamoTable(TestDynamo.client(), table)), policy,
                keyMaterial, clock);
        return new GalleryService(catalog, hasher, new GuestSessions(GuestSessions.deriveKey(keyMaterial),
                Duration.ofHours(1), clock), guesses, clock);
    }

    @Test
    void wrongPasswords_holdTheClientBack_withADoublingWait_beforeItsPasswordIsChecked() {
        for (int i = 0; i < 3; i++) {
            assertWrong(gallery, "guess-" + i, ATTACKER, "wrong password for gallery 'wedding'");
        }
        assertWrong(gallery, "guess-3", ATTACKER, "the next try in 1 s");

        List<Long> waits = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            // held back: even the right password is not checked
            Duration wait = assertHeldBack(gallery, PASSWORD, ATTACKER);
            waits.add(wait.toSeconds());
            clock.advance(wait.minusMillis(1));
            assertHeldBack(gallery, "still-early", ATTACKER);
            clock.advance(Duration.ofMillis(1));
            assertWrong(gallery, "guess-" + (4 + round), ATTACKER, "the next try in");
        }
        assertThat(waits).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L);
    }

    @Test
    void anotherClient_withTheRightPassword_getsIn_duringTheAttack() {
        for (int i = 0; i < 6; i++) {
            try {
                gallery.signIn("wedding", "guess-" + i, ATTACKER);
            } catch (PicPeakException expected) {
                // wrong, then held back
            }
        }
        assertHeldBack(gallery, PASSWORD, ATTACKER);

        GuestSessions.Session session = gallery.signIn("wedding", PASSWORD, GUEST);

        assertThat(session.slug()).isEqualTo("wedding");
        assertThat(gallery.access("wedding", session.token()).session().sessionId()).isEqualTo(session.sessionId());
        assertWrong(gallery, "typo", "203.0.113.6", "wrong password for gallery 'wedding'"); // a free one of its own
    }

    @Test
    void twoInstances_onOneCatalogTable_countOneClientsFailuresTogether() {
        GalleryService other = instance(POLICY);

        assertWrong(gallery, "guess-1", ATTACKER, "");
        assertWrong(other, "guess-2", ATTACKER, "");
        assertWrong(gallery, "guess-3", ATTACKER, "");
        assertWrong(other, "guess-4", ATTACKER, "the next try in 1 s");

        assertThat(assertHeldBack(gallery, PASSWORD, ATTACKER)).isEqualTo(Duration.ofSeconds(1));
        assertThat(assertHeldBack(other, PASSWORD, ATTACKER)).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertWrong(gallery, "guess-5", ATTACKER, "the next try in 2 s");
        assertThat(assertHeldBack(other, PASSWORD, ATTACKER)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void twoRuntimes_onOneCatalogTable_countOneClientsFailuresTogether() {
        Map<String, String> env = Map.of("CATALOG_TABLE", table, "PICPEAK_PASSWORD_FREE_FAILURES", "1",
                "PICPEAK_PASSWORD_BACKOFF_MS", "60000");
        try (PicPeakRuntime first = runtime(env, "first"); PicPeakRuntime second = runtime(env, "second")) {
            // "wedding" is in the table both runtimes use
            assertWrong(first.gallery(), "guess-1", ATTACKER, "wrong password for gallery 'wedding'");
            assertWrong(second.gallery(), "guess-2", ATTACKER, "the next try in 60 s");

            assertThat(assertHeldBack(first.gallery(), PASSWORD, ATTACKER)).isBetween(Duration.ofSeconds(50),
                    Duration.ofSeconds(60));
            assertThat(assertHeldBack(second.gallery(), PASSWORD, ATTACKER)).isBetween(Duration.ofSeconds(50),
                    Duration.ofSeconds(60));
            assertThat(second.gallery().signIn("wedding", PASSWORD, GUEST).slug()).isEqualTo("wedding");
        }
    }

    @Test
    void concurrentGuesses_fromOneClient_takeNoMoreTriesThanItHas() throws Exception {
        GalleryService other = instance(POLICY);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<ErrorCode>> guesses = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            GalleryService instance = i % 2 == 0 ? gallery : other;
            String guess = "guess-" + i;
            guesses.add(() -> {
                try {
                    instance.signIn("wedding", guess, ATTACKER);
                    return null;
                } catch (PicPeakException e) {
                    return e.errorCode();
                }
            });
        }
        List<ErrorCode> answers = new ArrayList<>();
        try {
            for (Future<ErrorCode> answer : pool.invokeAll(guesses)) {
                answers.add(answer.get());
            }
        } finally {
            pool.shutdown();
        }

        // 3 free tries and the one that starts the wait: no more passwords are checked, however many race
        assertThat(answers).containsOnly(ErrorCode.WRONG_PASSWORD, ErrorCode.TOO_MANY_REQUESTS);
        assertThat(answers.stream().filter(ErrorCode.WRONG_PASSWORD::equals).count()).isBetween(1L, 4L);
        assertThat(clientRow().get("failures").n()).isEqualTo(
                Long.toString(answers.stream().filter(ErrorCode.WRONG_PASSWORD::equals).count()));
    }

    @Test
    void aGalleryUnderAttack_takesEveryClientsFreeFailures_butTheRightPasswordStillWorks() {
        for (int i = 1; i <= 10; i++) { // a botnet: many addresses, one guess each
            assertWrong(gallery, "guess-" + i, "198.51.100." + i, "");
        }

        assertWrong(gallery, "typo", "203.0.113.50", "the next try in 1 s"); // no free wrong password now
        assertHeldBack(gallery, PASSWORD, "203.0.113.50");
        assertThat(gallery.signIn("wedding", PASSWORD, "203.0.113.51").slug()).isEqualTo("wedding");
        // the photographer is not throttled here: the admin changes the password, and guests use the new one
        events.update("wedding", new EventPatch(null, "new password", null, false, null, null, null, null));
        assertThat(gallery.signIn("wedding", "new password", "203.0.113.52").slug()).isEqualTo("wedding");

        clock.advance(Duration.ofHours(1)); // a new clock hour: free wrong passwords again
        assertWrong(gallery, "typo", "203.0.113.53", "wrong password for gallery 'wedding'");
        assertThat(gallery.signIn("wedding", "new password", "203.0.113.53").slug()).isEqualTo("wedding");
    }

    @Test
    void theRightPassword_startsTheClientsCountOver() {
        for (int i = 0; i < 3; i++) {
            assertWrong(gallery, "typo-" + i, GUEST, "");
        }
        gallery.signIn("wedding", PASSWORD, GUEST);

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> gallery.signIn("wedding", "typo", GUEST)).hasMessageNotContaining("next try");
        }
    }

    @Test
    void failures_areForgottenADayAfterTheLast_andTheirRowsCarryATtl() {
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(10));
            try {
                gallery.signIn("wedding", "guess-" + i, ATTACKER);
            } catch (PicPeakException expected) {
                // wrong, then held back
            }
        }
        Map<String, AttributeValue> row = clientRow();
        assertThat(row.get("failures").n()).isEqualTo("5");
        long heldUntil = Long.parseLong(row.get("heldUntil").n());
        assertThat(Long.parseLong(row.get("ttl").n())).isEqualTo(heldUntil / 1000 + Duration.ofHours(24).toSeconds());
        assertThat(row.toString()).doesNotContain(ATTACKER); // a keyed hash, never the address
        long hour = clock.instant().getEpochSecond() / 3600;
        Map<String, AttributeValue> galleryRow = TestDynamo.client().getItem(b -> b.tableName(table).key(Map.of(
                "pk", AttributeValue.fromS("GUESS#wedding"), "sk", AttributeValue.fromS("HOUR#" + hour)))).item();
        assertThat(galleryRow.get("failures").n()).isEqualTo("5");
        assertThat(galleryRow.get("ttl").n()).isEqualTo(Long.toString((hour + 2) * 3600));

        clock.advance(Duration.ofHours(24));
        for (int i = 0; i < 3; i++) {
            assertWrong(gallery, "again-" + i, ATTACKER, "wrong password for gallery 'wedding'");
        }
        assertWrong(gallery, "again-3", ATTACKER, "the next try in 1 s");
    }

    @Test
    void anIpv6Client_isItsSlash64_soANewAddressInItIsTheSameClient() {
        for (int i = 1; i <= 4; i++) {
            assertWrong(gallery, "guess-" + i, "2001:db8:1:2::" + i, "");
        }
        assertHeldBack(gallery, PASSWORD, "2001:db8:1:2:ffff::1");
        assertThat(gallery.signIn("wedding", PASSWORD, "2001:db8:1:3::1").slug()).isEqualTo("wedding");
    }

    @Test
    void anEmptyPassword_isWrong_withoutTakingATry() {
        for (int i = 0; i < 5; i++) {
            assertWrong(gallery, "", ATTACKER, "wrong password for gallery 'wedding'");
            assertWrong(gallery, null, ATTACKER, "wrong password for gallery 'wedding'");
        }
        assertThat(gallery.signIn("wedding", PASSWORD, ATTACKER).slug()).isEqualTo("wedding");
    }

    @Test
    void newPasswords_needSixCharacters_whileAFourCharacterOneSetBefore_stillSignsIn() {
        assertThatThrownBy(() -> events.update("wedding", new EventPatch(null, "abcde", null, false, null, null, null, null)))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("\"password\" must have at least 6 characters");
                });
        assertThatThrownBy(() -> events.create("short", new EventPatch("Short", "1234", null, false, null, null, null, null)))
                .hasMessageContaining("at least 6 characters");
        assertThat(catalog.findEvent("short")).isEmpty();
        String oldHash = hasher.hash("1234"); // the row as a gallery made before the minimum rose has it
        catalog.updateEvent("wedding", e -> new Event(e.slug(), e.title(), oldHash, e.expiresAt(), e.active(),
                e.allowDownloads(), e.watermarkDownloads(), e.allowDirectS3Download(), e.revision(), e.heroPhotoId(),
                e.heroKey(), e.photoCount(), e.createdAt(), clock.instant(), e.archivedAt(), e.protection()));

        assertThat(gallery.signIn("wedding", "1234", GUEST).slug()).isEqualTo("wedding");
        assertWrong(gallery, "12345", GUEST, "wrong password");
        events.update("wedding", new EventPatch(null, "sixsix", null, false, null, null, null, null));
        assertThat(gallery.signIn("wedding", "sixsix", GUEST).slug()).isEqualTo("wedding");
    }

    // ---- helpers ----

    PicPeakRuntime runtime(Map<String, String> env, String name) {
        Map<String, String> own = new HashMap<>(env);
        own.put("PICPEAK_DATA", root.resolve(name).toString());
        return PicPeakRuntime.start(PicPeakRuntime.Shape.LOCAL, own, TestDynamo.client(), ADMIN_TOKEN);
    }

    Map<String, AttributeValue> clientRow() {
        List<Map<String, AttributeValue>> rows = TestDynamo.client().query(b -> b.tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :client)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("GUESS#wedding"),
                        ":client", AttributeValue.fromS("CLIENT#")))).items();
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    static void assertWrong(GalleryService gallery, String password, String address, String messagePart) {
        assertThatThrownBy(() -> gallery.signIn("wedding", password, address))
                .isInstanceOfSatisfying(PicPeakException.class, e -> {
                    assertThat(e).isNotInstanceOf(TooManyRequestsException.class);
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.WRONG_PASSWORD);
                    assertThat(e.getMessage()).contains(messagePart);
                });
    }

    /** Asserts a 429 and returns how long it says to wait. */
    static Duration assertHeldBack(GalleryService gallery, String password, String address) {
        Throwable thrown = catchThrowable(() -> gallery.signIn("wedding", password, address));
        assertThat(thrown).isInstanceOf(TooManyRequestsException.class);
        TooManyRequestsException held = (TooManyRequestsException) thrown;
        assertThat(held.errorCode()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        assertThat(held.getMessage()).contains("too many wrong passwords", "try again in");
        return held.retryAfter();
    }
}
