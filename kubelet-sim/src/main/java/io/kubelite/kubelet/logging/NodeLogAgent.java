package io.kubelite.kubelet.logging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.kubelet.node.NodeEvents;
import io.kubelite.kubelet.runtime.ContainerLog;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's log agent (fluent-bit's part of a DaemonSet pod): captures its containers' lines
 * into the node's {@link LogSpool}, and holds the node's shipping state. The shipping itself
 * runs on {@link NodeLogAgents}' thread, shared by all the process's nodes.
 */
final class NodeLogAgent {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLogAgent.class);
    static final String OVERFLOW_REASON = "LogSpoolOverflow";

    private final String node;
    private final LogSpool spool;
    private final LogAgentMetrics metrics;
    private final NodeEvents events;
    private final ObjectMapper json;
    private final long spoolBound;

    // shipping state: written by the shipper thread and the HTTP client's completion
    private boolean inFlight;
    private long retryAtNanos;
    private long backoffMillis;
    /** One overflow Event per outage: reset when a batch is stored again. */
    private boolean overflowReported;

    NodeLogAgent(
            String node,
            LogSpool spool,
            long spoolBound,
            LogAgentMetrics metrics,
            NodeEvents events,
            ObjectMapper json) {
        this.node = node;
        this.spool = spool;
        this.spoolBound = spoolBound;
        this.metrics = metrics;
        this.events = events;
        this.json = json;
        this.retryAtNanos = System.nanoTime();
    }

    String node() {
        return node;
    }

    LogSpool spool() {
        return spool;
    }

    /** Spools every line {@code log} has and will have (called before the instance writes). */
    void capture(LogSource source, ContainerLog log) {
        log.follow(-1, lines -> lines.forEach(l -> spool(source, l)), l -> spool(source, l), () -> {});
    }

    private void spool(LogSource s, ContainerLog.Line line) {
        SpoolRecord r = new SpoolRecord(
                s.namespace(),
                s.pod(),
                s.podUid(),
                s.container(),
                s.node(),
                s.restartCount(),
                s.podLabels(),
                "stdout",
                line.timeMillis() * 1_000_000L,
                line.seq(),
                line.text());
        long dropped;
        try {
            dropped = spool.append(json.writeValueAsBytes(r));
        } catch (UncheckedIOException | java.io.IOException e) {
            // a full or broken disk must not stop the container: the line is lost, and counted
            metrics.droppedOverflow.increment();
            LOG.debug("node {}: cannot spool a line: {}", node, e.getMessage());
            return;
        }
        if (dropped > 0) {
            metrics.droppedOverflow.increment(dropped);
            overflowed(dropped);
        }
    }

    private void overflowed(long dropped) {
        synchronized (this) {
            if (overflowReported) {
                return;
            }
            overflowReported = true;
        }
        String message = "log spool full (" + spoolBound + " bytes) while the log store does not take lines: dropped"
                + " the oldest " + dropped + " unshipped lines (more may follow; see"
                + " kubelite_log_agent_dropped_lines_total)";
        LOG.warn("node {}: {}", node, message);
        events.warning(node, OVERFLOW_REASON, message);
    }

    /** Whether the shipper may send this node's next batch now. */
    synchronized boolean ready(long nowNanos) {
        return !inFlight && nowNanos - retryAtNanos >= 0 && spool.hasUnshipped();
    }

    synchronized void sending() {
        inFlight = true;
    }

    /** The batch is stored: back-off and the outage's overflow report are over. */
    synchronized void stored() {
        inFlight = false;
        backoffMillis = 0;
        overflowReported = false;
    }

    /** The batch failed: the next try waits, doubling from {@code minMillis} up to {@code maxMillis}. */
    synchronized void failed(long nowNanos, long minMillis, long maxMillis) {
        inFlight = false;
        backoffMillis = backoffMillis == 0 ? minMillis : Math.min(maxMillis, backoffMillis * 2);
        retryAtNanos = nowNanos + backoffMillis * 1_000_000L;
    }
}
