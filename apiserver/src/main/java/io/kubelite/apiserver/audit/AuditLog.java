package io.kubelite.apiserver.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log backend ({@code --audit-log-path}): events as JSON lines, written by one thread
 * of its own so that a request's event loop never waits on the disk. Events wait in a bounded
 * queue; when the disk falls that far behind, further events are dropped and counted
 * ({@code apiserver_audit_error_total{plugin="log"}}), with one warning per episode, rather
 * than stalling the API. {@link #close} writes what is queued, then closes the file; idempotent.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectNode STOP = JSON.createObjectNode();

    /** Where the lines go: a rotating file, or a stream ({@code -}: standard output). */
    public record Target(Path file, long maxBytes, int maxBackups, Duration maxAge) {
        public static Target stdout() {
            return new Target(null, 0, 0, Duration.ZERO);
        }
    }

    private final BlockingQueue<ObjectNode> queue;
    private final Target target;
    private final Counter events;
    private final Counter errors;
    private final AtomicBoolean dropping = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread writer;
    private final RotatingFile file;
    private final OutputStream stream;

    public AuditLog(Target target, int queueSize, MeterRegistry registry) {
        this.target = target;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.events = Counter.builder("apiserver_audit_event_total")
                .description("Counter of audit events generated and sent to the audit backend.")
                .register(registry);
        this.errors = Counter.builder("apiserver_audit_error_total")
                .description("Counter of audit events that failed to be audited properly.")
                .tag("plugin", "log")
                .register(registry);
        this.file = target.file() == null
                ? null
                : new RotatingFile(
                        target.file(), target.maxBytes(), target.maxBackups(), target.maxAge(), Clock.systemUTC());
        this.stream = target.file() == null ? System.out : null;
        this.writer = new Thread(this::run, "audit-log-writer");
        writer.setDaemon(true);
    }

    public AuditLog start() {
        writer.start();
        LOG.info("audit log: writing to {}", target.file() == null ? "standard output" : target.file());
        return this;
    }

    /** Queues one event; never blocks. */
    public void write(ObjectNode event) {
        if (closed.get()) {
            return;
        }
        events.increment();
        if (queue.offer(event)) {
            if (dropping.compareAndSet(true, false)) {
                LOG.info("audit log: writing events again");
            }
            return;
        }
        errors.increment();
        if (dropping.compareAndSet(false, true)) {
            LOG.warn("audit log: {} events wait for the disk; dropping events until it catches up", queue.size());
        }
    }

    private void run() {
        try {
            while (true) {
                ObjectNode e = queue.take();
                if (e == STOP) {
                    break;
                }
                writeLine(e);
                // flush once the queue is drained: a burst costs one flush, a quiet server loses nothing
                if (queue.isEmpty()) {
                    flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            flush();
        }
    }

    private void writeLine(ObjectNode e) {
        try {
            byte[] line = JSON.writeValueAsBytes(e);
            byte[] withNewline = java.util.Arrays.copyOf(line, line.length + 1);
            withNewline[line.length] = '\n';
            if (file != null) {
                file.write(withNewline);
            } else {
                stream.write(withNewline);
            }
        } catch (IOException ex) {
            errors.increment();
            LOG.warn("audit log: cannot write an event to {}: {}", target.file(), ex.toString());
        }
    }

    private void flush() {
        try {
            if (file != null) {
                file.flush();
            } else {
                stream.flush();
            }
        } catch (IOException ex) {
            LOG.warn("audit log: cannot flush {}: {}", target.file(), ex.toString());
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (writer.isAlive()) {
            try {
                queue.put(STOP);
                writer.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (file != null) {
                file.close();
            }
        } catch (IOException e) {
            LOG.warn("audit log: cannot close {}: {}", target.file(), e.toString());
        }
    }
}
