package io.kubelite.dashboard.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.auth.Session;
import io.kubelite.dashboard.metrics.PodMetricsPoller;
import io.kubelite.dashboard.metrics.PodMetricsSample;
import io.kubelite.dashboard.view.Json;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code GET /api/pod-metrics?namespace=NS&name=POD}: a pod's usage from {@code metrics.k8s.io} as
 * Server-Sent Events, polled with the session's own credential only while the stream is open:
 * {@code history} (the samples of the last minutes, once), then {@code sample} per new reading,
 * and {@code problem} ({@code {kind, message}}) when there is none (metrics API absent, no sample
 * yet, refused). A sample is {@code {timestamp, containers: {NAME: {cpu: millicores, memory: bytes}}}}.
 */
final class PodMetricsRoutes {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private final PodMetricsPoller poller;

    PodMetricsRoutes(PodMetricsPoller poller) {
        this.poller = poller;
    }

    void stream(RoutingContext ctx) {
        Session session = ctx.get(SessionCookie.SESSION);
        String ns = ctx.request().getParam("namespace", "");
        String name = ctx.request().getParam("name", "");
        if (!LABEL.matcher(ns).matches() || !SUBDOMAIN.matcher(name).matches()) {
            Responses.message(ctx, 400, "a pod's metrics need a valid namespace and pod name");
            return;
        }
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": metrics of " + ns + "/" + name + "\n\n");
        Context context = ctx.vertx().getOrCreateContext();
        AutoCloseable watch = poller.watch(session.api(), ns, name, new PodMetricsPoller.Listener() {
            @Override
            public void history(List<PodMetricsSample> samples) {
                var data = Json.object();
                var array = data.putArray("samples");
                samples.forEach(s -> array.add(json(s)));
                send(context, response, "history", data);
            }

            @Override
            public void sample(PodMetricsSample sample) {
                send(context, response, "sample", json(sample));
            }

            @Override
            public void problem(String kind, String message) {
                send(
                        context,
                        response,
                        "problem",
                        Json.object().put("kind", kind).put("message", message));
            }
        });
        response.closeHandler(v -> {
            try {
                watch.close();
            } catch (Exception ignored) {
                // a cancelled poll has nothing to release
            }
        });
    }

    private static ObjectNode json(PodMetricsSample s) {
        ObjectNode o = Json.object().put("timestamp", s.timestamp());
        ObjectNode containers = o.putObject("containers");
        s.containers()
                .forEach((name, u) ->
                        containers.putObject(name).put("cpu", u.cpuMillis()).put("memory", u.memoryBytes()));
        return o;
    }

    private static void send(Context context, HttpServerResponse response, String event, ObjectNode data) {
        String frame = "event: " + event + "\ndata: " + data + "\n\n";
        context.runOnContext(v -> {
            if (!response.closed() && !response.ended()) {
                response.write(frame);
            }
        });
    }
}
