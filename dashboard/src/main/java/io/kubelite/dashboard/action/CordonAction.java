package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.dashboard.auth.Session;

/**
 * {@code cordon} and {@code uncordon} ({@code {"node": NAME}}), as kubectl's: set or clear the
 * Node's {@code spec.unschedulable}, so the scheduler places no new pod there (pods already on it
 * stay). The user's own credential makes the change.
 */
public final class CordonAction implements Action {
    private final boolean cordon;

    /** @param cordon true: {@code cordon}; false: {@code uncordon} */
    public CordonAction(boolean cordon) {
        this.cordon = cordon;
    }

    @Override
    public String name() {
        return cordon ? "cordon" : "uncordon";
    }

    @Override
    public String perform(Session session, JsonNode body) throws ActionException {
        String node = NodeApi.nodeName(body);
        NodeApi.mergePatch(
                session.api(),
                node,
                cordon ? "{\"spec\":{\"unschedulable\":true}}" : "{\"spec\":{\"unschedulable\":null}}");
        return "node " + node + (cordon ? " cordoned" : " uncordoned");
    }
}
