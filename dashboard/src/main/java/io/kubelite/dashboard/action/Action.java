package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.dashboard.auth.Session;

/**
 * A state-changing operation the pages offer behind a confirmation (scale, cordon, delete pod,
 * ...): {@code POST /api/actions/NAME} with a JSON body. It must act through
 * {@code session.api()} only, so the API server authorizes the signed-in user, never the
 * dashboard. Register new actions in {@link ActionRegistry#builtIn}.
 */
public interface Action {
    /** The name in the URL: lower case with dashes, e.g. {@code delete-pod}. */
    String name();

    /**
     * Performs the action; blocking (runs on a worker thread). Bad input is an {@link
     * ActionException} with status 400 and a message for the user, and changes nothing.
     *
     * @return a short message for the page, e.g. {@code pod default/web-1 deleted}
     */
    String perform(Session session, JsonNode body) throws ActionException;
}
