package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * The committed CloudFormation template (infra-cdk/synth), read as deployed: each function's handler, role
 * policies, timeout, memory and recursion setting, the job queue's event source mapping and redrive. The
 * template's resources are bound to the test's own (the in-process S3 bucket, the DynamoDB Local table, the
 * ElasticMQ queues) by type, so a policy's {@code Fn::GetAtt [Catalog..., Arn]} names the table the code really
 * calls. Nothing here restates what the template says: a change to the stack changes what the tests enforce.
 */
final class DeployedTemplate {
    static final Path TEMPLATE = DeployedRoutesTest.TEMPLATE;
    /** The committed template of the stack with the poller (autoImport=true), beside the default one. */
    static final Path AUTO_IMPORT_TEMPLATE = TEMPLATE.resolveSibling("PicPeakStack-autoImport.template.json");
    static final String REGION = "eu-central-1";
    static final String ACCOUNT = "123456789012";

    /** A function as the template declares it; {@code name} is its description without "PicPeak ". */
    record Function(String logicalId, String name, String handlerClass, IamPolicy policy, int timeoutSeconds,
                    int memoryMb, String recursiveLoop, Integer reservedConcurrency) {
        /** Lambda's default, Terminate, stops a chain through SQS at its 17th invocation of this function. */
        boolean recursionAllowed() {
            return "Allow".equals(recursiveLoop);
        }
    }

    /** The SQS event source mapping of a function and the queue it reads. */
    record QueueSource(String functionName, int batchSize, Integer maximumConcurrency, boolean reportsBatchItemFailures,
                       int visibilityTimeoutSeconds, int maxReceiveCount) {
    }

    /** The test's physical resources the template's logical ones stand for. */
    record Bindings(String bucket, String table, String jobQueueUrl, String deadLetterQueueUrl, String eventBus,
                    String secretArn) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode resources;
    private final Bindings bindings;
    private final Map<String, Function> functions = new LinkedHashMap<>();

    DeployedTemplate(Bindings bindings) {
        this(read(TEMPLATE), bindings);
    }

    DeployedTemplate(JsonNode template, Bindings bindings) {
        this.resources = template.get("Resources");
        this.bindings = bindings;
        resources.fields().forEachRemaining(entry -> {
            JsonNode resource = entry.getValue();
            if (type(resource).equals("AWS::Lambda::Function")) {
                Function function = function(entry.getKey(), resource.get("Properties"));
                functions.put(function.name(), function);
            }
        });
    }

    /** Another configuration's template, bound to the same physical resources. */
    DeployedTemplate variant(Path template) {
        return new DeployedTemplate(read(template), bindings);
    }

    /** The environment the template gives a function, its references resolved against the bindings. */
    Map<String, String> environment(String functionName) {
        Map<String, String> env = new LinkedHashMap<>();
        resources.get(function(functionName).logicalId()).get("Properties").path("Environment").path("Variables").fields()
                .forEachRemaining(variable -> env.put(variable.getKey(), resolve(variable.getValue())));
        return env;
    }

    /** The schedule expression of the EventBridge rule whose target is {@code functionName} (or one of its aliases). */
    String schedule(String functionName) {
        String functionId = function(functionName).logicalId();
        for (JsonNode resource : resources) {
            if (type(resource).equals("AWS::Events::Rule") && resource.get("Properties").has("ScheduleExpression")) {
                for (JsonNode target : resource.get("Properties").path("Targets")) {
                    if (invokes(target.get("Arn"), functionId)) {
                        return resource.get("Properties").get("ScheduleExpression").asText();
                    }
                }
            }
        }
        throw new IllegalArgumentException("no schedule invokes " + functionName);
    }

