package io.kubelite.dashboard.http;

import io.kubelite.dashboard.auth.Session;
import io.kubelite.dashboard.logs.LogTail;
import io.kubelite.dashboard.view.Json;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/logs?namespace=NS&name=POD&container=C&previous=true&tailLines=N}: a container's
 * log, followed, as Server-Sent Events ({@code lines}: a JSON array of lines; {@code failed}:
 * {@code {status, message}}; {@code end}). The log is read from the API server's pod log endpoint
 * with the session's own credential (so the API server decides whether this user may read it) and
 * stops when the browser closes the stream. Lines arriving faster than the browser reads are
 * batched, and beyond {@value #MAX_BUFFERED} waiting lines the oldest are dropped and counted
 * ({@code skipped}). At most {@value #MAX_TAILS} tails run at once.
 */
final class PodLogRoutes {
    private static final Logger log = LoggerFactory.getLogger(PodLogRoutes.class);
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    static final int MAX_TAILS = 64;
    static final int MAX_BUFFERED = 2000;
    static final int MAX_TAIL_LINES = 5000;

    private final AtomicInteger running = new AtomicInteger();

    void tail(RoutingContext ctx) {
        Session session = ctx.get(SessionCookie.SESSION);
        var q = ctx.request();
        String ns = q.getParam("namespace", "");
        String name = q.getParam("name", "");
        String container = q.getParam("container", "");
        boolean previous = "true".equals(q.getParam("previous"));
        int tailLines;
        try {
            tailLines = Integer.parseInt(q.getParam("tailLines", "100"));
        } catch (NumberFormatException e) {
            tailLines = -1;
        }
        String problem = !LABEL.matcher(ns).matches()
                ? "namespace \"" + ns + "\" is not a valid namespace name"
                : !SUBDOMAIN.matcher(name).matches()
                        ? "\"" + name + "\" is not a valid pod name"
                        : !container.isEmpty() && !LABEL.matcher(container).matches()
                                ? "\"" + container + "\" is not a valid container name"
                                : tailLines < 0 || tailLines > MAX_TAIL_LINES
                                        ? "tailLines must be 0.." + MAX_TAIL_LINES
                                        : null;
        if (problem != null) {
            Responses.message(ctx, 400, problem);
            return;
        }
        if (running.incrementAndGet() > MAX_TAILS) {
            running.decrementAndGet();
            Responses.message(ctx, 503, "too many log tails open (" + MAX_TAILS + "); close some pages");
            return;
        }
        String path = "/api/v1/namespaces/" + enc(ns) + "/pods/" + enc(name) + "/log?follow=true&tailLines="
                + tailLines + (container.isEmpty() ? "" : "&container=" + enc(container))
                + (previous ? "&previous=true" : "");
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": log of " + ns + "/" + name + "\n\n");
        Batcher batcher = new Batcher(ctx.vertx().getOrCreateContext(), response);
        LogTail tail = new LogTail(session.api(), path, batcher);
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                tail.close();
                running.decrementAndGet();
            }
        };
        response.closeHandler(v -> release.run()); // the page went away
        response.endHandler(v -> release.run()); // the log ended or failed
        log.debug("user {} tails {}", session.user(), path);
        tail.start();
    }

    /** Gathers lines from the tail's thread and writes them as few events on the connection's event loop. */
    private static final class Batcher implements LogTail.Listener {
        private final Context context;
        private final HttpServerResponse response;
        private final List<String> pending = new ArrayList<>();
        private int skipped;

        Batcher(Context context, HttpServerResponse response) {
            this.context = context;
            this.response = response;
        }

        @Override
        public void line(String line) {
            boolean schedule;
            synchronized (this) {
                schedule = pending.isEmpty();
                if (pending.size() >= MAX_BUFFERED) {
                    pending.remove(0);
                    skipped++;
                }
                pending.add(line);
            }
            if (schedule) {
                context.runOnContext(v -> flush());
            }
        }

        private void flush() {
            if (response.closed() || response.ended()) {
                return;
            }
            if (response.writeQueueFull()) {
                response.drainHandler(v -> flush()); // the browser is behind: wait, lines keep gathering
                return;
            }
            List<String> lines;
            int dropped;
            synchronized (this) {
                lines = new ArrayList<>(pending);
                pending.clear();
                dropped = skipped;
                skipped = 0;
            }
            if (lines.isEmpty() && dropped == 0) {
                return;
            }
            var data = Json.object();
            data.put("skipped", dropped);
            var array = data.putArray("lines");
            lines.forEach(array::add);
            response.write("event: lines\ndata: " + data + "\n\n");
        }

        @Override
        public void failed(int status, String message) {
            context.runOnContext(v -> {
                flush();
                end(
                        "failed",
                        Json.object()
                                .put("status", status)
                                .put("message", message)
                                .toString());
            });
        }

        @Override
        public void ended() {
            context.runOnContext(v -> {
                flush();
                end("end", "{}");
            });
        }

        private void end(String event, String data) {
            if (!response.closed() && !response.ended()) {
                response.write("event: " + event + "\ndata: " + data + "\n\n");
                response.end();
            }
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
