package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.dashboard.auth.Session;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code drain} ({@code {"node": NAME, "timeoutSeconds": N}}): cordon the node and evict its pods
 * but mirror and DaemonSet-managed ones, respecting PodDisruptionBudgets (see {@link NodeDrain});
 * answers the report of what was evicted, left alone and still blocked. Runs on a worker thread
 * for at most {@code timeoutSeconds} (default {@value #DEFAULT_TIMEOUT_SECONDS}, at most {@value
 * #MAX_TIMEOUT_SECONDS}: a page waits for the answer).
 */
public final class DrainAction implements Action {
    static final int DEFAULT_TIMEOUT_SECONDS = 30;
    static final int MAX_TIMEOUT_SECONDS = 55;

    @Override
    public String name() {
        return "drain";
    }

    @Override
    public String perform(Session session, JsonNode body) throws ActionException {
        String node = NodeApi.nodeName(body);
        int timeout = DEFAULT_TIMEOUT_SECONDS;
        JsonNode t = body.path("timeoutSeconds");
        if (!t.isMissingNode() && !t.isNull()) {
            if (!t.isInt() || t.asInt() < 1 || t.asInt() > MAX_TIMEOUT_SECONDS) {
                throw new ActionException(
                        400, "timeoutSeconds must be a whole number from 1 to " + MAX_TIMEOUT_SECONDS);
            }
            timeout = t.asInt();
        }
        return new NodeDrain(session.api(), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()))
                .drain(node, Duration.ofSeconds(timeout))
                .text();
    }
}
