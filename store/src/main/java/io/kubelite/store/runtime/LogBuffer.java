package io.kubelite.store.runtime;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's recent log lines in memory, for {@code kubectl logs} of its mirror pod
 * (the {@link HealthServer}'s {@code /logs}): a logback appender on the root logger that
 * keeps the last {@code maxLines} lines (and at most {@code maxChars} characters), each
 * formatted as the console log is, and hands new lines to followers.
 *
 * <p>{@link #attach()} adds it to the root logger, {@link #close()} removes it
 * (idempotent). Followers are called on the logging thread, under the buffer's lock (so
 * they see every line once, in order); they must only hand the line on (e.g. to an event
 * loop) and must not log.
 */
public final class LogBuffer implements AutoCloseable {
    /** The console pattern of {@code logback.xml}: one line per event, stack traces folded onto it. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{20} [%thread] %msg"
            + "%replace(%replace(%ex){'(?s)^(.+?)\\s*$', ' | $1'}){'[\\r\\n]+\\s*', ' | '}%nopex";

    private static final Logger log = LoggerFactory.getLogger(LogBuffer.class);

    private final int maxLines;
    private final long maxChars;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final List<Consumer<String>> followers = new CopyOnWriteArrayList<>();
    private long chars;
    private Appender appender;
    private boolean closed;

    public LogBuffer(int maxLines, long maxChars) {
        if (maxLines <= 0 || maxChars <= 0) {
            throw new IllegalArgumentException("maxLines and maxChars must be positive");
        }
        this.maxLines = maxLines;
        this.maxChars = maxChars;
    }

    /** Starts collecting the root logger's events; a no-op when logging is not logback or after close. */
    public synchronized void attach() {
        if (appender != null || closed) {
            return;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext ctx)) {
            log.warn("SLF4J is not bound to logback; pods/log of this process's mirror pod stays empty");
            return;
        }
        PatternLayout layout = new PatternLayout();
        layout.setContext(ctx);
        layout.setPattern(PATTERN);
        layout.start();
        Appender a = new Appender(layout);
        a.setContext(ctx);
        a.setName("kubelite-log-buffer-" + System.identityHashCode(this));
        a.start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(a);
        appender = a;
    }

    /** The last {@code n} lines (all when {@code n < 0}), oldest first. */
    public List<String> tail(int n) {
        synchronized (lines) {
            return copyTail(n);
        }
    }

    /**
     * The last {@code n} lines, and {@code follower} called with every later line, without a
     * gap or a repeat between the two; close the returned handle to stop following.
     */
    public Following follow(int n, Consumer<String> follower) {
        synchronized (lines) {
            List<String> tail = copyTail(n);
            followers.add(follower);
            return new Following(tail, () -> followers.remove(follower));
        }
    }

    /** What {@link #follow} returns: the lines up to now and the handle that stops following. */
    public record Following(List<String> tail, Runnable stop) implements AutoCloseable {
        @Override
        public void close() {
            stop.run();
        }
    }

    /** Adds one line (also what the appender does); public so tests and embedders can feed it. */
    public void append(String line) {
        synchronized (lines) {
            lines.addLast(line);
            chars += line.length();
            while (lines.size() > maxLines || (chars > maxChars && lines.size() > 1)) {
                chars -= lines.removeFirst().length();
            }
            // delivered under the lock so followers see lines in order and none twice
            for (Consumer<String> f : followers) {
                try {
                    f.accept(line);
                } catch (RuntimeException e) {
                    followers.remove(f);
                }
            }
        }
    }

    private List<String> copyTail(int n) {
        int skip = n < 0 ? 0 : Math.max(0, lines.size() - n);
        List<String> out = new ArrayList<>(lines.size() - skip);
        int i = 0;
        for (String l : lines) {
            if (i++ >= skip) {
                out.add(l);
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (appender != null && LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
            appender.stop();
        }
        followers.clear();
    }

    private final class Appender extends UnsynchronizedAppenderBase<ILoggingEvent> {
        private final PatternLayout layout;

        Appender(PatternLayout layout) {
            this.layout = layout;
        }

        @Override
        protected void append(ILoggingEvent event) {
            LogBuffer.this.append(layout.doLayout(event));
        }
    }
}
