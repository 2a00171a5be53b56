package com.picpeak.autoimport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the object notifications of a store, in the shapes stores send them:
 * <ul>
 *   <li>S3 through EventBridge (as an SQS message body, or an EventBridge rule target's input): {@code detail-type}
 *       {@code Object Created} / {@code Object Deleted}, {@code detail.bucket.name}, {@code detail.object.key} (not
 *       URL-encoded), {@code size}, {@code etag}, {@code version-id}, {@code sequencer};</li>
 *   <li>S3 event records {@code {"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name"},"object":{"key",
 *       "size","eTag","versionId","sequencer"}}}]}} (S3 to SQS/SNS/Lambda, MinIO, Ceph, ...): the key is URL-encoded
 *       ({@code +} for a space); S3's {@code s3:TestEvent} (sent when a notification is set up) has no records;</li>
 *   <li>MinIO's webhook envelope {@code {"EventName","Key","Records":[...]}}: its records as above.</li>
 * </ul>
 * Anything else (another event type, a record without a key) is left out: never an error. Only a body that is not
 * JSON at all is refused.
 */
public final class StorageNotifications {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StorageNotifications() {
    }

    /** @throws PicPeakException INVALID_REQUEST when {@code body} is not a JSON object */
    public static List<StorageNotification> parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw notJson();
        }
        if (root == null || !root.isObject()) {
            throw notJson();
        }
        List<StorageNotification> found = new ArrayList<>();
        if (root.has("detail-type") && root.path("detail").isObject()) {
            eventBridge(root, found);
        } else if (root.path("Records").isArray()) {
            for (JsonNode record : root.path("Records")) {
                eventRecord(record, found);
            }
        }
        // anything else, s3:TestEvent among them, carries no object change
        return found;
    }

    private static PicPeakException notJson() {
        return new PicPeakException(ErrorCode.INVALID_REQUEST, "a storage notification is a JSON object: S3 event "
                + "records {\"Records\":[...]}, MinIO's {\"EventName\",\"Key\",\"Records\"} or an EventBridge S3 event");
    }

    private static void eventBridge(JsonNode event, List<StorageNotification> found) {
        StorageNotification.Kind kind = switch (event.path("detail-type").asText("")) {
            case "Object Created" -> StorageNotification.Kind.CREATED;
            case "Object Deleted" -> StorageNotification.Kind.DELETED;
            default -> null;
        };
        JsonNode detail = event.path("detail");
        String key = text(detail.path("object"), "key");
        if (kind == null || key == null) {
            return;
        }
        JsonNode object = detail.path("object");
        found.add(new StorageNotification(kind, text(detail.path("bucket"), "name"), key, unquoted(text(object, "etag")),
                text(object, "version-id"), text(object, "sequencer"), object.path("size").asLong(-1)));
    }

    private static void eventRecord(JsonNode record, List<StorageNotification> found) {
        String name = record.path("eventName").asText("");
        if (name.startsWith("s3:")) {
            name = name.substring(3); // MinIO writes s3:ObjectCreated:Put, S3 ObjectCreated:Put
        }
        StorageNotification.Kind kind = name.startsWith("ObjectCreated:") ? StorageNotification.Kind.CREATED
                : name.startsWith("ObjectRemoved:") ? StorageNotification.Kind.DELETED : null;
        JsonNode object = record.path("s3").path("object");
        String encoded = text(object, "key");
        if (kind == null || encoded == null) {
            return;
        }
        String key;
        try {
            key = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return; // not a key any store sends: nothing to import
        }
        found.add(new StorageNotification(kind, text(record.path("s3").path("bucket"), "name"), key,
                unquoted(text(object, "eTag")), text(object, "versionId"), text(object, "sequencer"),
                object.path("size").asLong(-1)));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() && !value.asText().isEmpty() ? value.asText() : null;
    }

    /** ETags are compared without the quotes some stores keep around them (as BlobInfo has them). */
    private static String unquoted(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
