package com.picpeak.migrate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.GuestPolicy;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.catalog.Protection;
import com.picpeak.rendition.DownloadSize;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.autoimport.ExternalFolders;
import com.picpeak.gallery.EventService;
import com.picpeak.gallery.PasswordHasher;
import com.picpeak.catalog.Names;
import com.picpeak.media.ImageType;
import com.picpeak.storage.Keys;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A backup's rows, read strictly and checked as the import path checks what it stores: a restore trusts no
 * field of a backup, which may have been edited by hand or crafted. Every slug, file name and photo id must
 * be valid; a photo's key must be exactly {@code Keys.original(slug, filename)} (for a referenced file,
 * {@code external/<folder>/<filename>}, one folder per event), its thumbnail {@code Keys.thumbnail(slug, id)},
 * its row among its own event's, a referenced file's folder one inside the restoring server's EXTERNAL_MEDIA_ROOT
 * ({@link ExternalFolders#insideRoot}: no symlink out); a title by the admin API's rule
 * ({@link EventService#titleProblem}: no control characters), a password hash one this server makes (PBKDF2
 * iterations bounded: {@link PasswordHasher#isHashThisServerMakes}); the hero must be one of the event's photos at {@code Keys.hero(slug, id)};
 * every manifest key a valid key. Rows that the catalog would refuse half-way (a duplicate id, file name or
 * content in an event; a photo count that does not match) are refused too. Problems are collected with their
 * file and line over the whole backup, so that {@link #finish} refuses it before anything is written.
 */
final class RestoreCheck {
    static final int SHOWN_PROBLEMS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> PHOTO_TYPES = Set.of(ImageType.JPEG.contentType(), ImageType.PNG.contentType(),
            ImageType.WEBP.contentType());

    /** The restoring server's EXTERNAL_MEDIA_ROOT: referenced files must be in a folder inside it. */
    private final Optional<Path> externalRoot;
    private final List<String> problems = new ArrayList<>();
    private int problemCount;
    private final Set<String> slugs = new HashSet<>();
    private EventRows current;
    private boolean unreadableEvent;

    RestoreCheck(Optional<Path> externalRoot) {
        this.externalRoot = externalRoot;
    }

    /** The event being read, with what its photo rows must agree with. */
    private static final class EventRows {
        final Event event;
        final int line;
        final Set<String> ids = new HashSet<>();
        final Set<String> filenames = new HashSet<>();
        final Set<String> contents = new HashSet<>();
        String externalFolder;
        int photos;

        EventRows(Event event, int line) {
            this.event = event;
            this.line = line;
        }
    }

    /** One line of {@value BackupService#CATALOG} (1-based line numbers). */
    void catalogLine(String text, int line) {
        if (text.isBlank()) {
            return;
        }
        String where = BackupService.CATALOG + " line " + line;
        try {
            Map<?, ?> row = parse(text);
            Object type = row.get("type");
            if ("event".equals(type)) {
                endEvent();
                unreadableEvent = true; // until its row is read: the photo rows of an unreadable one add nothing
                checkEvent(where, line, row);
                unreadableEvent = false;
            } else if ("photo".equals(type)) {
                checkPhoto(row);
            } else {
                throw refused("a row of type " + shown(type) + ": only \"event\" and \"photo\" rows are restored");
            }
        } catch (PicPeakException e) {
            problem(where + ": " + e.getMessage());
        }
    }

    /** One line of {@value BackupService#MANIFEST}. */
    void manifestLine(String text, int line) {
        if (text.isBlank()) {
            return;
        }
        String where = BackupService.MANIFEST + " line " + line;
        try {
            Map<?, ?> row = parse(text);
            Keys.validate(text(row, "key"));
            if (whole(row, "size") < 0) {
                throw refused("\"size\" is negative");
            }
            sha256(row);
        } catch (PicPeakException e) {
            problem(where + ": " + e.getMessage());
        }
    }

    /** @throws PicPeakException INVALID_BACKUP naming every problem found (the first {@value #SHOWN_PROBLEMS}) */
    void finish() {
        endEvent();
        if (problemCount == 0) {
            return;
        }
        StringBuilder message = new StringBuilder("backup refused, nothing was restored (")
                .append(problemCount).append(problemCount == 1 ? " problem):" : " problems):");
        problems.forEach(p -> message.append("\n  ").append(p));
        if (problemCount > problems.size()) {
            message.append("\n  ... and ").append(problemCount - problems.size()).append(" more");
        }
        throw new PicPeakException(ErrorCode.INVALID_BACKUP, message.toString());
    }

    private void checkEvent(String where, int line, Map<?, ?> row) {
        Event event = event(row);
        current = new EventRows(event, line); // its photo rows are checked against it even if its slug is refused
        String slug = event.slug();
        try {
            Names.slug(slug);
        } catch (PicPeakException e) {
            problem(where + ": " + e.getMessage());
        }
        if (!slugs.add(slug)) {
            problem(where + ": event '" + slug + "' is in the backup twice");
        }
        String titleProblem = EventService.titleProblem(event.title());
        if (titleProblem != null) {
            problem(where + ": event '" + slug + "': " + titleProblem);
        }
        if (event.passwordHash() != null && !PasswordHasher.isHashThisServerMakes(event.passwordHash())) {
            problem(where + ": event '" + slug + "': \"passwordHash\" is not a hash this server makes (pbkdf2-sha256, "
                    + PasswordHasher.MIN_ITERATIONS + " to " + PasswordHasher.MAX_ITERATIONS + " iterations, a 16-byte "
                    + "salt, a 32-byte hash)");
        }
        if (event.revision() < 0 || event.photoCount() < 0) {
            problem(where + ": event '" + slug + "': \"revision\" and \"photoCount\" cannot be negative");
        }
        if ((event.heroPhotoId() == null) != (event.heroKey() == null)) {
            problem(where + ": event '" + slug + "': \"heroPhotoId\" and \"heroKey\" come together or not at all");
        } else if (event.heroPhotoId() != null) {
            if (!Names.isPhotoId(event.heroPhotoId())) {
                problem(where + ": event '" + slug + "': hero photo id " + shown(event.heroPhotoId())
                        + " is not a photo id");
            } else if (!event.heroKey().equals(Keys.hero(slug, event.heroPhotoId()))) {
                problem(where + ": event '" + slug + "': hero key " + shown(event.heroKey()) + " is not '"
                        + Keys.hero(slug, event.heroPhotoId()) + "', the event's own");
            }
        }
    }

    private void checkPhoto(Map<?, ?> row) {
        if (current == null) {
            if (unreadableEvent) {
                return;
            }
            throw refused("a photo row comes before any event row");
        }
        current.photos++;
        Photo photo = photo(row);
        String slug = current.event.slug();
        String what = "photo " + shown(photo.id()) + " of event '" + slug + "': ";
        if (!slug.equals(photo.eventSlug())) {
            throw refused(what + "its row says event " + shown(photo.eventSlug())
                    + ": a photo row must follow its own event's row");
        }
        if (!Names.isPhotoId(photo.id())) {
            throw refused("photo id " + shown(photo.id()) + " of event '" + slug + "' is not a photo id "
                    + "(8 to 32 characters of 0-9 and a-z)");
        }
        if (!current.ids.add(photo.id())) {
            throw refused(what + "the id is in the event twice");
        }
        try {
            Names.filename(photo.filename());
        } catch (PicPeakException e) {
            throw refused(what + e.getMessage());
        }
        if (!current.filenames.add(photo.filename())) {
            throw refused(what + "file name '" + photo.filename() + "' is in the event twice");
        }
        checkKey(what, slug, photo);
        String thumbnail = Keys.thumbnail(slug, photo.id());
        if (!thumbnail.equals(photo.thumbnailKey())) {
            throw refused(what + "thumbnail key " + shown(photo.thumbnailKey()) + " is not '" + thumbnail + "'");
        }
        if (!PHOTO_TYPES.contains(photo.contentType())) {
            throw refused(what + "content type " + shown(photo.contentType()) + " is not one of " + PHOTO_TYPES);
        }
        if (photo.size() <= 0 || photo.crc32() < 0 || photo.crc32() > 0xffffffffL || photo.width() <= 0
                || photo.height() <= 0) {
            throw refused(what + "size, width and height must be positive, crc32 a 32-bit checksum");
        }
        if (!current.contents.add(photo.sha256())) {
            throw refused(what + "its content (sha256 " + photo.sha256() + ") is in the event twice");
        }
        if (photo.uploadedAt() == null) {
            throw refused(what + "\"uploadedAt\" is missing");
        }
    }

    /** The original's key: where the import path stores the file, or the referenced file of the event's folder. */
    private void checkKey(String what, String slug, Photo photo) {
        String key = photo.key();
        if (photo.source() != PhotoSource.EXTERNAL) {
            String expected = Keys.original(slug, photo.filename());
            if (!expected.equals(key)) {
                throw refused(what + "key " + shown(key) + " is not '" + expected + "', where its file is stored");
            }
            return;
        }
        String suffix = "/" + photo.filename();
        if (key == null || !key.startsWith(Keys.EXTERNAL_PREFIX) || !key.endsWith(suffix)
                || key.length() <= Keys.EXTERNAL_PREFIX.length() + suffix.length()) {
            throw refused(what + "key " + shown(key) + " of a referenced file is not external/<folder>/"
                    + photo.filename());
        }
        try {
            Keys.validate(key);
        } catch (PicPeakException e) {
            throw refused(what + e.getMessage());
        }
        String folder = key.substring(Keys.EXTERNAL_PREFIX.length(), key.length() - suffix.length());
        if (current.externalFolder == null) {
            if (externalRoot.isEmpty()) {
                throw refused(what + "it references a file in external folder " + shown(folder) + ", but this "
                        + "server has no EXTERNAL_MEDIA_ROOT: set it to the folder that holds referenced media");
            }
            try {
                ExternalFolders.insideRoot(externalRoot.get(), folder);
            } catch (PicPeakException e) {
                throw refused(what + "external folder: " + e.getMessage());
            }
            current.externalFolder = folder;
        } else if (!current.externalFolder.equals(folder)) {
            throw refused(what + "key " + shown(key) + " is in folder '" + folder + "', but the event's other "
                    + "referenced files are in '" + current.externalFolder + "': an event references one folder");
        }
    }

    /** What can be checked only once all of an event's photo rows are read. */
    private void endEvent() {
        if (current == null) {
            return;
        }
        Event event = current.event;
        String where = BackupService.CATALOG + " line " + current.line + ": event '" + event.slug() + "': ";
        if (event.photoCount() != current.photos) {
            problem(where + "\"photoCount\" is " + event.photoCount() + " but the backup has " + current.photos
                    + " photo rows for it");
        } else if (event.revision() < current.photos) {
            problem(where + "\"revision\" " + event.revision() + " is lower than its number of photos");
        }
        if (event.heroPhotoId() != null && !current.ids.contains(event.heroPhotoId())) {
            problem(where + "hero photo " + shown(event.heroPhotoId()) + " is not one of its photos");
        }
        current = null;
    }

    private void problem(String text) {
        problemCount++;
        if (problems.size() < SHOWN_PROBLEMS) {
            problems.add(text);
        }
    }

    // ---- strict reading of rows (also used by the restore itself, once the backup is checked) ----

    static Map<?, ?> parse(String line) {
        try {
            Object value = JSON.readValue(line, Object.class);
            if (value instanceof Map<?, ?> map) {
                return map;
            }
        } catch (JsonProcessingException e) {
            throw refused("the line is not JSON: " + e.getOriginalMessage());
        }
        throw refused("the line is not a JSON object");
    }

    static Event event(Map<?, ?> r) {
        return new Event(text(r, "slug"), optionalText(r, "title"), optionalText(r, "passwordHash"),
                time(r, "expiresAt"), flag(r, "active"), flag(r, "allowDownloads"), flag(r, "watermarkDownloads"),
                flag(r, "allowDirectS3Download"), whole(r, "revision"), optionalText(r, "heroPhotoId"),
                optionalText(r, "heroKey"), whole(r, "photoCount"), time(r, "createdAt"), time(r, "updatedAt"),
                time(r, "archivedAt"), protection(r.get("protection")), downloadSizes(r.get("downloadSizes")),
                guests(r.get("guestIdentity"), r.get("favouritesLimit")), downloadLimit(r.get("downloadLimit")));
    }

    /** Backups made before guest identity existed have none: anonymous guests, no favourites cap. */
    private static GuestPolicy guests(Object identity, Object favouritesLimit) {
        if (identity != null && !(identity instanceof String)) {
            throw refused("\"guestIdentity\" must be none, name or pin");
        }
        if (favouritesLimit != null && !(favouritesLimit instanceof Integer)) {
            throw refused("\"favouritesLimit\" must be a whole number of photos");
        }
        try {
            return new GuestPolicy(identity == null ? GuestPolicy.Identity.NONE : GuestPolicy.Identity.parse((String) identity),
                    (Integer) favouritesLimit);
        } catch (PicPeakException e) {
            throw refused(e.getMessage());
        }
    }

    /** Backups made before the setting existed have none: no limit. */
    private static Integer downloadLimit(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Integer limit) || limit < 0) {
            throw refused("\"downloadLimit\" must be a whole number of photos");
        }
        return limit;
    }

    /** Backups made before the setting existed have none: the default. Only known size names pass. */
    private static List<String> downloadSizes(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> names)) {
            throw refused("\"downloadSizes\" must be a list of size names");
        }
        List<String> sizes = new ArrayList<>();
        for (Object name : names) {
            try {
                sizes.add(DownloadSize.parse(String.valueOf(name), "downloadSizes").wireName());
            } catch (PicPeakException e) {
                throw refused(e.getMessage());
            }
        }
        return sizes;
    }

    static Photo photo(Map<?, ?> r) {
        String source = text(r, "source");
        PhotoSource photoSource;
        try {
            photoSource = PhotoSource.fromWireName(source);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
        return new Photo(text(r, "id"), text(r, "event"), text(r, "key"), text(r, "thumbnailKey"), text(r, "filename"),
                text(r, "contentType"), whole(r, "size"), whole(r, "crc32"), sha256(r), small(r, "width"),
                small(r, "height"), time(r, "takenAt"), time(r, "uploadedAt"), photoSource);
    }

    /** Backups made before protection existed have none: the default. */
    private static Protection protection(Object value) {
        if (value == null) {
            return Protection.DEFAULT;
        }
        if (!(value instanceof Map<?, ?> p)) {
            throw refused("\"protection\" must be an object");
        }
        try {
            return new Protection(Protection.Level.parse(text(p, "level")), flag(p, "watermarkViews"),
                    Protection.Position.parse(text(p, "position")), small(p, "sizePercent"),
                    small(p, "opacityPercent"), small(p, "fragmentationLevel"));
        } catch (PicPeakException | IllegalArgumentException e) {
            throw refused("\"protection\": " + e.getMessage());
        }
    }

    private static String sha256(Map<?, ?> r) {
        String sha256 = text(r, "sha256");
        if (!SHA256.matcher(sha256).matches()) {
            throw refused("\"sha256\" " + shown(sha256) + " is not 64 hex digits");
        }
        return sha256;
    }

    private static String text(Map<?, ?> r, String field) {
        String value = optionalText(r, field);
        if (value == null) {
            throw refused("\"" + field + "\" is missing");
        }
        return value;
    }

    private static String optionalText(Map<?, ?> r, String field) {
        Object value = r.get(field);
        if (value != null && !(value instanceof String)) {
            throw refused("\"" + field + "\" must be a string, not " + shown(value));
        }
        return (String) value;
    }

    private static boolean flag(Map<?, ?> r, String field) {
        if (!(r.get(field) instanceof Boolean value)) {
            throw refused("\"" + field + "\" must be true or false, not " + shown(r.get(field)));
        }
        return value;
    }

    private static long whole(Map<?, ?> r, String field) {
        Object value = r.get(field);
        if (!(value instanceof Integer || value instanceof Long)) {
            throw refused("\"" + field + "\" must be a whole number, not " + shown(value));
        }
        return ((Number) value).longValue();
    }

    private static int small(Map<?, ?> r, String field) {
        long value = whole(r, field);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw refused("\"" + field + "\" is out of range");
        }
        return (int) value;
    }

    private static Instant time(Map<?, ?> r, String field) {
        String value = optionalText(r, field);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw refused("\"" + field + "\" " + shown(value) + " is not a time like 2026-05-01T12:00:00Z");
        }
    }

    private static PicPeakException refused(String why) {
        return new PicPeakException(ErrorCode.INVALID_BACKUP, why);
    }

    /** A value as it can be shown in one line of a message: quoted, control characters escaped, cut at 120. */
    private static String shown(Object value) {
        if (value == null) {
            return "null";
        }
        String text = String.valueOf(value);
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < Math.min(text.length(), 120); i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.append(text.length() > 120 ? "...'" : "'").toString();
    }
}
