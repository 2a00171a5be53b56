package com.picpeak.gallery;

import com.picpeak.error.TooManyRequestsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Holds back clients that guess a gallery's password, before their password is checked (each check costs about
 * 0.1 s of PBKDF2): a try is taken from the client's count in the catalog first, as if it failed, and given back
 * when the password was right. Counted per gallery and client (see {@link GuessPolicy}; rows in {@link GuessStore}),
 * so every instance counts together and a client held back at one gallery, or behind one address, holds back no
 * one else: another client with the right password gets in during an attack. When a whole gallery is under attack
 * every client loses its free wrong passwords there, but a right password still works at the first try, and the
 * photographer's admin token is never throttled here. Whatever the number of clients (each IPv6 /64 is one), a
 * gallery checks at most {@link GuessPolicy#galleryChecksPerMinute} wrong passwords a minute: a try that finds its
 * budget used up is refused (429, nothing checked, nothing counted) until the next check comes back, so the CPU
 * its guessers cost is bounded; a right password gives its check back, so guests signing in never use it up.
 */
public final class PasswordGuesses {
    private static final Logger log = LoggerFactory.getLogger(PasswordGuesses.class);
    /** Conditional writes lost to the same client's other requests before it is told to wait a second. */
    private static final int TRIES = 5;

    private final GuessStore store;
    private final GuessPolicy policy;
    private final byte[] clientKey;
    private final Clock clock;

    /** @param keyMaterial what every instance on the catalog shares ({@code ServerSecret}): client hashes derive from it */
    public PasswordGuesses(GuessStore store, GuessPolicy policy, byte[] keyMaterial, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.clientKey = Hmac.expand(keyMaterial, "picpeak password guesses v1");
        this.clock = clock;
    }

    /** A try taken: counted as the client's {@code failures}-th wrong password until {@link #succeeded}. */
    public record Attempt(String slug, String address, String client, int failures, Instant heldUntil) {
    }

    /**
     * Takes one try for the client at the gallery.
     *
     * @throws TooManyRequestsException while the client is held back, with how long it has to wait
     */
    public Attempt begin(String slug, String address) {
        String client = clientHash(address);
        // the gallery's budget first, read only: while an attack keeps it used up, a refused try costs one read
        Duration budgetWait = store.checkWait(slug, clock.instant(), policy.checkInterval(), policy.checkBurst());
        if (!budgetWait.isZero()) {
            throw galleryBusy(slug, budgetWait);
        }
        boolean checkTaken = false;
        for (int i = 0; i < TRIES; i++) {
            Instant now = clock.instant();
            Optional<GuessStore.ClientRow> row = store.client(slug, client);
            if (row.isPresent() && row.get().heldUntil() != null && row.get().heldUntil().isAfter(now)) {
                Duration wait = Duration.between(now, row.get().heldUntil());
                throw heldBack(slug, wait);
            }
            boolean remembered = row.isPresent() && row.get().lastFailureAt().plus(policy.resetAfter()).isAfter(now);
            int failures = (remembered ? row.get().failures() : 0) + 1;
            int free = underAttack(slug, now) ? 0 : policy.freeFailures();
            Duration hold = policy.holdAfter(failures, free);
            Instant heldUntil = hold.isZero() ? null : now.plus(hold);
            Instant expires = (heldUntil == null ? now : heldUntil).plus(policy.resetAfter());
            if (!checkTaken) {
                Duration busy = store.takeCheck(slug, now, policy.checkInterval(), policy.checkBurst());
                if (!busy.isZero()) {
                    throw galleryBusy(slug, busy);
                }
                checkTaken = true;
            }
            if (store.replaceClient(slug, client, row.map(GuessStore.ClientRow::failures).orElse(null),
                    new GuessStore.ClientRow(failures, now, heldUntil), expires)) {
                return new Attempt(slug, address, client, failures, heldUntil);
            }
        }
        if (checkTaken) {
            store.returnCheck(slug, policy.checkInterval());
        }
        throw heldBack(slug, Duration.ofSeconds(1)); // its other requests took every try just now
    }

    /** The password was right: the client's count at the gallery starts over, and the check goes back. */
    public void succeeded(Attempt attempt) {
        store.forgetClient(attempt.slug(), attempt.client());
        store.returnCheck(attempt.slug(), policy.checkInterval());
    }

    /**
     * The password was wrong (the try already counts as such): counts it for the gallery too, logs it, and
     * returns how long the client now has to wait (zero while it has free ones left).
     */
    public Duration failed(Attempt attempt) {
        Instant now = clock.instant();
        long hour = now.getEpochSecond() / 3600;
        long atEvent = store.addEventFailure(attempt.slug(), hour);
        Duration wait = attempt.heldUntil() == null || !attempt.heldUntil().isAfter(now) ? Duration.ZERO
                : Duration.between(now, attempt.heldUntil());
        if (wait.isZero()) {
            log.info("wrong password for gallery {} from {} (client {}: {} wrong)", attempt.slug(), attempt.address(),
                    attempt.client(), attempt.failures());
        } else {
            log.warn("wrong password for gallery {} from {} (client {}: {} wrong): held back for {} s", attempt.slug(),
                    attempt.address(), attempt.client(), attempt.failures(), TooManyRequestsException.wholeSeconds(wait));
        }
        if (atEvent == policy.eventFailuresPerHour()) {
            log.warn("gallery {} has had {} wrong passwords this hour: until the hour ends, every client is held back "
                    + "from its first wrong password on", attempt.slug(), atEvent);
        }
        return wait;
    }

    String clientHash(String address) {
        return HexFormat.of().formatHex(Hmac.sha256(clientKey, ClientAddresses.network(address)), 0, 8);
    }

    private boolean underAttack(String slug, Instant now) {
        return store.eventFailures(slug, now.getEpochSecond() / 3600) >= policy.eventFailuresPerHour();
    }

    private static TooManyRequestsException galleryBusy(String slug, Duration wait) {
        // not logged: a refusal costs nothing, and an attack would write a line per try
        return new TooManyRequestsException("gallery '" + slug + "' is checking too many wrong passwords right now: "
                + "try again in " + TooManyRequestsException.wholeSeconds(wait) + " s", wait);
    }

    private static TooManyRequestsException heldBack(String slug, Duration wait) {
        return new TooManyRequestsException("too many wrong passwords for gallery '" + slug + "' from your address: "
                + "try again in " + TooManyRequestsException.wholeSeconds(wait) + " s", wait);
    }
}
