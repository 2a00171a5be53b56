package com.picpeak.gallery;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Photo;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.notify.DomainEvent;
import com.picpeak.notify.DomainEventSink;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A guest's favourites and the selection they send to the photographer (docs/selections.md). A selection belongs
 * to the guest where the event has guest identity, else to the session. The event's favourites limit is held by
 * the store's conditional write; a sent selection refuses changes (409 {@code selection_submitted}) until the
 * admin unlocks it. Sending publishes {@code selection.submitted}.
 */
public final class Favourites {
    public static final int MAX_NOTE_LENGTH = 2000;

    private final Catalog catalog;
    private final FavouriteStore store;
    private final Guests guests;
    private final DomainEventSink events;
    private final Clock clock;

    public Favourites(Catalog catalog, FavouriteStore store, Guests guests, DomainEventSink events, Clock clock) {
        this.catalog = catalog;
        this.store = store;
        this.guests = guests;
        this.events = events;
        this.clock = clock;
    }

    /** A selection as shown: its id, its guest (empty without identity), count, limit, state and favourites. */
    public record View(String selectionId, Optional<String> guestId, long count, Integer limit, Instant submittedAt,
                       String note, List<FavouriteStore.Favourite> favourites) {
    }

    /** The selection id of a guest's picks. */
    public static String guestOwner(String guestId) {
        return "g-" + guestId;
    }

    /** The selection id of an anonymous session's picks. */
    static String sessionOwner(String sessionId) {
        return "s-" + sessionId;
    }

    /** Whose picks a request changes: its guest's, else its session's (a gallery without password signs in too). */
    static String owner(GalleryService.GuestAccess access) {
        GuestSessions.Session session = access.session();
        if (session == null) {
            throw new PicPeakException(ErrorCode.UNAUTHORIZED, "favourites belong to a session: POST /api/gallery/"
                    + access.event().slug() + "/auth first");
        }
        return session.guestId().map(Favourites::guestOwner).orElseGet(() -> sessionOwner(session.sessionId()));
    }

    public View mine(GalleryService.GuestAccess access) {
        return view(access.event(), owner(access));
    }

    public View mark(GalleryService.GuestAccess access, Photo photo) {
        Event event = access.event();
        String owner = owner(access);
        Integer limit = event.guests().favouritesLimit();
        switch (store.mark(event.slug(), owner, access.guestId().orElse(null), photo.id(), photo.filename(), limit,
                clock.instant())) {
            case OVER_LIMIT -> throw new PicPeakException(ErrorCode.FAVOURITES_LIMIT, "gallery '" + event.slug()
                    + "' allows " + limit + " favourites: unmark one first");
            case SUBMITTED -> throw submitted(event.slug());
            default -> {
            }
        }
        return view(event, owner);
    }

    /** Unmarks the photo (by id: a photo deleted meanwhile has left the selection already). */
    public View unmark(GalleryService.GuestAccess access, String photoId) {
        Event event = access.event();
        String owner = owner(access);
        if (store.unmark(event.slug(), owner, photoId) == FavouriteStore.Change.SUBMITTED) {
            throw submitted(event.slug());
        }
        return view(event, owner);
    }

    /** Sends the selection to the photographer with an optional note: locked until the admin unlocks it. */
    public View submit(GalleryService.GuestAccess access, String note) {
        Event event = access.event();
        String owner = owner(access);
        String cleanNote = note(note);
        Instant now = clock.instant();
        Optional<String> guestId = access.guestId();
        if (!store.submit(event.slug(), owner, guestId.orElse(null), cleanNote, now)) {
            throw submitted(event.slug());
        }
        View view = view(event, owner);
        String guestName = guestId.flatMap(id -> guests.find(event.slug(), id)).map(GuestStore.Guest::name).orElse(null);
        events.publish(DomainEvent.selectionSubmitted(event.slug(), owner, guestId.orElse(null), guestName,
                view.count(), cleanNote, now));
        return view;
    }

    // ---- the photographer's side ----

    /** Every selection of the event (or the one of {@code selectionOrGuestId}), with their favourites. */
    public List<View> selections(Event event, String selectionOrGuestId) {
        if (selectionOrGuestId != null) {
            String owner = selectionOrGuestId.startsWith("g-") || selectionOrGuestId.startsWith("s-")
                    ? selectionOrGuestId : guestOwner(selectionOrGuestId);
            if (store.selection(event.slug(), owner).isEmpty()) {
                throw new PicPeakException(ErrorCode.NOT_FOUND, "event '" + event.slug() + "' has no selection of '"
                        + selectionOrGuestId + "'");
            }
            return List.of(view(event, owner));
        }
        return store.selections(event.slug()).stream().map(s -> view(event, s)).toList();
    }

    /** The count of each guest's selection (0 for a guest who marked nothing). */
    public long count(String slug, String guestId) {
        return store.selection(slug, guestOwner(guestId)).map(FavouriteStore.Selection::count).orElse(0L);
    }

    public Optional<FavouriteStore.Selection> selectionOf(String slug, String guestId) {
        return store.selection(slug, guestOwner(guestId));
    }

    /** Opens a sent selection again. */
    public View unlock(Event event, String selectionOrGuestId) {
        String owner = selectionOrGuestId.startsWith("g-") || selectionOrGuestId.startsWith("s-")
                ? selectionOrGuestId : guestOwner(selectionOrGuestId);
        if (!store.unlock(event.slug(), owner, clock.instant())) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "event '" + event.slug() + "' has no selection '"
                    + selectionOrGuestId + "'");
        }
        return view(event, owner);
    }

    /** A deleted photo leaves every selection that held it. */
    public void photoDeleted(String slug, String photoId) {
        for (String owner : store.ownersOf(slug, photoId)) {
            store.drop(slug, owner, photoId);
        }
    }

    private View view(Event event, String owner) {
        return view(event, store.selection(event.slug(), owner).orElse(
                new FavouriteStore.Selection(event.slug(), owner, null, 0, null, null, null)));
    }

    private View view(Event event, FavouriteStore.Selection selection) {
        List<FavouriteStore.Favourite> favourites = selection.count() == 0 && selection.updatedAt() == null ? List.of()
                : store.favourites(event.slug(), selection.owner());
        Optional<String> guestId = selection.owner().startsWith("g-")
                ? Optional.of(selection.owner().substring(2)) : Optional.empty();
        return new View(selection.owner(), guestId, favourites.size(), event.guests().favouritesLimit(),
                selection.submittedAt(), selection.note(), favourites);
    }

    private static String note(String note) {
        if (note == null || note.isBlank()) {
            return null;
        }
        if (note.length() > MAX_NOTE_LENGTH) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"note\" must be at most " + MAX_NOTE_LENGTH
                    + " characters");
        }
        if (note.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"note\" contains a control character");
        }
        return note.strip();
    }

    static PicPeakException submitted(String slug) {
        return new PicPeakException(ErrorCode.SELECTION_SUBMITTED, "this selection of gallery '" + slug + "' was sent "
                + "to the photographer: ask them to unlock it to change it");
    }
}
