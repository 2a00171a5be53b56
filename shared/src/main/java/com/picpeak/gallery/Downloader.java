package com.picpeak.gallery;

/**
 * Who downloads, as the download limit and the activity count it. The one place a guest request becomes those
 * keys: {@code limitKey} names whose downloads a limit counts ("per guest where the event has guest identity, per
 * gallery otherwise"), {@code activityKey} whom the activity report names.
 *
 * <p>Where the event has guest identity (the session names the guest), both keys are that guest's; otherwise every
 * guest of a gallery shares its limit ({@link #WHOLE_GALLERY}), and the activity names the guest's session. An API
 * token counts as its own downloader.
 */
public record Downloader(String limitKey, String activityKey) {
    /** The limit key of a gallery without guest identity: one count shared by all its guests. */
    public static final String WHOLE_GALLERY = "gallery";
    /** The activity key of a request with no session (a gallery without password, reached without signing in). */
    public static final String NO_SESSION = "anonymous";

    public Downloader {
        if (limitKey == null || limitKey.isEmpty() || activityKey == null || activityKey.isEmpty()) {
            throw new IllegalArgumentException("a downloader needs both keys");
        }
    }

    /** The downloader of a guest request: the one seam from a guest's session to the keys limits and activity use. */
    public static Downloader of(GalleryService.GuestAccess access) {
        if (access.apiToken() != null) { // the photographer's automation: its own count, not the guests'
            String key = "token:" + access.apiToken().id();
            return new Downloader(key, key);
        }
        if (access.guestId().isPresent()) { // the event has guest identity: each guest their own count
            String key = "guest:" + access.guestId().get();
            return new Downloader(key, key);
        }
        GuestSessions.Session session = access.session();
        return new Downloader(WHOLE_GALLERY, session == null ? NO_SESSION : "session:" + session.sessionId());
    }
}
