package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.catalog.Names;
import com.picpeak.notify.WebhookDelivery;
import com.picpeak.notify.WebhookEndpoint;
import com.picpeak.storage.StorageConfig;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Admin routes of auto-import: webhook endpoints, referenced folders, a poll on demand. */
@RestController
public class AutoImportController {
    private static final int DELIVERIES_SHOWN = 50;

    private final PicPeakRuntime runtime;

    public AutoImportController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    // ---- webhooks ----

    @GetMapping("/api/admin/webhooks")
    Map<String, Object> webhooks() {
        return Map.of("sink", sink(), "webhooks", runtime.webhooks().endpoints().stream()
                .map(e -> endpointJson(e, false)).toList());
    }

    /** {@code {"url": ..., "events": ["photo.uploaded"], "secret": optional}}; the secret is shown only here. */
    @PostMapping("/api/admin/webhooks")
    ResponseEntity<Map<String, Object>> addWebhook(@RequestBody JsonNode body) {
        if (runtime.eventsGoToEventBridge()) {
            throw new PicPeakException(ErrorCode.CONFLICT, "domain events go to the EventBridge bus of this deployment "
                    + "(EVENT_BUS_NAME): add a rule with an API destination there instead");
        }
        if (body == null || !body.isObject()) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "send a JSON object: {\"url\": \"https://...\", "
                    + "\"events\": [\"photo.uploaded\"]}");
        }
        List<String> events = new ArrayList<>();
        JsonNode types = body.get("events");
        if (types != null && !types.isNull()) {
            if (!types.isArray()) {
                throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"events\" must be a list of event types");
            }
            types.forEach(t -> events.add(t.asText()));
        }
        WebhookEndpoint endpoint = runtime.webhooks().register(text(body, "url"), events, text(body, "secret"));
        return ResponseEntity.status(HttpStatus.CREATED).body(endpointJson(endpoint, true));
    }

    @DeleteMapping("/api/admin/webhooks/{id}")
    ResponseEntity<Void> removeWebhook(@PathVariable String id) {
        runtime.webhooks().remove(id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/admin/webhooks/{id}/deliveries")
    Map<String, Object> deliveries(@PathVariable String id) {
        return Map.of("deliveries", runtime.webhooks().deliveries(id, DELIVERIES_SHOWN).stream()
                .map(AutoImportController::deliveryJson).toList());
    }

    private String sink() {
        return runtime.eventsGoToEventBridge() ? "eventbridge" : "webhooks";
    }

    private static Map<String, Object> endpointJson(WebhookEndpoint e, boolean withSecret) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", e.id());
        json.put("url", e.url().toString());
        json.put("events", e.events());
        json.put("createdAt", e.createdAt().toString());
        if (withSecret) {
            json.put("secret", e.secret());
        }
        return json;
    }

    private static Map<String, Object> deliveryJson(WebhookDelivery d) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", d.id());
        json.put("eventId", d.eventId());
        json.put("type", d.eventType());
        json.put("state", d.state().name().toLowerCase());
        json.put("attempts", d.attempts());
        json.put("lastOutcome", d.lastOutcome());
        json.put("nextAttemptAt", d.state() == WebhookDelivery.State.PENDING ? d.nextAttemptAt().toString() : null);
        json.put("createdAt", d.createdAt().toString());
        json.put("updatedAt", d.updatedAt().toString());
        return json;
    }

    // ---- referenced folders ----

    /** {@code {"folder": "2026/smith-wedding"}}: the event's photos come from that folder of EXTERNAL_MEDIA_ROOT. */
    @PutMapping("/api/admin/events/{slug}/external-folder")
    Map<String, Object> linkFolder(@PathVariable String slug, @RequestBody JsonNode body) {
        String folder = runtime.externalFolders().link(Names.slug(slug), body == null ? null : text(body, "folder"));
        return Map.of("slug", slug, "externalFolder", folder,
                "note", "files in the folder are imported by reference by the folder watcher of local mode");
    }

    @GetMapping("/api/admin/events/{slug}/external-folder")
    Map<String, Object> folder(@PathVariable String slug) {
        runtime.events().get(slug);
        return Map.of("slug", slug, "externalFolder", runtime.externalFolders().folderOf(slug).orElse(""));
    }

    // ---- the S3 walker ----

    /**
     * Runs one poll now (S3 backend), whatever the schedule: what a photographer wants after a big upload. A
     * job (202, follow its Location); its result has the poll's figures, and GET /api/admin/storage the report.
     */
    @PostMapping("/api/admin/auto-import/poll")
    ResponseEntity<Map<String, Object>> pollNow() {
        if (runtime.storageConfig().backend() != StorageConfig.Backend.S3) {
            throw new PicPeakException(ErrorCode.CONFLICT, "the prefix walker polls S3; with the local backend the "
                    + "folder watcher of local mode imports dropped files as they arrive");
        }
        return JobsController.accepted(runtime.autoImportPolls().submit());
    }

    /** The {@code autoImport} part of {@code GET /api/admin/storage}. */
    static Map<String, Object> status(PicPeakRuntime runtime) {
        StorageConfig config = runtime.storageConfig();
        Map<String, Object> json = new LinkedHashMap<>();
        String mode = config.backend() == StorageConfig.Backend.LOCAL ? "folder-watcher"
                : config.autoImport() ? "prefix-walker" : "off";
        json.put("mode", mode);
        json.put("enabled", !mode.equals("off"));
        json.put("intervalMs", config.autoImportInterval().toMillis());
        json.put("externalMediaRoot", config.externalMediaRoot().map(Object::toString).orElse(null));
        json.put("events", runtime.eventsGoToEventBridge() ? "eventbridge" : "webhooks");
        json.put("lastPoll", runtime.autoImportState().lastPoll().orElse(null));
        return json;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"" + field + "\" must be a string");
        }
        return value.asText();
    }
}
