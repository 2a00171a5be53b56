package com.picpeak.gallery;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An event's guests (docs/selections.md): created by the admin with a PIN shown once, or at the door by the name
 * they give; renamed, merged (the same person twice: the picks join) and removed by the admin. A PIN is kept only
 * as a keyed hash: a new one ends the guest's sessions (their generation rises).
 */
public final class Guests {
    public static final int MAX_NAME_LENGTH = 100;
    public static final int MAX_EMAIL_LENGTH = 254;
    private static final int PIN_ATTEMPTS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final GuestStore store;
    private final FavouriteStore favourites;
    private final byte[] pinKey;
    private final Clock clock;

    /** @param keyMaterial what every instance on the catalog shares ({@code ServerSecret}): PIN hashes derive from it */
    public Guests(GuestStore store, FavouriteStore favourites, byte[] keyMaterial, Clock clock) {
        this.store = store;
        this.favourites = favourites;
        this.pinKey = Hmac.expand(keyMaterial, "picpeak guest pin v1");
        this.clock = clock;
    }

    /** A guest with its PIN in clear: only in the answer that made the PIN. */
    public record WithPin(GuestStore.Guest guest, String pin) {
    }

    /** A new guest with a generated 6-digit PIN (unique in the event); its name signs in too where it is free. */
    public WithPin create(String slug, String name, String email) {
        String cleanName = name(name);
        String cleanEmail = email(email);
        String id = HexFormat.of().formatHex(randomBytes(6));
        boolean claimName = store.byName(slug, fold(cleanName)).isEmpty();
        for (int i = 0; i < PIN_ATTEMPTS; i++) {
            String pin = newPin();
            GuestStore.Guest guest = new GuestStore.Guest(slug, id, cleanName, cleanEmail,
                    claimName ? fold(cleanName) : null, pinHash(slug, pin), 0, clock.instant());
            if (store.create(guest)) {
                return new WithPin(guest, pin);
            }
            claimName = claimName && store.byName(slug, fold(cleanName)).isEmpty();
        }
        throw new PicPeakException(ErrorCode.CONFLICT, "no free PIN was found for a new guest of '" + slug
                + "': try again");
    }

    public List<GuestStore.Guest> list(String slug) {
        return store.list(slug);
    }

    public GuestStore.Guest get(String slug, String guestId) {
        return store.find(slug, guestId).orElseThrow(() -> notFound(slug, guestId));
    }

    public Optional<GuestStore.Guest> find(String slug, String guestId) {
        return store.find(slug, guestId);
    }

    /** A new PIN for the guest: the old one stops working and the guest's sessions end. */
    public WithPin resetPin(String slug, String guestId) {
        for (int i = 0; i < PIN_ATTEMPTS; i++) {
            GuestStore.Guest current = get(slug, guestId);
            String pin = newPin();
            GuestStore.Guest changed = new GuestStore.Guest(slug, guestId, current.name(), current.email(),
                    current.nameKey(), pinHash(slug, pin), current.generation() + 1, current.createdAt());
            if (store.replace(current, changed)) {
                return new WithPin(changed, pin);
            }
        }
        throw new PicPeakException(ErrorCode.CONFLICT, "the guest '" + guestId + "' is being changed right now: try again");
    }

    /** A new name (and email, when given): the new name signs in as this guest; 409 when another guest has it. */
    public GuestStore.Guest rename(String slug, String guestId, String name, String email) {
        GuestStore.Guest current = get(slug, guestId);
        String cleanName = name == null ? current.name() : name(name);
        String cleanEmail = email == null ? current.email() : email.isEmpty() ? null : email(email);
        String nameKey = fold(cleanName);
        if (store.byName(slug, nameKey).filter(other -> !other.equals(guestId)).isPresent()) {
            throw new PicPeakException(ErrorCode.CONFLICT, "another guest of '" + slug + "' is called '" + cleanName
                    + "': merge the two instead");
        }
        GuestStore.Guest changed = new GuestStore.Guest(slug, guestId, cleanName, cleanEmail, nameKey,
                current.pinHash(), current.generation(), current.createdAt());
        if (!store.replace(current, changed)) {
            throw new PicPeakException(ErrorCode.CONFLICT, "the guest '" + guestId + "' changed meanwhile: try again");
        }
        return changed;
    }

