package com.picpeak.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Synthesizes the stack for a set of context values, from the packages the build made, and reads the template. */
final class Synth {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OUTDIR = "target/cdk-test.out";

    final Template template;
    final JsonNode json;

    private Synth(Template template) {
        this.template = template;
        this.json = JSON.valueToTree(template.toJSON());
    }

    static Synth of(Map<String, Object> context) {
        StackSettings settings = StackSettings.from(context::get);
        // No version-reporting resource: it would make the reviewable template depend on the CDK build. One
        // output folder under target/ for every synthesis: the package is copied there once, not to a new temp folder.
        App app = new App(AppProps.builder().analyticsReporting(false).outdir(OUTDIR).build());
        PicPeakStack stack = new PicPeakStack(app, "PicPeakStack", StackProps.builder().build(), settings,
                FunctionPackages.fromBuild(settings.autoImport()));
        return new Synth(Template.fromStack(stack));
    }

    static Synth defaults() {
        return of(Map.of());
    }

    JsonNode resources() {
        return json.get("Resources");
    }

    /** Logical id -> resource, for one resource type. */
    Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : resources().properties()) {
            if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
            }
        }
        return found;
    }

    /** The id of the alias "live" of the function running {@code handlerClass}. */
    String liveAliasId(String handlerClass) {
        String function = functionId(handlerClass);
        return resourcesOfType("AWS::Lambda::Alias").entrySet().stream()
                .filter(e -> e.getValue().path("Properties").path("FunctionName").path("Ref").asText().equals(function))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("no alias of " + handlerClass));
    }

    /** The logical id of the one function whose handler starts with this class name. */
    String functionId(String handlerClass) {
        List<String> ids = new ArrayList<>();
        resourcesOfType("AWS::Lambda::Function").forEach((id, fn) -> {
            if (fn.path("Properties").path("Handler").asText().startsWith(handlerClass + "::")) {
                ids.add(id);
            }
        });
        if (ids.size() != 1) {
            throw new AssertionError("expected one function with handler " + handlerClass + ", found " + ids);
        }
        return ids.get(0);
    }

    /** The logical id of the one queue whose id starts with this construct id. */
    String queueId(String constructId) {
        List<String> ids = resourcesOfType("AWS::SQS::Queue").keySet().stream()
                .filter(id -> id.matches(constructId + "[0-9A-F]{8}")).toList();
        if (ids.size() != 1) {
            throw new AssertionError("expected one queue " + constructId + ", found " + ids);
        }
        return ids.get(0);
    }

    JsonNode function(String handlerClass) {
        return resources().get(functionId(handlerClass));
    }

    /** Every statement of the policies attached to the role of the function with this handler class. */
    List<JsonNode> statementsOf(String handlerClass) {
        String roleId = function(handlerClass).path("Properties").path("Role").path("Fn::GetAtt").get(0).asText();
        List<JsonNode> statements = new ArrayList<>();
        resourcesOfType("AWS::IAM::Policy").values().forEach(policy -> {
            boolean attached = false;
            for (JsonNode role : policy.path("Properties").path("Roles")) {
                attached |= roleId.equals(role.path("Ref").asText());
            }
            if (attached) {
                policy.path("Properties").path("PolicyDocument").path("Statement").forEach(statements::add);
            }
        });
        JsonNode role = resources().get(roleId).path("Properties");
        if (role.has("Policies") || role.has("ManagedPolicyArns")) {
            throw new AssertionError("role " + roleId + " has inline or managed policies besides its own: " + role);
        }
        return statements;
    }

    static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> values.add(v.isTextual() ? v.asText() : v.toString()));
        } else if (!node.isMissingNode()) {
            values.add(node.isTextual() ? node.asText() : node.toString());
        }
        return values;
    }
}
