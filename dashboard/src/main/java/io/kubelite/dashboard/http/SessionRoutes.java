package io.kubelite.dashboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.dashboard.auth.LoginCode;
import io.kubelite.dashboard.auth.ReviewException;
import io.kubelite.dashboard.auth.Session;
import io.kubelite.dashboard.auth.SessionStore;
import io.kubelite.dashboard.auth.TokenReviewer;
import io.kubelite.dashboard.view.Json;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Signing in and out: the one-time login link ({@code GET /?login=CODE}: a session with the
 * dashboard's own credential, then the code is spent), a bearer token ({@code POST /api/login}:
 * checked with a SelfSubjectReview made with it; the session then acts with that token), {@code
 * GET /api/session} (who am I) and {@code POST /api/logout}.
 */
final class SessionRoutes {
    private final Vertx vertx;
    private final SessionStore sessions;
    private final LoginCode loginCode;
    private final ApiServerConnection dashboardApi;
    private final TokenReviewer tokens = new TokenReviewer();

    SessionRoutes(Vertx vertx, SessionStore sessions, LoginCode loginCode, ApiServerConnection dashboardApi) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.loginCode = loginCode;
        this.dashboardApi = dashboardApi;
    }

    /** {@code GET /?login=CODE}; any other {@code GET /} goes on to the page. */
    void loginLink(RoutingContext ctx) {
        String code = ctx.request().getParam("login");
        if (code == null) {
            ctx.next();
            return;
        }
        if (!loginCode.redeem(code)) {
            redirect(ctx, "/#/login?reason=link");
            return;
        }
        vertx.executeBlocking(() -> tokens.userOf(dashboardApi)).onComplete(ar -> {
            // the dashboard's own credential is a client certificate or token; name its user when the server says
            String user =
                    ar.succeeded() && ar.result().isPresent() ? ar.result().get() : "dashboard";
            SessionCookie.set(ctx, sessions.create(user, dashboardApi, "the one-time login link"));
            redirect(ctx, "/#/overview");
        });
    }

    void login(RoutingContext ctx) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(
                    java.util.Objects.requireNonNullElse(ctx.body().asString(), ""));
        } catch (Exception e) {
            Responses.message(ctx, 400, "the sign-in request is not JSON");
            return;
        }
        String token = body == null ? "" : body.path("token").asText("").trim();
        if (token.isEmpty()) {
            Responses.message(ctx, 400, "enter a bearer token");
            return;
        }
        if (token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            Responses.message(ctx, 400, "a bearer token has no spaces or control characters");
            return;
        }
        vertx.executeBlocking(() -> {
                    ApiServerConnection withToken = dashboardApi.withBearerToken(token);
                    Optional<String> user = tokens.userOf(withToken);
                    return user.map(u -> sessions.create(u, withToken, "a bearer token"));
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        String why = ar.cause() instanceof ReviewException r
                                ? r.getMessage()
                                : ar.cause().toString();
                        Responses.message(ctx, 502, "could not check the token: " + why);
                    } else if (ar.result().isEmpty()) {
                        Responses.message(ctx, 401, "the API server did not accept this token (401 Unauthorized)");
                    } else {
                        Session s = ar.result().get();
                        SessionCookie.set(ctx, s);
                        Responses.json(ctx, 200, Json.object().put("user", s.user()));
                    }
                });
    }

    void whoAmI(RoutingContext ctx) {
        Session s = ctx.get(SessionCookie.SESSION);
        Responses.json(ctx, 200, Json.object().put("user", s.user()));
    }

    void logout(RoutingContext ctx) {
        sessions.find(SessionCookie.read(ctx)).ifPresent(sessions::remove);
        SessionCookie.clear(ctx);
        Responses.json(ctx, 200, Json.object().put("message", "signed out"));
    }

    private static void redirect(RoutingContext ctx, String location) {
        ctx.response()
                .setStatusCode(303)
                .putHeader("Location", location)
                .putHeader("Cache-Control", "no-store")
                .end();
    }
}
