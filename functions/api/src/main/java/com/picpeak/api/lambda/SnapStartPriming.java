package com.picpeak.api.lambda;

import com.amazonaws.serverless.proxy.model.AwsProxyResponse;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequest;
import com.amazonaws.serverless.proxy.spring.SpringBootLambdaContainerHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.picpeak.api.RuntimeHolder;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.storage.ProcessCredentials;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SnapStart priming of one HTTP function. Before the snapshot ({@link #beforeCheckpoint}), real requests go through
 * the function's own container: {@code /health} (the sentinel HEAD and a catalog read) and the function's read routes
 * against an event that does not exist ({@link #ABSENT_EVENT}) (the admin's also its event list), and the reads those
 * requests stop before ({@link PicPeakRuntime#primeHttpFunction()}: a photo page, an object's GET, a job, the image
 * codecs): Spring MVC, Jackson, the SDK clients, their operations and connections are loaded and warmed, so the first
 * request after a restore costs about what a warm one does. Only reads: priming writes no row and no object (the
 * catalog's server secret, which the first process on a new catalog creates when it first derives the guest keys, may
 * be created here, as it would be by that first use). Before the requests the admin token's secret is read and the
 * guest keys derived. After a restore ({@link #afterRestore}) whatever the snapshot froze that belongs to its time is
 * renewed: the credentials (dropped, fetched again) and the admin token (read again from
 * its secret). On a JVM without CRaC the hooks never fire (and the tests call them directly).
 */
public final class SnapStartPriming implements Resource {
    private static final Logger log = LoggerFactory.getLogger(SnapStartPriming.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A valid slug no one creates: every priming read of an event finds nothing, so nothing is counted or written. */
    public static final String ABSENT_EVENT = PicPeakRuntime.PRIMING_ABSENT_EVENT;

    private final SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> container;
    private final List<String> paths;
    private final boolean asAdmin;
    private final Map<String, Integer> answers = new LinkedHashMap<>();

    /**
     * @param paths   the GET paths to request ({@code {event}} is replaced by {@link #ABSENT_EVENT})
     * @param asAdmin whether the requests carry the admin token (admin routes refuse others before reading)
     */
    SnapStartPriming(SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> container,
                     List<String> paths, boolean asAdmin) {
        this.container = container;
        this.paths = List.copyOf(paths);
        this.asAdmin = asAdmin;
    }

    /** Builds the priming of a function and registers it with the CRaC context Lambda's SnapStart drives. */
    static SnapStartPriming register(SpringBootLambdaContainerHandler<HttpApiV2ProxyRequest, AwsProxyResponse> container,
                                     List<String> paths, boolean asAdmin) {
        SnapStartPriming priming = new SnapStartPriming(container, paths, asAdmin);
        Core.getGlobalContext().register(priming); // held weakly there: the handler keeps it in a static field
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws IOException {
        // the admin token's secret read and the guest keys derived (both wait for first use otherwise): a secret that
        // cannot be read fails the publish here, not a guest's first request
        PicPeakRuntime runtime = RuntimeHolder.get();
        // once, right after the deploy made the role: IAM may refuse it for a few seconds (the start-up check, made
        // when the runtime started, waits the same way)
        runtime.adminTokenChecker().awaitFirstRead(PicPeakRuntime.SNAPSTART_PUBLISH_PATIENCE);
        runtime.gallery();
        runtime.protection();
        runtime.primeHttpFunction(); // the reads the requests below never reach (they stop at the absent event), codecs
        answers.clear();
        for (String path : paths) {
            String resolved = path.replace("{event}", ABSENT_EVENT);
            int status = request(resolved);
            answers.put(resolved, status);
        }
        log.info("SnapStart priming: {}", answers);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        RuntimeHolder.get().renewAfterRestore();
        log.info("SnapStart restore: credentials renewed ({}), the admin token is read again on its next use", ProcessCredentials.INSTANCE.source());
    }

    /** The status of each priming request of the last checkpoint, by path. */
    public Map<String, Integer> answers() {
        return Map.copyOf(answers);
    }

    private int request(String path) throws IOException {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", path);
        event.put("rawQueryString", "");
        ObjectNode headers = event.putObject("headers");
        headers.put("host", "snapstart-priming.invalid");
        headers.put("user-agent", "picpeak-snapstart-priming");
        if (asAdmin) {
            headers.put("authorization", "Bearer " + RuntimeHolder.get().currentAdminToken());
        }
        ObjectNode requestContext = event.putObject("requestContext");
        requestContext.put("requestId", "snapstart-priming");
        requestContext.put("routeKey", "$default");
        requestContext.put("stage", "$default");
        requestContext.put("timeEpoch", System.currentTimeMillis());
        ObjectNode http = requestContext.putObject("http");
        http.put("method", "GET");
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "127.0.0.1");
        http.put("userAgent", "picpeak-snapstart-priming");
        event.put("isBase64Encoded", false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        container.proxyStream(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, new PrimingLambdaContext());
        JsonNode response = JSON.readTree(out.toByteArray());
        return response.path("statusCode").asInt();
    }
}
