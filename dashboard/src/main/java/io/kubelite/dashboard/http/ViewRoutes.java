package io.kubelite.dashboard.http;

import io.kubelite.dashboard.auth.AccessReviewer;
import io.kubelite.dashboard.auth.ReviewException;
import io.kubelite.dashboard.auth.Session;
import io.kubelite.dashboard.cache.ResourceType;
import io.kubelite.dashboard.stream.ViewDiff;
import io.kubelite.dashboard.stream.ViewPublisher;
import io.kubelite.dashboard.stream.ViewSubscription;
import io.kubelite.dashboard.view.Json;
import io.kubelite.dashboard.view.View;
import io.kubelite.dashboard.view.ViewQuery;
import io.kubelite.dashboard.view.ViewRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.TreeMap;

/**
 * Views to the browser: {@code GET /api/views/NAME?namespace=NS} (one render, JSON) and {@code
 * GET /api/stream?view=NAME&namespace=NS} (Server-Sent Events: a {@code snapshot}, then {@code
 * patch} events as the cluster changes). Either needs the session's own credential to be allowed
 * to {@code list} what the view reads; else 403 with what is missing.
 */
final class ViewRoutes {
    private final Vertx vertx;
    private final ViewRegistry views;
    private final ViewPublisher publisher;
    private final AccessReviewer access;

    ViewRoutes(Vertx vertx, ViewRegistry views, ViewPublisher publisher, AccessReviewer access) {
        this.vertx = vertx;
        this.views = views;
        this.publisher = publisher;
        this.access = access;
    }

    void once(RoutingContext ctx) {
        resolve(ctx, ctx.pathParam("name"))
                .onSuccess(r -> vertx.executeBlocking(
                                () -> ViewDiff.snapshotJson(publisher.renderNow(r.view(), r.query())))
                        .onComplete(ar -> {
                            if (ar.succeeded()) {
                                Responses.json(ctx, 200, ar.result());
                            } else {
                                Responses.message(ctx, 500, "view " + r.view().name() + " failed: " + ar.cause());
                            }
                        }));
    }

    void stream(RoutingContext ctx) {
        resolve(ctx, ctx.request().getParam("view")).onSuccess(r -> {
            var response = ctx.response();
            if (response.closed()) {
                return;
            }
            response.setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("X-Accel-Buffering", "no");
            response.write(": stream of view " + r.view().name() + "\n\n");
            ViewSubscription s =
                    new ViewSubscription(r.view(), r.query(), new SseSink(vertx.getOrCreateContext(), response));
            response.closeHandler(v -> publisher.remove(s));
            publisher.add(s);
        });
    }

    private record Resolved(View view, ViewQuery query) {}

    /** The query parameters other than view and namespace: the view's own (bounded, so a URL cannot grow the publisher's state). */
    private static Map<String, String> viewParams(RoutingContext ctx) {
        Map<String, String> params = new TreeMap<>();
        ctx.request().params().forEach((k, v) -> {
            if (!k.equals("view")
                    && !k.equals("namespace")
                    && params.size() < 8
                    && k.length() <= 32
                    && v.length() <= 256) {
                params.put(k, v);
            }
        });
        return params;
    }

    /** The view and query, once the session may list what it reads; else answers the error and fails. */
    private Future<Resolved> resolve(RoutingContext ctx, String name) {
        Session session = ctx.get(SessionCookie.SESSION);
        View view = name == null ? null : views.find(name).orElse(null);
        if (view == null) {
            Responses.message(ctx, 404, "no view named \"" + name + "\"");
            return Future.failedFuture("no such view");
        }
        ViewQuery query;
        try {
            query = new ViewQuery(ctx.request().getParam("namespace", ""), viewParams(ctx));
            view.validate(query);
        } catch (IllegalArgumentException e) {
            Responses.message(ctx, 400, e.getMessage());
            return Future.failedFuture(e);
        }
        return vertx.<String>executeBlocking(() -> {
                    for (ResourceType t : view.reads()) {
                        if (!access.mayList(session, t, query.namespace())) {
                            return "user " + session.user() + " may not list " + t
                                    + (t.namespaced() && !query.allNamespaces()
                                            ? " in namespace " + query.namespace()
                                            : t.namespaced() ? " in all namespaces" : "");
                        }
                    }
                    return null;
                })
                .transform(ar -> {
                    if (ar.failed()) {
                        String why = ar.cause() instanceof ReviewException e
                                ? e.getMessage()
                                : ar.cause().toString();
                        Responses.message(ctx, 502, "could not check access: " + why);
                        return Future.failedFuture(ar.cause());
                    }
                    if (ar.result() != null) {
                        Responses.json(
                                ctx,
                                403,
                                Json.object().put("message", ar.result()).put("view", view.name()));
                        return Future.failedFuture("forbidden");
                    }
                    return Future.succeededFuture(new Resolved(view, query));
                });
    }
}
