package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.dashboard.view.Json;
import java.io.IOException;

/**
 * The API server calls actions make, with the session's credential: a non-2xx answer becomes an
 * {@link ActionException} with the API server's status and its {@code Status} message (so a 403
 * says what the user may not do), a transport failure a 502 that says the server was not reached.
 */
final class ApiCalls {
    private final ApiServerConnection api;

    ApiCalls(ApiServerConnection api) {
        this.api = api;
    }

    JsonNode get(String path) throws ActionException {
        return check(call(() -> api.get(path)));
    }

    JsonNode send(String method, String path, String contentType, String body) throws ActionException {
        return check(call(() -> api.send(method, path, contentType, body)));
    }

    /** The raw answer, for callers that report failures themselves (apply reports each object). */
    ApiServerConnection.Response sendRaw(String method, String path, String contentType, String body)
            throws ActionException {
        return call(() -> api.send(method, path, contentType, body));
    }

    /** The message of a failed answer: the {@code Status}'s message, else the body, else the code. */
    static String message(ApiServerConnection.Response r) {
        try {
            JsonNode status = Json.MAPPER.readTree(r.body());
            if (status != null && status.hasNonNull("message")) {
                return status.path("message").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not a Status: fall through to the body
        }
        String body = r.body() == null ? "" : r.body().strip();
        return body.isEmpty() || body.length() > 300 ? "the API server answered " + r.code() : body;
    }

    private interface Call {
        ApiServerConnection.Response run() throws IOException;
    }

    private static ApiServerConnection.Response call(Call c) throws ActionException {
        try {
            return c.run();
        } catch (IOException e) {
            throw new ActionException(502, "the API server could not be reached: " + e.getMessage());
        }
    }

    private static JsonNode check(ApiServerConnection.Response r) throws ActionException {
        if (!r.ok()) {
            throw new ActionException(r.code(), message(r));
        }
        try {
            JsonNode body = Json.MAPPER.readTree(r.body() == null || r.body().isBlank() ? "{}" : r.body());
            return body == null ? Json.object() : body;
        } catch (IOException e) {
            throw new ActionException(502, "the API server's answer is not JSON");
        }
    }
}
