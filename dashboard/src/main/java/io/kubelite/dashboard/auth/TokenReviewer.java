package io.kubelite.dashboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.dashboard.view.Json;
import java.io.IOException;
import java.util.Optional;

/**
 * Who a bearer token is, as the API server says: a {@code SelfSubjectReview}
 * ({@code authentication.k8s.io/v1}, what {@code kubectl auth whoami} sends) made with that token.
 * Blocking: call off the event loop.
 */
public final class TokenReviewer {
    private static final String PATH = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    private static final String BODY = "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}";

    /** The user name, or empty when the API server refuses the token (401). */
    public Optional<String> userOf(ApiServerConnection withToken) throws ReviewException {
        ApiServerConnection.Response r;
        try {
            r = withToken.send("POST", PATH, "application/json", BODY);
        } catch (IOException e) {
            throw new ReviewException("the API server did not answer: " + e.getMessage());
        }
        if (r.code() == 401) {
            return Optional.empty();
        }
        if (!r.ok()) {
            throw new ReviewException("the API server answered the token review with HTTP " + r.code());
        }
        try {
            JsonNode user = Json.MAPPER.readTree(r.body()).path("status").path("userInfo");
            return Optional.of(user.path("username").asText("(unnamed)"));
        } catch (IOException e) {
            throw new ReviewException("the API server's token review was not JSON");
        }
    }
}
