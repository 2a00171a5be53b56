package com.picpeak.api;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every scenario class of the deployed-shape harness stands on: the one {@link DeployedShape} of the test JVM,
 * the admin's headers, and no refusal left over from another scenario (one that failed half-way may leave a
 * propagation refusal pending). Each scenario ends by asserting {@link DeployedRoles#denials()} empty.
 */
abstract class DeployedShapeTest {
    static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestRuntimes.ADMIN_TOKEN,
            "content-type", "application/json");
    static DeployedShape aws;

    @BeforeAll
    static void deploy() {
        aws = DeployedShape.get();
    }

    @BeforeEach
    void noDenialsYet() {
        DeployedRoles.clearDenials();
        DeployedRoles.propagating(0);
    }

    /** Creates an event through the Admin function; {@code extra}: more JSON fields ({@code "a":1,"b":2}), or null. */
    static void createEvent(String slug, String extra) throws Exception {
        String body = "{\"slug\":\"" + slug + "\",\"title\":\"" + slug + "\"" + (extra == null ? "" : "," + extra) + "}";
        DeployedShape.HttpAnswer created = aws.http("POST", "/api/admin/events", ADMIN, body.getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
    }
}
