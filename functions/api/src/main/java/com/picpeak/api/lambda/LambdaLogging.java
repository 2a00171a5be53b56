package com.picpeak.api.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logging of the functions in the API package: one JSON object per line on stdout (logback's JSON encoder, configured
 * by {@value #CONFIG}), which Lambda's JSON log format keeps as structured records, each carrying the invocation's
 * request id and X-Ray trace id from the MDC. Local mode keeps its own text logs ({@code logback.xml} of the local
 * program): the Lambda configuration is chosen by the handlers, before any logger exists.
 */
final class LambdaLogging {
    static final String CONFIG = "lambda-logback.xml";
    /** MDC keys: the Lambda request id, and the X-Ray trace header of the invocation (its Root is the trace id). */
    static final String REQUEST_ID = "requestId";
    static final String TRACE_ID = "traceId";

    private LambdaLogging() {
    }

    /** Points logback (and Spring Boot's logging system) at the JSON configuration; call before the first logger. */
    static void configure() {
        if (System.getProperty("logging.config") != null) {
            return; // configured already (another handler of this JVM, or the command line)
        }
        // logback reads the file now, for the lines logged before Spring starts; Spring Boot then reads the same file
        // through logging.config (and warns about logback's own property, hence its removal once logback has started)
        System.setProperty("logback.configurationFile", CONFIG);
        LoggerFactory.getILoggerFactory();
        System.clearProperty("logback.configurationFile");
        System.setProperty("logging.config", "classpath:" + CONFIG);
    }

    /** Puts the invocation's ids in the MDC: every line logged until {@link #end()} carries them. */
    static void begin(Context context) {
        if (context != null && context.getAwsRequestId() != null) {
            MDC.put(REQUEST_ID, context.getAwsRequestId());
        }
        String trace = System.getProperty("com.amazonaws.xray.traceHeader"); // set by the runtime per invocation
        if (trace != null) {
            MDC.put(TRACE_ID, trace);
        }
    }

    static void end() {
        MDC.clear();
    }
}
