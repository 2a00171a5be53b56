package com.picpeak.lambdalogging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

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
        JsonEncoder encoder = new JsonEncoder();
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
}
