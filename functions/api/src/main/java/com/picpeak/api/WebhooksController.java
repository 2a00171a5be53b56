package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.notify.WebhookDelivery;
import com.picpeak.notify.WebhookEndpoint;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin routes of webhooks (behind {@link RequestGate}): endpoints that receive domain events, their deliveries. */
@RestController
public class WebhooksController {
    private static final int DELIVERIES_SHOWN = 50;

    private final PicPeakRuntime runtime;

    public WebhooksController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping("/api/admin/webhooks")
    Map<String, Object> webhooks() {
        return Map.of("sink", sink(runtime), "webhooks", runtime.webhooks().endpoints().stream()
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
        WebhookEndpoint endpoint = runtime.webhooks().register(JsonFields.text(body, "url"), events, JsonFields.text(body, "secret"));
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
                .map(WebhooksController::deliveryJson).toList());
    }

    /** Where domain events go: {@code "eventbridge"} (EVENT_BUS_NAME set) or {@code "webhooks"}. */
    static String sink(PicPeakRuntime runtime) {
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
}
