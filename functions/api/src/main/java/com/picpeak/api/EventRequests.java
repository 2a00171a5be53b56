package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.catalog.GuestPolicy;
import com.picpeak.catalog.Protection;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.EventPatch;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Reads the admin's event JSON strictly: unknown fields and wrong types are a 400 naming the field. */
final class EventRequests {
    private static final Set<String> FIELDS = Set.of("slug", "title", "password", "expiresAt", "active",
            "allowDownloads", "watermarkDownloads", "allowDirectS3Download", "protectionLevel", "watermarkViews",
            "watermarkPosition", "watermarkSize", "watermarkOpacity", "fragmentationLevel", "downloadSizes", "guestIdentity",
            "favouritesLimit", "downloadLimit");

    private EventRequests() {
    }

    static EventPatch patch(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw bad("the body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw bad("unknown field \"" + name + "\"; known fields: " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        Instant expiresAt = null;
        boolean clearExpiry = false;
        if (body.has("expiresAt")) {
            JsonNode value = body.get("expiresAt");
            if (value.isNull()) {
                clearExpiry = true;
            } else if (!value.isTextual()) {
                throw bad("\"expiresAt\" must be an ISO-8601 instant such as 2026-12-31T23:59:59Z, or null");
            } else {
                try {
                    expiresAt = Instant.parse(value.asText());
                } catch (DateTimeParseException e) {
                    throw bad("\"expiresAt\" '" + value.asText() + "' is not an ISO-8601 instant such as 2026-12-31T23:59:59Z");
                }
            }
        }
        return new EventPatch(JsonFields.text(body, "title"), password(body), expiresAt, clearExpiry, bool(body, "active"),
                bool(body, "allowDownloads"), bool(body, "watermarkDownloads"), bool(body, "allowDirectS3Download"),
                protection(body), downloadSizes(body), guests(body), integer(body, "downloadLimit"),
                body.has("downloadLimit") && body.get("downloadLimit").isNull());
    }

    /** {@code "guestIdentity": "none"|"name"|"pin"}, {@code "favouritesLimit": n} (null: no cap). */
    private static EventPatch.GuestsPatch guests(JsonNode body) {
        String identity = JsonFields.text(body, "guestIdentity");
        boolean clearLimit = body.has("favouritesLimit") && body.get("favouritesLimit").isNull();
        return new EventPatch.GuestsPatch(identity == null ? null : GuestPolicy.Identity.parse(identity),
                integer(body, "favouritesLimit"), clearLimit);
    }

    /** {@code "downloadSizes": ["original","large","web"]}: the names are checked by the event service. */
    private static List<String> downloadSizes(JsonNode body) {
        JsonNode value = body.get("downloadSizes");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw bad("\"downloadSizes\" must be an array of sizes such as [\"original\", \"large\", \"web\"]");
        }
        List<String> sizes = new ArrayList<>();
        for (JsonNode size : value) {
            if (!size.isTextual()) {
                throw bad("\"downloadSizes\" must hold names: original, large, web; not " + size);
            }
            sizes.add(size.asText());
        }
        return sizes;
    }

    private static EventPatch.ProtectionPatch protection(JsonNode body) {
        String level = JsonFields.text(body, "protectionLevel");
        String position = JsonFields.text(body, "watermarkPosition");
        return new EventPatch.ProtectionPatch(level == null ? null : Protection.Level.parse(level),
                bool(body, "watermarkViews"), position == null ? null : Protection.Position.parse(position),
                integer(body, "watermarkSize"), integer(body, "watermarkOpacity"), integer(body, "fragmentationLevel"));
    }

    private static Integer integer(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isInt()) {
            throw bad("\"" + field + "\" must be a whole number");
        }
        return value.asInt();
    }

    static String slug(JsonNode body) {
        String slug = body == null ? null : JsonFields.text(body, "slug");
        if (slug == null) {
            throw bad("\"slug\" is required: a-z, 0-9 and '-', e.g. \"anna-ben-2026\"");
        }
        return slug;
    }

    private static String password(JsonNode body) {
        if (body.has("password") && body.get("password").isNull()) {
            return ""; // null removes the password, like ""
        }
        return JsonFields.text(body, "password");
    }

    private static Boolean bool(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw bad("\"" + field + "\" must be true or false");
        }
        return value.asBoolean();
    }

    private static PicPeakException bad(String message) {
        return new PicPeakException(ErrorCode.INVALID_REQUEST, message);
    }
}
