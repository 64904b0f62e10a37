package io.kubelite.controllers.nodelifecycle;

import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.NodeStatus;

/** Lookups of a node's conditions by type. */
final class NodeConditions {
    private NodeConditions() {}

    /** The condition of {@code type}, or null when the status has none. */
    static NodeCondition find(NodeStatus st, String type) {
        for (NodeCondition c : st.getConditionsList()) {
            if (c.getType().equals(type)) {
                return c;
            }
        }
        return null;
    }

    /** Whether the node has the condition {@code type} with status True. */
    static boolean isTrue(Node n, String type) {
        NodeCondition c = find(n.getStatus(), type);
        return c != null && c.getStatus().equals("True");
    }
}
