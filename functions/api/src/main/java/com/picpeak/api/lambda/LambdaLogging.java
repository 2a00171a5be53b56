package com.picpeak.api.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.picpeak.lambdalogging.JsonLogConfigurator;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logging of the functions in the API package: one JSON object per line on stdout (logback's JSON encoder, configured
 * in code by {@link JsonLogConfigurator}), which Lambda's JSON log format keeps as structured records, each carrying the invocation's
 * request id and X-Ray trace id from the MDC. Local mode keeps its own text logs ({@code logback.xml} of the local
 * program): the Lambda configuration is chosen by the handlers, before any logger exists.
 */
final class LambdaLogging {
    /** Spring Boot's switch for its logging system: {@code none} leaves logback as configured here. */
    static final String SPRING_LOGGING_SYSTEM = "org.springframework.boot.logging.LoggingSystem";
    /** MDC keys: the Lambda request id, and the X-Ray trace header of the invocation (its Root is the trace id). */
    static final String REQUEST_ID = "requestId";
    static final String TRACE_ID = "traceId";

    private LambdaLogging() {
    }

    /**
     * Switches logback to the JSON configuration ({@link JsonLogConfigurator}) and Spring Boot's logging system off (it
     * would configure logback a second time); call before the first logger.
     */
    static void configure() {
        if (System.getProperty(SPRING_LOGGING_SYSTEM) != null) {
            return; // configured already (another handler of this JVM, or the command line)
        }
        System.setProperty(JsonLogConfigurator.SWITCH, "true");
        LoggerFactory.getILoggerFactory();
        System.setProperty(SPRING_LOGGING_SYSTEM, "none");
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
