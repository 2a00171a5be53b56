package com.picpeak.catalog;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.util.Locale;

/**
 * Who an event's guests are and how many photos each may pick (docs/selections.md): {@code identity} says what a
 * guest gives at the door after the gallery password ({@link Identity}); {@code favouritesLimit} caps a guest's
 * favourites (null: no cap).
 */
public record GuestPolicy(Identity identity, Integer favouritesLimit) {
    /** Today's behaviour: anonymous sessions, favourites without a cap. */
    public static final GuestPolicy NONE = new GuestPolicy(Identity.NONE, null);
    public static final int MAX_FAVOURITES_LIMIT = 10_000;

    public GuestPolicy {
        identity = identity == null ? Identity.NONE : identity;
        if (favouritesLimit != null && (favouritesLimit < 1 || favouritesLimit > MAX_FAVOURITES_LIMIT)) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"favouritesLimit\" must be 1 to "
                    + MAX_FAVOURITES_LIMIT + ", or null for no cap");
        }
    }

    /** What identifies a guest beyond the gallery password (which it never replaces). */
    public enum Identity {
        /** Anonymous sessions; favourites belong to the session. */
        NONE,
        /** The guest gives a name (and optionally an email): the same name is the same guest. */
        NAME,
        /** The guest gives the PIN the photographer handed out for them. */
        PIN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Identity parse(String value) {
            for (Identity identity : values()) {
                if (identity.wireName().equals(value)) {
                    return identity;
                }
            }
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"guestIdentity\" must be none, name or pin, not '"
                    + value + "'");
        }
    }
}
