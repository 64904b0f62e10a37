package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.dashboard.auth.Session;
import io.kubelite.dashboard.view.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * {@code delete-pod}: deletes one pod gracefully, as {@code kubectl delete pod} does (no grace
 * period override, so the pod's {@code terminationGracePeriodSeconds} applies; background
 * propagation). Body {@code {"namespace": ..., "name": ..., "uid": ...}}; with a {@code uid} the
 * delete carries it as a precondition, so a pod recreated under the same name since the page
 * showed it is not the one deleted (409). Acts with the session's credential only.
 */
final class DeletePodAction implements Action {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    @Override
    public String name() {
        return "delete-pod";
    }

    @Override
    public String perform(Session session, JsonNode body) throws ActionException {
        String ns = body.path("namespace").asText("");
        String name = body.path("name").asText("");
        String uid = body.path("uid").asText("");
        if (!LABEL.matcher(ns).matches()) {
            throw new ActionException(400, "namespace \"" + ns + "\" is not a valid namespace name");
        }
        if (!SUBDOMAIN.matcher(name).matches()) {
            throw new ActionException(400, "\"" + name + "\" is not a valid pod name");
        }
        var options = Json.object().put("kind", "DeleteOptions").put("apiVersion", "v1");
        options.put("propagationPolicy", "Background");
        if (!uid.isEmpty()) {
            options.putObject("preconditions").put("uid", uid);
        }
        String path = "/api/v1/namespaces/" + enc(ns) + "/pods/" + enc(name);
        ApiServerConnection.Response r;
        try {
            r = session.api().send("DELETE", path, "application/json", options.toString());
        } catch (IOException e) {
            throw new ActionException(502, "the API server did not answer: " + e.getMessage());
        }
        if (!r.ok()) {
            throw new ActionException(r.code(), statusMessage(r));
        }
        return "pod " + ns + "/" + name + " deleted (it terminates gracefully)";
    }

    /** The API server's Status message, else the HTTP code. */
    static String statusMessage(ApiServerConnection.Response r) {
        try {
            String m = Json.MAPPER.readTree(r.body()).path("message").asText("");
            if (!m.isEmpty()) {
                return m;
            }
        } catch (IOException ignored) {
            // not a Status
        }
        return "the API server answered HTTP " + r.code();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
