package com.picpeak.gallery;

import com.picpeak.app.AppConfig;
import com.picpeak.storage.ConfigException;
import com.picpeak.storage.EnvReader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who the client is: the peer, or behind a trusted proxy what it forwarded; and the settings of guessing. */
class TrustedProxiesTest {

    @Test
    void withoutTheSetting_xForwardedFor_isIgnored() {
        TrustedProxies none = AppConfig.fromEnv(Map.of()).trustedProxies();

        assertThat(none.isEmpty()).isTrue();
        assertThat(none.clientAddress("127.0.0.1", List.of("198.51.100.7"))).isEqualTo("127.0.0.1");
    }

    @Test
    void behindATrustedProxy_theClientIsTheLastAddressItAppended() {
        TrustedProxies proxies = TrustedProxies.of("127.0.0.1", "10.0.0.0/8");

        assertThat(proxies.clientAddress("127.0.0.1", List.of("198.51.100.7"))).isEqualTo("198.51.100.7");
        // what the client wrote in front counts for nothing; a chain of our own proxies is walked through
        assertThat(proxies.clientAddress("127.0.0.1", List.of("203.0.113.1, 198.51.100.7, 10.1.2.3")))
                .isEqualTo("198.51.100.7");
        assertThat(proxies.clientAddress("10.0.0.5", List.of("203.0.113.1", "198.51.100.7")))
                .isEqualTo("198.51.100.7");
        // without the header the peer is the client; an unreadable hop (or a name, never looked up) ends the walk
        assertThat(proxies.clientAddress("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
        assertThat(proxies.clientAddress("127.0.0.1", List.of("198.51.100.7, evil.example"))).isEqualTo("127.0.0.1");
        assertThat(proxies.clientAddress("127.0.0.1", List.of("evil.example, 10.0.0.9"))).isEqualTo("10.0.0.9");
        assertThat(proxies.clientAddress("127.0.0.1", List.of("198.51.100.7:51234"))).isEqualTo("198.51.100.7");
        assertThat(proxies.clientAddress("127.0.0.1", List.of("[2001:db8::7]:443"))).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void aPeerThatIsNoTrustedProxy_isTheClient_whateverItForwards() {
        TrustedProxies proxies = TrustedProxies.of("10.0.0.0/8", "::1");

        assertThat(proxies.clientAddress("198.51.100.7", List.of("10.0.0.1"))).isEqualTo("198.51.100.7");
        assertThat(proxies.clientAddress("0:0:0:0:0:0:0:1", List.of("2001:db8::9"))).isEqualTo("2001:db8:0:0:0:0:0:9");
        assertThat(proxies.trusts("10.255.255.255")).isTrue();
        assertThat(proxies.trusts("11.0.0.1")).isFalse();
        assertThat(proxies.trusts("localhost")).isFalse();
    }

    @Test
    void aClient_isItsIpv4Address_orItsIpv6Slash64() {
        assertThat(ClientAddresses.network("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(ClientAddresses.network("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(ClientAddresses.network("2001:db8:1:2::ffff")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(ClientAddresses.network("::ffff:198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(ClientAddresses.network("not-an-address")).isEqualTo("not-an-address");
    }

    @Test
    void theSettings_areReadFromTheEnvironment_withEveryProblemReportedTogether() {
        AppConfig config = AppConfig.fromEnv(Map.of("PICPEAK_PASSWORD_FREE_FAILURES", "2",
                "PICPEAK_PASSWORD_BACKOFF_MS", "500", "PICPEAK_PASSWORD_MAX_BACKOFF_MS", "8000",
                "PICPEAK_PASSWORD_EVENT_FAILURES", "50", "PICPEAK_PASSWORD_RESET_MS", "3600000",
                "PICPEAK_PASSWORD_GALLERY_CHECKS_PER_MINUTE", "12",
                "PICPEAK_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8 ,::1"));
        assertThat(config.passwordGuesses()).isEqualTo(new GuessPolicy(2, Duration.ofMillis(500), Duration.ofSeconds(8), 50,
                Duration.ofHours(1), 12));
        assertThat(config.trustedProxies().trusts("10.9.8.7")).isTrue();
        assertThat(AppConfig.fromEnv(Map.of()).passwordGuesses()).isEqualTo(GuessPolicy.DEFAULTS);

        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of("PICPEAK_PASSWORD_FREE_FAILURES", "many",
                "PICPEAK_PASSWORD_BACKOFF_MS", "5000", "PICPEAK_PASSWORD_MAX_BACKOFF_MS", "1000",
                "PICPEAK_TRUSTED_PROXIES", "127.0.0.1,nginx,10.0.0.0/33", "PORT", "http")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigException.Problem::variable)
                        .containsExactlyInAnyOrder("PICPEAK_PASSWORD_FREE_FAILURES", "PICPEAK_PASSWORD_MAX_BACKOFF_MS",
                                "PICPEAK_TRUSTED_PROXIES", "PORT"))
                .hasMessageContaining("'nginx', '10.0.0.0/33' are not IP addresses or CIDR ranges")
                .hasMessageContaining("shorter than PICPEAK_PASSWORD_BACKOFF_MS");
    }

    @Test
    void theWait_doublesPastTheFreeFailures_upToItsMaximum() {
        GuessPolicy policy = new GuessPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(15), 100, Duration.ofHours(24));

        assertThat(policy.holdAfter(5, 5)).isZero();
        assertThat(policy.holdAfter(6, 5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.holdAfter(7, 5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.holdAfter(15, 5)).isEqualTo(Duration.ofSeconds(512));
        assertThat(policy.holdAfter(16, 5)).isEqualTo(Duration.ofMinutes(15));
        assertThat(policy.holdAfter(10_000, 5)).isEqualTo(Duration.ofMinutes(15));
        assertThat(policy.holdAfter(1, 0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void cloudFrontsViewerAddress_countsOnlyWithTheOriginSecret() {
        String secret = "origin-secret-of-the-distribution-0123456789";
        EnvReader env = new EnvReader(Map.of(TrustedProxies.CDN_ORIGIN_SECRET, secret));
        TrustedProxies cdn = TrustedProxies.fromEnv(env);
        env.throwIfAny();
        String edge = "130.176.1.1";
        assertThat(cdn.clientAddress(edge, List.of(), secret, "198.51.100.7:51234")).isEqualTo("198.51.100.7");
        // CloudFront writes IPv6 without brackets, the port after the last colon
        assertThat(cdn.clientAddress(edge, List.of(), secret, "2001:db8:1:2::9:443")).isEqualTo("2001:db8:1:2:0:0:0:9");
        assertThat(cdn.clientAddress(edge, List.of(), secret, "[2001:db8::5]:443")).isEqualTo("2001:db8:0:0:0:0:0:5");
        // without the secret, or with another, or with an unreadable address: the peer
        assertThat(cdn.clientAddress(edge, List.of(), null, "198.51.100.7:1")).isEqualTo(edge);
        assertThat(cdn.clientAddress(edge, List.of(), secret + "x", "198.51.100.7:1")).isEqualTo(edge);
        assertThat(cdn.clientAddress(edge, List.of(), secret, "evil.example:1")).isEqualTo(edge);
        assertThat(TrustedProxies.NONE.clientAddress(edge, List.of(), secret, "198.51.100.7:1")).isEqualTo(edge);
        // a secret too short to be one is a configuration problem
        EnvReader shortOne = new EnvReader(Map.of(TrustedProxies.CDN_ORIGIN_SECRET, "abc"));
        TrustedProxies.fromEnv(shortOne);
        assertThatThrownBy(shortOne::throwIfAny).hasMessageContaining(TrustedProxies.CDN_ORIGIN_SECRET)
                .hasMessageContaining("at least 32");
    }
}
