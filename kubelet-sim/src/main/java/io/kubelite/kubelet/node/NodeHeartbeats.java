package io.kubelite.kubelet.node;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a simulated node's heartbeats reach the API, as its Node's annotation
 * {@code sim.kubelite.io/heartbeats} says: {@code stopped} simulates a node cut off from the
 * control plane (no Lease renewal, no node or pod status; its pods go on running), so the node
 * lifecycle controller sees it go silent; {@code running}, or no annotation, is a healthy node.
 * Any other value is refused with one Warning (log line and Event on the Node) per value and
 * counts as {@code running}. Each change is logged once with the node's name. Thread-safe.
 */
public final class NodeHeartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeats.class);
    public static final String ANNOTATION = "sim.kubelite.io/heartbeats";
    public static final String STOPPED = "stopped";
    public static final String RUNNING = "running";
    static final String INVALID_REASON = "InvalidHeartbeatsAnnotation";

    /** What an observed annotation changed. */
    enum Change {
        NONE,
        STOPPED,
        RESUMED
    }

    private final String node;
    private volatile boolean stopped;
    /** The invalid value last warned about (null: the value is valid), so a bad value warns once. */
    private String refused;

    NodeHeartbeats(String node) {
        this.node = node;
    }

    /** True while heartbeats are stopped: nothing of the node's status may be written. */
    public boolean stopped() {
        return stopped;
    }

    /** Whether {@code annotations} ask for stopped heartbeats (a bad value does not). */
    static boolean stoppedIn(Map<String, String> annotations) {
        return STOPPED.equals(annotations.get(ANNOTATION));
    }

    /** Takes the node's current annotations; says whether heartbeats just stopped or resumed. */
    synchronized Change observe(Map<String, String> annotations, NodeEvents events) {
        String value = annotations.get(ANNOTATION);
        boolean stop = STOPPED.equals(value);
        if (value == null || stop || RUNNING.equals(value)) {
            refused = null;
        } else if (!value.equals(refused)) {
            refused = value;
            String message = "annotation " + ANNOTATION + "=\"" + value + "\" is neither \"" + STOPPED + "\" nor \""
                    + RUNNING + "\"; heartbeats go on";
            LOG.warn("node {}: {}", node, message);
            events.warning(node, INVALID_REASON, message);
        }
        if (stop == stopped) {
            return Change.NONE;
        }
        stopped = stop;
        if (stop) {
            LOG.info(
                    "node {}: heartbeats stopped ({}={}): no Lease renewal, node or pod status until it is"
                            + " removed; its pods go on running",
                    node,
                    ANNOTATION,
                    STOPPED);
            return Change.STOPPED;
        }
        LOG.info("node {}: heartbeats resumed ({} {})", node, ANNOTATION, value == null ? "removed" : "=" + value);
        return Change.RESUMED;
    }
}
