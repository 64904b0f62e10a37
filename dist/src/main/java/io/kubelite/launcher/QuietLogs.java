package io.kubelite.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Silences logging while a one-shot command runs, and restores the levels on close.
 * kubelite's logback config logs to standard output, where {@code kubelite store export
 * -o -} writes the export: a jetcd retry warning there would corrupt the file. The
 * commands report every failure themselves, in one line on standard error.
 */
final class QuietLogs implements AutoCloseable {
    private final Map<Logger, Level> previous;

    private QuietLogs(Map<Logger, Level> previous) {
        this.previous = previous;
    }

    static QuietLogs start() {
        Map<Logger, Level> previous = new HashMap<>();
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            // the root, and every logger with a level of its own (logback.xml sets io.etcd, io.grpc, ...)
            for (Logger l : ctx.getLoggerList()) {
                if (l.getLevel() != null) {
                    previous.put(l, l.getLevel());
                    l.setLevel(Level.OFF);
                }
            }
        }
        return new QuietLogs(previous);
    }

    @Override
    public void close() {
        previous.forEach(Logger::setLevel);
    }
}
