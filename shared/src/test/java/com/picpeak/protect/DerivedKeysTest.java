package com.picpeak.protect;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.GuestSessions;
import com.picpeak.gallery.Hmac;
import com.picpeak.testing.TestDynamo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keys of guest sessions and fingerprint ids come from a random secret kept in the catalog, not from the
 * admin token alone: a guest's session token or a fingerprint id in a leaked file gives nothing to test
 * guesses of the admin token against, offline.
 */
class DerivedKeysTest {
    static final String ADMIN_TOKEN = "weak-admin-token-0123";

    @TempDir
    Path dataDir;
    final List<PicPeakRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void close() {
        runtimes.forEach(PicPeakRuntime::close);
    }

    PicPeakRuntime runtime(String table) {
        PicPeakRuntime runtime = PicPeakRuntime.start(PicPeakRuntime.Shape.LOCAL, Map.of("PICPEAK_DATA",
                dataDir.toString(), "CATALOG_TABLE", table), TestDynamo.client(), ADMIN_TOKEN);
        runtimes.add(runtime);
        return runtime;
    }

    static String openEvent(PicPeakRuntime runtime) {
        runtime.events().create("open-party", new EventPatch("Open party", null, null, false, null, null, null, null));
        return "open-party";
    }

    @Test
    void aSessionOfOneDeployment_isRefusedByAnotherWithTheSameAdminToken_butAcceptedOnItsOwnCatalog() {
        String table = TestDynamo.createTable();
        PicPeakRuntime first = runtime(table);
        PicPeakRuntime sameCatalog = runtime(table);
        PicPeakRuntime otherCatalog = runtime(TestDynamo.createTable());
        String slug = openEvent(first);
        openEvent(otherCatalog);

        GuestSessions.Session session = first.gallery().signIn(slug, null, "203.0.113.9");

        assertThat(sameCatalog.gallery().access(slug, session.token()).session().sessionId()).isEqualTo(session.sessionId());
        assertThat(otherCatalog.gallery().access(slug, session.token()).session()).isNull();
    }

    @Test
    void aSessionToken_cannotBeCheckedAgainstAGuessOfTheAdminToken() {
        PicPeakRuntime runtime = runtime(TestDynamo.createTable());
        String slug = openEvent(runtime);

        String token = runtime.gallery().signIn(slug, null, "203.0.113.9").token();

        // what anyone holding a session token could compute offline for a guess, when the key was a function of
        // the admin token only (HMAC of a fixed label, as before)
        byte[] payload = Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.')));
        byte[] signature = Base64.getUrlDecoder().decode(token.substring(token.indexOf('.') + 1));
        byte[] guessedKey = Hmac.sha256(ADMIN_TOKEN.getBytes(StandardCharsets.UTF_8), "picpeak guest session v1");
        assertThat(Hmac.sha256(guessedKey, payload)).isNotEqualTo(signature);
    }

    @Test
    void hkdf_isRfc5869s() {
        // RFC 5869, A.1: the first 32 bytes of the output are T(1)
        byte[] ikm = HexFormat.of().parseHex("0b".repeat(22));
        byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b0c");
        byte[] info = HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9");

        byte[] prk = Hmac.extract(salt, ikm);

        assertThat(HexFormat.of().formatHex(prk))
                .isEqualTo("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        assertThat(HexFormat.of().formatHex(Hmac.expand(prk, info)))
                .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
    }

    @Test
    void changingTheAdminToken_stillEndsEverySession() {
        String table = TestDynamo.createTable();
        PicPeakRuntime before = runtime(table);
        String slug = openEvent(before);
        String token = before.gallery().signIn(slug, null, "203.0.113.9").token();

        PicPeakRuntime after = PicPeakRuntime.start(PicPeakRuntime.Shape.LOCAL, Map.of("PICPEAK_DATA", dataDir.toString(),
                "CATALOG_TABLE", table), TestDynamo.client(), "another-admin-token-4567");
        runtimes.add(after);

        assertThat(after.gallery().access(slug, token).session()).isNull();
    }

    @Test
    void fingerprintIds_dependOnTheCatalogsSecret_notOnlyOnTheAdminToken() {
        String table = TestDynamo.createTable();
        PicPeakRuntime first = runtime(table);
        PicPeakRuntime sameCatalog = runtime(table);
        PicPeakRuntime otherCatalog = runtime(TestDynamo.createTable());

        String id = first.protection().access().fingerprintId("open-party", "0123456789abcdef01234567", "mi2x7k0qa1b2c3d4");

        assertThat(sameCatalog.protection().access().fingerprintId("open-party", "0123456789abcdef01234567", "mi2x7k0qa1b2c3d4"))
                .isEqualTo(id);
        assertThat(otherCatalog.protection().access().fingerprintId("open-party", "0123456789abcdef01234567", "mi2x7k0qa1b2c3d4"))
                .isNotEqualTo(id);
    }
}
