package io.kubelite.store.runtime;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Process-wide logging set-up of a component: the root level and java.util.logging routed into SLF4J. */
final class ProcessLogging {
    private static final Logger log = LoggerFactory.getLogger(ProcessLogging.class);

    private ProcessLogging() {}

    static void configure(org.slf4j.event.Level level) {
        // gRPC logs through java.util.logging; without the bridge its messages (and stack
        // traces) would bypass logback and land on stderr.
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext ctx) {
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.toLevel(level.name()));
        } else {
            log.warn("SLF4J is not bound to logback; --log-level {} ignored", level);
        }
    }
}