    static JsonNode read(Path path) {
        try {
            return JSON.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Function function(String name) {
        Function function = functions.get(name);
        if (function == null) {
            throw new IllegalArgumentException("the template has no function '" + name + "' (it has " + functions.keySet() + ")");
        }
        return function;
    }

    Map<String, Function> functions() {
        return functions;
    }

    /** The queue that invokes {@code functionName}, as its event source mapping and the queue's properties say. */
    QueueSource queueSource(String functionName) {
        Function function = function(functionName);
        for (JsonNode resource : resources) {
            if (!type(resource).equals("AWS::Lambda::EventSourceMapping")) {
                continue;
            }
            JsonNode properties = resource.get("Properties");
            if (!invokes(properties.get("FunctionName"), function.logicalId())) {
                continue;
            }
            String queueId = properties.get("EventSourceArn").get("Fn::GetAtt").get(0).asText();
            JsonNode queue = resources.get(queueId).get("Properties");
            JsonNode redrive = queue.get("RedrivePolicy");
            JsonNode scaling = properties.get("ScalingConfig");
            boolean reportsFailures = properties.has("FunctionResponseTypes")
                    && properties.get("FunctionResponseTypes").toString().contains("ReportBatchItemFailures");
            return new QueueSource(functionName, properties.path("BatchSize").asInt(10),
                    scaling == null ? null : scaling.get("MaximumConcurrency").asInt(), reportsFailures,
                    queue.path("VisibilityTimeout").asInt(30),
                    redrive == null ? Integer.MAX_VALUE : redrive.get("maxReceiveCount").asInt());
        }
        throw new IllegalArgumentException("no event source mapping invokes " + functionName);
    }

    private Function function(String logicalId, JsonNode properties) {
        String name = properties.get("Description").asText().replaceFirst("^PicPeak ", "");
        String handler = properties.get("Handler").asText().replaceFirst("::.*$", "");
        String roleId = properties.get("Role").get("Fn::GetAtt").get(0).asText();
        JsonNode reserved = properties.get("ReservedConcurrentExecutions");
        return new Function(logicalId, name, handler, policyOf(name, roleId), properties.path("Timeout").asInt(3),
                properties.path("MemorySize").asInt(128), properties.path("RecursiveLoop").asText("Terminate"),
                reserved == null ? null : reserved.asInt());
    }

    /** Every statement of every AWS::IAM::Policy attached to the role (inline policies of the role too). */
    private IamPolicy policyOf(String name, String roleId) {
        List<IamPolicy.Statement> statements = new ArrayList<>();
        JsonNode role = resources.get(roleId).get("Properties");
        if (role.has("ManagedPolicyArns")) {
            // AWS managed policies are not in the template: refuse to guess what they grant
            throw new IllegalStateException(roleId + " has managed policies the harness cannot read: " + role.get("ManagedPolicyArns"));
        }
        for (JsonNode policy : role.path("Policies")) {
            statements.addAll(statements(policy.get("PolicyDocument")));
        }
        for (JsonNode resource : resources) {
            if (type(resource).equals("AWS::IAM::Policy")
                    && StreamSupport.stream(resource.get("Properties").path("Roles").spliterator(), false)
                    .anyMatch(ref -> refersTo(ref, roleId))) {
                statements.addAll(statements(resource.get("Properties").get("PolicyDocument")));
            }
        }
        return new IamPolicy(name, List.copyOf(statements));
    }

    private List<IamPolicy.Statement> statements(JsonNode document) {
        List<IamPolicy.Statement> statements = new ArrayList<>();
        for (JsonNode statement : document.get("Statement")) {
            if (statement.has("Condition") || statement.has("NotAction") || statement.has("NotResource")) {
                throw new IllegalStateException("a role statement the harness does not emulate: " + statement);
            }
            statements.add(new IamPolicy.Statement("Allow".equals(statement.get("Effect").asText()),
                    strings(statement.get("Action")), strings(statement.get("Resource"))));
        }
        return statements;
    }

    private List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(element -> values.add(resolve(element)));
        } else {
            values.add(resolve(node));
        }
        return values;
    }

