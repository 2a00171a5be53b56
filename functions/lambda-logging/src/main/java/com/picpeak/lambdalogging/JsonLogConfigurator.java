package com.picpeak.lambdalogging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The Lambda functions' logging, set up in code (found by logback through the {@code META-INF/services} of the
 * function's package): one JSON object per line on stdout, the MDC's requestId and traceId included, for Lambda's
 * JSON log format. In code because reading an XML configuration costs about 0.2 s of every cold start (an XML parser
 * and logback's configuration model), and Spring Boot read it a second time. This one applies only when a handler
 * asked for it ({@link #SWITCH}, set by the API package's handlers before the first logger); otherwise (local mode,
 * tests) logback goes on to its usual configuration files. A package that is only ever a Lambda function registers
 * {@link AlwaysJsonLogConfigurator} instead.
 */
public class JsonLogConfigurator extends ContextAwareBase implements Configurator {
    /** The system property a Lambda handler sets before the first logger exists. */
    public static final String SWITCH = "picpeak.logging.lambdaJson";

    /** Whether this configuration applies; else logback tries the next one. */
    protected boolean applies() {
        return Boolean.getBoolean(SWITCH);
    }

    @Override
    public final ExecutionStatus configure(LoggerContext context) {
        if (!applies()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        JsonEncoder encoder = new Rfc3339JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setEncoder(encoder);
        stdout.start();
        // the SDK, Spring and the container adapter are chatty at INFO; their warnings are kept
        context.getLogger("software.amazon.awssdk").setLevel(Level.WARN);
        context.getLogger("org.springframework").setLevel(Level.WARN);
        context.getLogger("com.amazonaws.serverless").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stdout);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * logback's JSON lines with the time as an RFC 3339 string: Lambda's level filter and its own timestamps read a
     * line's {@code "timestamp"} only in that form; logback writes epoch milliseconds, and Lambda then treats every
     * line as INFO, so the function's ApplicationLogLevel could not drop anything (AWS Lambda developer guide,
     * "Using log-level filtering with JSON logs").
     */
    static final class Rfc3339JsonEncoder extends JsonEncoder {
        @Override
        public byte[] encode(ILoggingEvent event) {
            String line = new String(super.encode(event), StandardCharsets.UTF_8);
            String epoch = "\"timestamp\":" + event.getTimeStamp();
            String rfc3339 = "\"timestamp\":\"" + Instant.ofEpochMilli(event.getTimeStamp()) + "\"";
            int at = line.indexOf(epoch); // the first field after the sequence number, before any text of the event
            String rewritten = at < 0 ? line : line.substring(0, at) + rfc3339 + line.substring(at + epoch.length());
            return rewritten.getBytes(StandardCharsets.UTF_8);
        }
    }
}
