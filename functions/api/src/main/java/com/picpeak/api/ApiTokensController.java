package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.ApiTokens;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The admin's scoped API tokens (behind {@link RequestGate}): create (the secret shown once), list, revoke, uses. */
@RestController
public class ApiTokensController {
    private static final Set<String> FIELDS = Set.of("name", "events", "scopes", "expiresAt");
    private final PicPeakRuntime runtime;

    public ApiTokensController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    /** {@code {"name","events":["slug"]|["*"],"scopes":["list","download","upload"],"expiresAt"}}: 201 with its secret. */
    @PostMapping("/api/admin/tokens")
    ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) JsonNode body) {
        if (body == null || !body.isObject()) {
            throw bad("the body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw bad("unknown field \"" + name + "\"; known fields: events, expiresAt, name, scopes");
            }
        }
        EnumSet<ApiTokens.Scope> scopes = EnumSet.noneOf(ApiTokens.Scope.class);
        strings(body, "scopes").forEach(name -> scopes.add(ApiTokens.Scope.parse(name)));
        ApiTokens.Created created = runtime.apiTokens().create(JsonFields.text(body, "name"), strings(body, "events"),
                scopes, expiresAt(body));
        Map<String, Object> json = token(created.token());
        json.put("token", created.secret());
        return ResponseEntity.status(HttpStatus.CREATED).body(json);
    }

    @GetMapping("/api/admin/tokens")
    Map<String, Object> list() {
        return Map.of("tokens", runtime.apiTokens().list().stream().map(ApiTokensController::token).toList());
    }

    @DeleteMapping("/api/admin/tokens/{id}")
    ResponseEntity<Void> revoke(@PathVariable String id) {
        runtime.apiTokens().revoke(id);
        return ResponseEntity.noContent().build();
    }

    /** The token's last 100 recorded uses, newest first. */
    @GetMapping("/api/admin/tokens/{id}/uses")
    Map<String, Object> uses(@PathVariable String id) {
        List<Map<String, Object>> uses = runtime.apiTokens().uses(id, 100).stream().map(u -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("at", u.at().toString());
            json.put("event", u.event());
            json.put("route", u.route());
            return json;
        }).toList();
        return Map.of("uses", uses);
    }

    private static Map<String, Object> token(ApiTokens.Token t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", t.id());
        json.put("name", t.name());
        json.put("events", t.events());
        json.put("scopes", t.scopes().stream().map(ApiTokens.Scope::wireName).toList());
        json.put("expiresAt", t.expiresAt() == null ? null : t.expiresAt().toString());
        json.put("createdAt", t.createdAt().toString());
        json.put("uses", t.uses());
        json.put("lastUsedAt", t.lastUsedAt() == null ? null : t.lastUsedAt().toString());
        return json;
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isArray()) {
            throw bad("\"" + field + "\" must be an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw bad("\"" + field + "\" must be an array of strings, not " + item);
            }
            strings.add(item.asText());
        }
        return strings;
    }

    private static Instant expiresAt(JsonNode body) {
        JsonNode value = body.get("expiresAt");
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw bad("\"expiresAt\" must be an ISO-8601 instant such as 2026-12-31T23:59:59Z, or null");
        }
    }

    private static PicPeakException bad(String message) {
        return new PicPeakException(ErrorCode.INVALID_REQUEST, message);
    }
}
