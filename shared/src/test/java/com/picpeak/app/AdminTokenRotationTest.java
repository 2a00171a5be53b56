package com.picpeak.app;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin token from a secret rotates without a new deployment: read again when old, or after a mismatch, bounded. */
class AdminTokenRotationTest {
    static final String OLD = "old-token-0123456789abcdef";
    static final String NEW = "new-token-0123456789abcdef";

    final TestClock clock = new TestClock(Instant.parse("2026-11-30T08:00:00Z"));
    final AtomicReference<String> secret = new AtomicReference<>(OLD);
    final AtomicInteger reads = new AtomicInteger();
    final AdminToken token = readOnce(AdminToken.fromSecret(() -> {
        reads.incrementAndGet();
        return secret.get();
    }, clock));

    /** The token after its first read (as after the first request that needed it); reads are counted from here. */
    private AdminToken readOnce(AdminToken fromSecret) {
        assertThat(fromSecret.current()).isEqualTo(OLD);
        reads.set(0);
        return fromSecret;
    }

    @Test
    void aRotatedSecret_isAcceptedAfterAMismatch_andTheOldTokenIsRefused() {
        secret.set(NEW);
        clock.advance(AdminToken.RETRY_AFTER_MISMATCH.plusSeconds(1));

        assertThat(token.matches(NEW)).isTrue();
        assertThat(reads).hasValue(1);
        assertThat(token.matches(OLD)).isFalse();
    }

    @Test
    void wrongTokens_causeAtMostOneReadPerInterval() {
        clock.advance(AdminToken.RETRY_AFTER_MISMATCH.plusSeconds(1));
        for (int i = 0; i < 100; i++) {
            assertThat(token.matches("wrong-token-" + i)).isFalse();
        }
        assertThat(reads).as("one read for a hundred wrong tokens").hasValue(1);

        clock.advance(AdminToken.RETRY_AFTER_MISMATCH.plusSeconds(1));
        assertThat(token.matches("wrong-again")).isFalse();
        assertThat(reads).hasValue(2);
    }

    @Test
    void aTokenOlderThanItsMaximumAge_isReadAgain_evenWhenOnlyRightTokensArrive() {
        assertThat(token.matches(OLD)).isTrue();
        assertThat(reads).hasValue(0);
        secret.set(NEW);
        clock.advance(AdminToken.MAX_AGE.plus(Duration.ofSeconds(1)));

        assertThat(token.matches(OLD)).as("the old token was rotated away").isFalse();
        assertThat(token.current()).isEqualTo(NEW);
    }

    @Test
    void aSecretThatCannotBeRead_keepsTheTokenInUse() {
        AtomicInteger attempts = new AtomicInteger();
        AdminToken failing = AdminToken.fromSecret(() -> {
            if (attempts.incrementAndGet() > 1) {
                throw new IllegalStateException("Secrets Manager unreachable");
            }
            return OLD;
        }, clock);
        assertThat(failing.current()).as("the first read succeeds").isEqualTo(OLD);
        clock.advance(AdminToken.MAX_AGE.plusSeconds(1));

        assertThat(failing.matches(OLD)).isTrue();
        failing.refresh();
        assertThat(failing.current()).isEqualTo(OLD);
    }

    @Test
    void afterARestore_theSecretIsNotReadInTheHook_butByTheNextRequest() {
        secret.set(NEW);

        token.readAgainWhenNextUsed(); // SnapStart's afterRestore: at most 10 s, no network call in it
        assertThat(reads).as("nothing read inside the restore hook").hasValue(0);

        assertThat(token.matches(NEW)).as("the next request reads the rotated secret").isTrue();
        assertThat(reads).hasValue(1);
        assertThat(token.matches(OLD)).isFalse();
    }

    @Test
    void atAPublish_aSecretRefusedForItsFirstSeconds_isReadOnceTheRoleHasPropagated() {
        AtomicInteger attempts = new AtomicInteger();
        AdminToken propagating = AdminToken.fromSecret(() -> {
            if (attempts.incrementAndGet() <= 2) {
                throw new IllegalStateException("AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue");
            }
            return OLD;
        }, clock);

        assertThat(propagating.awaitFirstRead(Duration.ofSeconds(10), Duration.ofMillis(10))).isEqualTo(OLD);
        assertThat(attempts).hasValue(3);

        AdminToken neverReadable = AdminToken.fromSecret(() -> {
            throw new IllegalStateException("AccessDeniedException");
        }, clock);
        assertThatThrownBy(() -> neverReadable.awaitFirstRead(Duration.ofMillis(50), Duration.ofMillis(10)))
                .isInstanceOf(PicPeakException.class).hasMessageContaining("could not be read");
    }

    @Test
    void aFixedToken_isNeverReadAgain() {
        AdminToken fixed = AdminToken.fixed(OLD);
        assertThat(fixed.matches(OLD)).isTrue();
        assertThat(fixed.matches(NEW)).isFalse();
        assertThat(fixed.matches(null)).isFalse();
    }

    @Test
    void aTokenFromItsSecret_isReadOnlyWhenFirstNeeded_andAnUnreadableSecretAnswers503_retriedAtMostOncePerInterval() {
        AtomicReference<String> value = new AtomicReference<>(null);
        AtomicInteger lazyReads = new AtomicInteger();
        AdminToken lazy = AdminToken.fromSecret(() -> {
            lazyReads.incrementAndGet();
            String read = value.get();
            if (read == null) {
                throw new IllegalStateException("AccessDeniedException: not authorized to secretsmanager:GetSecretValue");
            }
            return read;
        }, clock);
        assertThat(lazyReads).as("nothing read until needed").hasValue(0);
        assertThat(lazy.matches(null)).as("no token presented: nothing to read for").isFalse();
        assertThat(lazyReads).hasValue(0);

        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> lazy.matches(OLD)).isInstanceOfSatisfying(PicPeakException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.ADMIN_TOKEN_UNAVAILABLE);
                assertThat(e.errorCode().httpStatus()).isEqualTo(503);
                assertThat(e.getMessage()).contains("ADMIN_TOKEN_SECRET_ARN").doesNotContain("AccessDenied");
            });
        }
        assertThat(lazyReads).as("ten requests, one read in the interval").hasValue(1);

        value.set(OLD);
        clock.advance(AdminToken.RETRY_AFTER_MISMATCH.plusSeconds(1));
        assertThat(lazy.matches(OLD)).isTrue();
        assertThat(lazy.current()).isEqualTo(OLD);
        assertThat(lazyReads).hasValue(2);
    }
}
