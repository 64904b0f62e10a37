package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.dashboard.view.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What the node actions share: the node named in an action's body (checked as the API server
 * checks names, so a bad one changes nothing), a merge patch of the Node with the user's own
 * credential, and the API server's refusals passed on as {@link ActionException}s with its status
 * and message.
 */
final class NodeApi {
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private NodeApi() {}

    /** The body's {@code node}, or a 400 naming what is wrong. */
    static String nodeName(JsonNode body) throws ActionException {
        JsonNode n = body.path("node");
        if (!n.isTextual() || n.asText().isEmpty()) {
            throw new ActionException(400, "say which node: {\"node\": \"NAME\"}");
        }
        String name = n.asText();
        if (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches()) {
            throw new ActionException(400, "\"" + name + "\" is not a valid node name");
        }
        return name;
    }

    static String nodePath(String node) {
        return "/api/v1/nodes/" + node;
    }

    /** Applies the JSON merge patch {@code patch} to Node {@code node}; the API server's refusal is thrown. */
    static void mergePatch(ApiServerConnection api, String node, String patch) throws ActionException {
        ApiServerConnection.Response r = call(api, "PATCH", nodePath(node), "application/merge-patch+json", patch);
        if (!r.ok()) {
            throw refused(r, "node " + node);
        }
    }

    static ApiServerConnection.Response call(
            ApiServerConnection api, String method, String path, String contentType, String body)
            throws ActionException {
        try {
            return api.send(method, path, contentType, body);
        } catch (IOException e) {
            throw new ActionException(502, "the API server did not answer: " + e.getMessage());
        }
    }

    static ApiServerConnection.Response get(ApiServerConnection api, String path) throws ActionException {
        try {
            return api.get(path);
        } catch (IOException e) {
            throw new ActionException(502, "the API server did not answer: " + e.getMessage());
        }
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The API server's Status message for a failed call (its body), else the HTTP code. */
    static String message(ApiServerConnection.Response r) {
        try {
            String m = Json.MAPPER.readTree(r.body()).path("message").asText("");
            if (!m.isEmpty()) {
                return m;
            }
        } catch (IOException | RuntimeException e) {
            // not a Status: fall through to the code
        }
        return "HTTP " + r.code();
    }

    /** A failed call as an ActionException with the API server's own status (403, 404, 409, ...). */
    static ActionException refused(ApiServerConnection.Response r, String what) {
        int status = r.code() >= 400 && r.code() < 600 ? r.code() : 502;
        return new ActionException(status, what + ": " + message(r));
    }
}
