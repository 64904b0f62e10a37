package io.kubelite.dashboard.http;

import io.kubelite.dashboard.auth.SessionStore;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * What every request passes before a route: security headers on every answer; for {@code /api/}
 * requests that change state, the CSRF defence (the {@value #CSRF_HEADER} header, which no other
 * site's form or image can send and a cross-site script cannot without a CORS preflight the
 * dashboard never allows, and, when the browser sends one, an {@code Origin} that is the
 * dashboard's own); and a live session for every {@code /api/} route but sign-in.
 */
final class RequestGuards {
    static final String CSRF_HEADER = "X-Kubelite-Dashboard";

    private final SessionStore sessions;

    RequestGuards(SessionStore sessions) {
        this.sessions = sessions;
    }

    void headers(RoutingContext ctx) {
        ctx.response()
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader(
                        "Content-Security-Policy",
                        "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        ctx.next();
    }

    void csrf(RoutingContext ctx) {
        HttpMethod m = ctx.request().method();
        if (m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)) {
            ctx.next();
            return;
        }
        if (ctx.request().getHeader(CSRF_HEADER) == null) {
            Responses.message(ctx, 403, "missing the " + CSRF_HEADER + " header (cross-site requests are refused)");
            return;
        }
        String origin = ctx.request().getHeader("Origin");
        String host = ctx.request().getHeader("Host");
        if (origin != null && !origin.equals("http://" + host)) {
            Responses.message(ctx, 403, "cross-origin request from " + origin + " refused");
            return;
        }
        ctx.next();
    }

    void session(RoutingContext ctx) {
        var s = sessions.find(SessionCookie.read(ctx));
        if (s.isEmpty()) {
            Responses.message(ctx, 401, "not signed in (or the session expired): sign in again");
            return;
        }
        ctx.put(SessionCookie.SESSION, s.get());
        ctx.next();
    }
}
