package io.kubelite.dashboard.http;

import io.kubelite.dashboard.view.Json;
import io.vertx.ext.web.RoutingContext;

/** JSON answers: a body, or {@code {"message": ...}} for errors (never a stack trace). */
final class Responses {
    private Responses() {}

    static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended()) {
            return;
        }
        String text;
        try {
            text = body instanceof String s ? s : Json.MAPPER.writeValueAsString(body);
        } catch (Exception e) {
            status = 500;
            text = "{\"message\":\"the dashboard could not encode its answer\"}";
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(text);
    }

    static void message(RoutingContext ctx, int status, String message) {
        json(ctx, status, Json.object().put("message", message));
    }
}
