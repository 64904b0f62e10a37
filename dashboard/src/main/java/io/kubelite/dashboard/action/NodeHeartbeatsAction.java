package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.dashboard.auth.Session;

/**
 * {@code fail-node} and {@code recover-node} ({@code {"node": NAME}}): set or remove the Node
 * annotation {@code sim.kubelite.io/heartbeats: stopped}, on which kubelet-sim stops (or resumes)
 * that simulated node's Lease renewals and status updates, as if it were cut off (see
 * docs/kubelet-sim.md, "Simulating node failure"). The node lifecycle controller then does what it
 * does to a silent node: Unknown after the grace period, the unreachable taints, eviction later.
 */
public final class NodeHeartbeatsAction implements Action {
    static final String ANNOTATION = "sim.kubelite.io/heartbeats";
    private final boolean stop;

    /** @param stop true: {@code fail-node}; false: {@code recover-node} */
    public NodeHeartbeatsAction(boolean stop) {
        this.stop = stop;
    }

    @Override
    public String name() {
        return stop ? "fail-node" : "recover-node";
    }

    @Override
    public String perform(Session session, JsonNode body) throws ActionException {
        String node = NodeApi.nodeName(body);
        String value = stop ? "\"stopped\"" : "null";
        NodeApi.mergePatch(
                session.api(), node, "{\"metadata\":{\"annotations\":{\"" + ANNOTATION + "\":" + value + "}}}");
        return stop
                ? "node " + node + ": heartbeats stopped (it turns Unknown after the node monitor grace period)"
                : "node " + node + ": heartbeats resumed";
    }
}