    /** A value with its intrinsic functions evaluated against the bindings. */
    String resolve(JsonNode node) {
        if (node.isTextual() || node.isNumber()) {
            return node.asText();
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        Map.Entry<String, JsonNode> function = fields.next();
        JsonNode argument = function.getValue();
        return switch (function.getKey()) {
            case "Ref" -> ref(argument.asText());
            case "Fn::GetAtt" -> attribute(argument.get(0).asText(), argument.get(1).asText());
            case "Fn::Join" -> {
                List<String> parts = new ArrayList<>();
                argument.get(1).forEach(part -> parts.add(resolve(part)));
                yield String.join(argument.get(0).asText(), parts);
            }
            case "Fn::Select" -> resolveList(argument.get(1)).get(argument.get(0).asInt());
            default -> throw new IllegalStateException("an intrinsic function the harness does not evaluate: " + node);
        };
    }

    private List<String> resolveList(JsonNode node) {
        if (node.has("Fn::Split")) {
            JsonNode split = node.get("Fn::Split");
            return List.of(resolve(split.get(1)).split(java.util.regex.Pattern.quote(split.get(0).asText()), -1));
        }
        List<String> values = new ArrayList<>();
        node.forEach(element -> values.add(resolve(element)));
        return values;
    }

    private String ref(String logicalId) {
        switch (logicalId) {
            case "AWS::Region":
                return REGION;
            case "AWS::AccountId":
                return ACCOUNT;
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            default:
                break;
        }
        JsonNode resource = resources.get(logicalId);
        return switch (type(resource)) {
            case "AWS::S3::Bucket" -> bindings.bucket();
            case "AWS::DynamoDB::Table" -> bindings.table();
            case "AWS::SQS::Queue" -> isDeadLetterQueue(logicalId) ? bindings.deadLetterQueueUrl() : bindings.jobQueueUrl();
            case "AWS::Events::EventBus" -> bindings.eventBus();
            case "AWS::SecretsManager::Secret" -> bindings.secretArn();
            case "AWS::Lambda::Function" -> "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + logicalId;
            case "AWS::Lambda::Alias" -> ref(resource.get("Properties").get("FunctionName").get("Ref").asText()) + ":"
                    + resource.get("Properties").get("Name").asText();
            default -> "unresolved:" + logicalId; // matches no request: a policy on it grants nothing here
        };
    }

    private String attribute(String logicalId, String attribute) {
        if (!attribute.equals("Arn")) {
            return "unresolved:" + logicalId + "." + attribute;
        }
        JsonNode resource = resources.get(logicalId);
        String prefix = ":" + REGION + ":" + ACCOUNT + ":";
        return switch (type(resource)) {
            case "AWS::S3::Bucket" -> "arn:aws:s3:::" + bindings.bucket();
            case "AWS::DynamoDB::Table" -> "arn:aws:dynamodb" + prefix + "table/" + bindings.table();
            case "AWS::SQS::Queue" -> "arn:aws:sqs" + prefix + queueName(ref(logicalId));
            case "AWS::Events::EventBus" -> "arn:aws:events" + prefix + "event-bus/" + bindings.eventBus();
            case "AWS::Logs::LogGroup" -> "arn:aws:logs" + prefix + "log-group:" + logicalId + ":*";
            case "AWS::IAM::Role" -> "arn:aws:iam::" + ACCOUNT + ":role/" + logicalId;
            default -> "unresolved:" + logicalId + ".Arn";
        };
    }

    /** Whether a function name (the function, or one of its aliases) names {@code functionId}. */
    private boolean invokes(JsonNode functionName, String functionId) {
        if (refersTo(functionName, functionId)) {
            return true;
        }
        Iterator<Map.Entry<String, JsonNode>> entries = resources.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            if (type(entry.getValue()).equals("AWS::Lambda::Alias")
                    && refersTo(entry.getValue().get("Properties").get("FunctionName"), functionId)
                    && refersTo(functionName, entry.getKey())) {
                return true;
            }
        }
        return false;
    }

    private boolean isDeadLetterQueue(String queueId) {
        for (JsonNode resource : resources) {
            JsonNode redrive = resource.path("Properties").path("RedrivePolicy").path("deadLetterTargetArn");
            if (type(resource).equals("AWS::SQS::Queue") && refersTo(redrive, queueId)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a Ref, a GetAtt or any intrinsic nested in {@code node} names {@code logicalId}. */
    private static boolean refersTo(JsonNode node, String logicalId) {
        if (node == null || node.isMissingNode()) {
            return false;
        }
        if (node.isTextual()) {
            return node.asText().equals(logicalId);
        }
        for (JsonNode child : node) {
            if (refersTo(child, logicalId)) {
                return true;
            }
        }
        return false;
    }

    static String queueName(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    private static String type(JsonNode resource) {
        return resource == null ? "" : resource.path("Type").asText();
    }
}
