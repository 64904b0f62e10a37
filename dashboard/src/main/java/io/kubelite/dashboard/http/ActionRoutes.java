package io.kubelite.dashboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.dashboard.action.Action;
import io.kubelite.dashboard.action.ActionException;
import io.kubelite.dashboard.action.ActionRegistry;
import io.kubelite.dashboard.auth.Session;
import io.kubelite.dashboard.view.Json;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/actions/NAME} with a JSON body: runs the action on a worker thread with the
 * session's credential and answers {@code {"message": ...}} (200, or the action's error status).
 * The CSRF guard has run before.
 */
final class ActionRoutes {
    private static final Logger log = LoggerFactory.getLogger(ActionRoutes.class);
    private final Vertx vertx;
    private final ActionRegistry actions;

    ActionRoutes(Vertx vertx, ActionRegistry actions) {
        this.vertx = vertx;
        this.actions = actions;
    }

    void perform(RoutingContext ctx) {
        Session session = ctx.get(SessionCookie.SESSION);
        String name = ctx.pathParam("name");
        Action action = actions.find(name).orElse(null);
        if (action == null) {
            Responses.message(ctx, 404, "no action named \"" + name + "\"");
            return;
        }
        JsonNode body;
        try {
            String text = java.util.Objects.requireNonNullElse(ctx.body().asString(), "");
            body = text.isBlank() ? Json.object() : Json.MAPPER.readTree(text);
        } catch (Exception e) {
            Responses.message(ctx, 400, "the request body is not JSON");
            return;
        }
        vertx.executeBlocking(() -> action.perform(session, body)).onComplete(ar -> {
            if (ar.succeeded()) {
                log.info("user {} did {}: {}", session.user(), name, ar.result());
                Responses.json(ctx, 200, Json.object().put("message", ar.result()));
            } else if (ar.cause() instanceof ActionException e) {
                Responses.message(ctx, e.status(), e.getMessage());
            } else {
                log.warn(
                        "action {} by user {} failed: {}",
                        name,
                        session.user(),
                        ar.cause().toString());
                Responses.message(ctx, 500, name + " failed: " + ar.cause().getMessage());
            }
        });
    }
}