    /**
     * Merges guest {@code fromId} into {@code intoId} (the same person twice): the picks join (the cap does not
     * apply to a merge), the merged guest's name signs in as the kept one, and the merged guest is gone (its
     * sessions end, its PIN stops working).
     */
    public GuestStore.Guest merge(String slug, String intoId, String fromId) {
        if (intoId.equals(fromId)) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "a guest cannot be merged into itself");
        }
        GuestStore.Guest into = get(slug, intoId);
        GuestStore.Guest from = get(slug, fromId);
        String intoOwner = Favourites.guestOwner(intoId);
        String fromOwner = Favourites.guestOwner(fromId);
        for (FavouriteStore.Favourite favourite : favourites.favourites(slug, fromOwner)) {
            favourites.add(slug, intoOwner, intoId, favourite);
        }
        favourites.remove(slug, fromOwner);
        store.remove(from);
        if (from.nameKey() != null) {
            store.pointName(slug, from.nameKey(), intoId);
        }
        return into;
    }

    /** Removes the guest and their selection. */
    public void remove(String slug, String guestId) {
        GuestStore.Guest guest = get(slug, guestId);
        favourites.remove(slug, Favourites.guestOwner(guestId));
        store.remove(guest);
    }

    /** The guest a name signs in as: found by the name (any case), or made now. */
    GuestStore.Guest atTheDoor(String slug, String name, String email) {
        String cleanName = name(name);
        String nameKey = fold(cleanName);
        for (int i = 0; i < 3; i++) {
            Optional<GuestStore.Guest> known = store.byName(slug, nameKey).flatMap(id -> store.find(slug, id));
            if (known.isPresent()) {
                return known.get();
            }
            GuestStore.Guest guest = new GuestStore.Guest(slug, HexFormat.of().formatHex(randomBytes(6)), cleanName,
                    email == null || email.isEmpty() ? null : email(email), nameKey, null, 0, clock.instant());
            if (store.create(guest)) {
                return guest;
            }
        }
        throw new PicPeakException(ErrorCode.CONFLICT, "signing in as '" + cleanName + "' raced another request: "
                + "try again");
    }

    /** The guest a PIN belongs to. */
    Optional<GuestStore.Guest> byPin(String slug, String pin) {
        return store.byPin(slug, pinHash(slug, pin.strip())).flatMap(id -> store.find(slug, id));
    }

    private String pinHash(String slug, String pin) {
        return HexFormat.of().formatHex(Hmac.sha256(pinKey, slug + "|" + pin), 0, 16);
    }

    private static String newPin() {
        return String.format("%06d", RANDOM.nextInt(1_000_000));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** A name as compared: stripped, lower case. */
    static String fold(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    /** A guest's name: 1 to 100 characters, not blank, no control characters; 400 otherwise. */
    static String name(String name) {
        if (name == null || name.isBlank() || name.strip().length() > MAX_NAME_LENGTH) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"name\" must be 1 to " + MAX_NAME_LENGTH
                    + " characters");
        }
        if (name.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"name\" contains a control character");
        }
        return name.strip();
    }

    static String email(String email) {
        if (email == null || email.isEmpty()) {
            return null;
        }
        String clean = email.strip();
        if (clean.length() > MAX_EMAIL_LENGTH || clean.indexOf('@') < 1 || clean.chars().anyMatch(
                c -> Character.isWhitespace(c) || Character.isISOControl(c) || c == '<' || c == '>' || c == '"')) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"email\" must be an email address such as "
                    + "anna@example.com (at most " + MAX_EMAIL_LENGTH + " characters)");
        }
        return clean;
    }

    static PicPeakException notFound(String slug, String guestId) {
        return new PicPeakException(ErrorCode.NOT_FOUND, "event '" + slug + "' has no guest '" + guestId + "'");
    }
}
