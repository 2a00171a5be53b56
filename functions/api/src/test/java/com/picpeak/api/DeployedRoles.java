package com.picpeak.api;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every SDK client of the test JVM runs through this interceptor (registered for all clients in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}). While the harness runs a function
 * ({@link #actAs}), each call is authorized against that function's role from the template as IAM would, and a
 * call the role lacks fails as AWS fails it: the service's own exception with AccessDenied, before anything is
 * sent, so nothing is written. Outside an invocation nothing is checked (the tests' own set-up and assertions).
 * <p>
 * Calls on any thread count while a function runs (the S3 multipart uploader has its own threads): the harness
 * runs one function at a time. It also keeps the recursion lineage of the messages a function sends, as Lambda's
 * loop detection reads it from the trace header those messages carry.
 */
public final class DeployedRoles implements ExecutionInterceptor {

    /** The function running now and the place of its invocation in a chain (0 for a request from outside). */
    record Acting(DeployedTemplate.Function function, int lineage) {
    }

    /** A call a role refused. */
    record Denial(String function, String action, String resource) {
    }

    private static volatile Acting acting;
    /** Checks still to refuse whatever the policy says: a role IAM has not propagated yet. */
    private static final java.util.concurrent.atomic.AtomicInteger UNPROPAGATED = new java.util.concurrent.atomic.AtomicInteger();
    private static final List<Denial> DENIALS = new CopyOnWriteArrayList<>();
    private static final Map<String, Set<String>> USED = new ConcurrentHashMap<>();
    private static final Map<String, Integer> MESSAGE_LINEAGE = new ConcurrentHashMap<>();

    /** Runs {@code body} as {@code function}, at {@code lineage} in its chain; one at a time. */
    static synchronized <T> T actAs(DeployedTemplate.Function function, int lineage, ThrowingSupplier<T> body) throws Exception {
        acting = new Acting(function, lineage);
        try {
            return body.get();
        } finally {
            acting = null;
        }
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    /**
     * The next {@code checks} authorizations are refused whatever the policy grants, as IAM refuses a role in its
     * first seconds after it was created ("changes ... are eventually consistent", IAM User Guide).
     */
    static void propagating(int checks) {
        UNPROPAGATED.set(checks);
    }

    static List<Denial> denials() {
        return List.copyOf(DENIALS);
    }

    static void clearDenials() {
        DENIALS.clear();
    }

    /** The actions each function's calls needed so far (what the scenarios prove a role must grant). */
    static Map<String, Set<String>> used() {
        return Map.copyOf(USED);
    }

    /** The number of invocations of the sending function in the chain a message continues (0: none). */
    static int lineageOf(String messageId) {
        return MESSAGE_LINEAGE.getOrDefault(messageId, 0);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes executionAttributes) {
        authorize(context.request());
    }

    /**
     * DynamoDB Local's embedded client answers in-process, without the SDK's request pipeline, so no interceptor
     * sees its calls: this view of it authorizes each request before passing it on. Paginators and the
     * builder-taking forms are the interface's own default methods, which end in a request-taking call: they run
     * on the view, so their calls are authorized too.
     */
    static DynamoDbClient authorizing(DynamoDbClient client) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    boolean takesRequest = args != null && args.length == 1 && args[0] instanceof SdkRequest;
                    if (method.isDefault() && !(takesRequest && !method.getName().endsWith("Paginator"))) {
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    if (takesRequest) {
                        authorize((SdkRequest) args[0]);
                    }
                    try {
                        return method.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void authorize(SdkRequest request) {
        Acting now = acting;
        if (now == null) {
            return;
        }
        for (SdkCallAuthorizations.Need need : SdkCallAuthorizations.of(request)) {
            USED.computeIfAbsent(now.function().name(), k -> ConcurrentHashMap.newKeySet()).add(need.action());
            boolean unpropagated = UNPROPAGATED.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            if (unpropagated || !now.function().policy().allows(need.action(), need.resource())) {
                DENIALS.add(new Denial(now.function().name(), need.action(), need.resource()));
                throw accessDenied(now.function(), need);
            }
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes executionAttributes) {
        Acting now = acting;
        if (now == null) {
            return;
        }
        SdkResponse response = context.response();
        // the SDK carries the invocation's trace header on what it sends; Lambda counts the chain from it
        if (response instanceof SendMessageResponse sent) {
            MESSAGE_LINEAGE.put(sent.messageId(), now.lineage());
        } else if (response instanceof SendMessageBatchResponse batch) {
            batch.successful().forEach(entry -> MESSAGE_LINEAGE.put(entry.messageId(), now.lineage()));
        }
    }

    /** The exception the SDK raises when the service answers AccessDenied. */
    private static AwsServiceException accessDenied(DeployedTemplate.Function function, SdkCallAuthorizations.Need need) {
        String message = "User: arn:aws:sts::" + DeployedTemplate.ACCOUNT + ":assumed-role/" + function.name()
                + "Role/" + function.name() + " is not authorized to perform: " + need.action() + " on resource: "
                + need.resource() + " because no identity-based policy allows the " + need.action() + " action";
        String service = need.action().substring(0, need.action().indexOf(':'));
        AwsServiceException.Builder builder = switch (service) {
            case "s3" -> S3Exception.builder().statusCode(403);
            case "dynamodb" -> DynamoDbException.builder().statusCode(400);
            case "sqs" -> SqsException.builder().statusCode(403);
            case "events" -> EventBridgeException.builder().statusCode(400);
            case "secretsmanager" -> SecretsManagerException.builder().statusCode(400);
            default -> AwsServiceException.builder().statusCode(403);
        };
        String code = service.equals("s3") || service.equals("sqs") ? "AccessDenied" : "AccessDeniedException";
        return builder.message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName(service).build())
                .build();
    }
}
