package io.kubelite.dashboard.http;

import io.kubelite.dashboard.auth.Session;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * The session cookie: the session's random id, HttpOnly (no script reads it), SameSite=Strict (no
 * other site's page sends it), for the whole dashboard. Not Secure: the dashboard serves plain
 * HTTP on loopback.
 */
final class SessionCookie {
    static final String NAME = "kubelite-dashboard-session";
    /** Where the routes find the request's session ({@code ctx.get(SESSION)}). */
    static final String SESSION = "session";

    private SessionCookie() {}

    static void set(RoutingContext ctx, Session s) {
        ctx.response()
                .addCookie(Cookie.cookie(NAME, s.id())
                        .setPath("/")
                        .setHttpOnly(true)
                        .setSameSite(CookieSameSite.STRICT));
    }

    static void clear(RoutingContext ctx) {
        ctx.response()
                .addCookie(Cookie.cookie(NAME, "")
                        .setPath("/")
                        .setMaxAge(0)
                        .setHttpOnly(true)
                        .setSameSite(CookieSameSite.STRICT));
    }

    static String read(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(NAME);
        return c == null ? null : c.getValue();
    }
}
