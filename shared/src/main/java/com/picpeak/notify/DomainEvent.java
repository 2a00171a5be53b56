package com.picpeak.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.catalog.Photo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Something that happened to the photos of an event, as sinks send it: the envelope
 * {@code {"id", "type", "created_at", "data"}} that webhook receivers of PicPeak (the photo-sharing service
 * this storage serves) read.
 * {@code data} of {@code photo.uploaded} / {@code photo.deleted}: {@code event_slug, photo_id, filename,
 * size, source, timestamp}; of {@code selection.submitted}: {@code event_slug, selection_id, guest_id (null without
 * guest identity), guest_name, count, note, timestamp}.
 */
public record DomainEvent(String id, String type, Instant createdAt, Map<String, Object> data) {
    public static final String PHOTO_UPLOADED = "photo.uploaded";
    public static final String PHOTO_DELETED = "photo.deleted";
    /** A photo's file was replaced in its folder: the new bytes are the photo now. */
    public static final String PHOTO_UPDATED = "photo.updated";
    /** A guest sent their selection of favourites to the photographer (docs/selections.md). */
    public static final String SELECTION_SUBMITTED = "selection.submitted";
    /** Every type a webhook endpoint can subscribe to. */
    public static final List<String> TYPES = List.of(PHOTO_UPLOADED, PHOTO_DELETED, PHOTO_UPDATED, SELECTION_SUBMITTED);

    private static final ObjectMapper JSON = new ObjectMapper();

    public static DomainEvent photoUploaded(Photo photo, Instant now) {
        return ofPhoto(PHOTO_UPLOADED, photo, now);
    }

    public static DomainEvent photoDeleted(Photo photo, Instant now) {
        return ofPhoto(PHOTO_DELETED, photo, now);
    }

    public static DomainEvent photoUpdated(Photo photo, Instant now) {
        return ofPhoto(PHOTO_UPDATED, photo, now);
    }

    public static DomainEvent selectionSubmitted(String slug, String selectionId, String guestId, String guestName,
                                                 long count, String note, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event_slug", slug);
        data.put("selection_id", selectionId);
        data.put("guest_id", guestId);
        data.put("guest_name", guestName);
        data.put("count", count);
        data.put("note", note);
        data.put("timestamp", now.toString());
        return new DomainEvent("evt_" + UUID.randomUUID().toString().replace("-", ""), SELECTION_SUBMITTED, now, data);
    }

    private static DomainEvent ofPhoto(String type, Photo photo, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event_slug", photo.eventSlug());
        data.put("photo_id", photo.id());
        data.put("filename", photo.filename());
        data.put("size", photo.size());
        data.put("source", photo.source().wireName());
        data.put("timestamp", now.toString());
        return new DomainEvent("evt_" + UUID.randomUUID().toString().replace("-", ""), type, now, data);
    }

    /** The envelope as JSON bytes: exactly what is signed and sent. */
    public byte[] toJson() {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", id);
        envelope.put("type", type);
        envelope.put("created_at", createdAt.toString());
        envelope.put("data", data);
        try {
            return JSON.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a domain event could not be written as JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    public static DomainEvent fromJson(byte[] json) {
        try {
            Map<String, Object> envelope = JSON.readValue(json, Map.class);
            return new DomainEvent((String) envelope.get("id"), (String) envelope.get("type"),
                    Instant.parse((String) envelope.get("created_at")), (Map<String, Object>) envelope.get("data"));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a domain event envelope: "
                    + new String(json, StandardCharsets.UTF_8), e);
        }
    }
}
