package io.kubelite.kubelet.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kubelite.kubelet.usage.UsageSnapshots;
import io.kubelite.store.runtime.KubeletNodeHeader;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's per-node stats endpoints on kubelet-sim's one kubelet port:
 * {@code GET /metrics/resource} ({@link ResourceMetrics}), {@code GET /metrics/cadvisor}
 * ({@link CadvisorMetrics}) and {@code GET /stats/summary} ({@link StatsSummary}, JSON).
 *
 * <p>The node is named by the {@link KubeletNodeHeader#NAME} header; without it a process that
 * simulates exactly one node answers for that one, any other answers 400 naming the header. A
 * node the process does not simulate is a 404. Other methods are a 405. Nothing is changed by a
 * request.
 *
 * <p>The usage snapshots are values the last tick computed (the only lock taken is a
 * container's, held by the tick for one sample), so building a reply is cheap, but it is
 * proportional to the node's pods: it runs on a worker, and the reply is written on the request's
 * event loop. Thread-safe.
 */
public final class NodeStatsEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStatsEndpoints.class);
    private static final String RESOURCE = "/metrics/resource";
    private static final String CADVISOR = "/metrics/cadvisor";
    private static final String SUMMARY = "/stats/summary";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final UsageSnapshots usage;
    private final Function<String, Optional<NodeMachine>> machines;
    private final LongSupplier clock;
    private final long startMillis;
    private final PrometheusExposition exposition = new PrometheusExposition();
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param machines a simulated node's machine (empty before it registered)
     * @param clock the simulator's clock, epoch milliseconds
     * @param startMillis when the nodes' usage accounting began: the nodes' start time
     */
    public NodeStatsEndpoints(
            UsageSnapshots usage,
            Function<String, Optional<NodeMachine>> machines,
            LongSupplier clock,
            long startMillis) {
        this.usage = Objects.requireNonNull(usage, "usage");
        this.machines = Objects.requireNonNull(machines, "machines");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startMillis = startMillis;
    }

    /** True for the paths served here. */
    public static boolean handles(String path) {
        return path.equals(RESOURCE) || path.equals(CADVISOR) || path.equals(SUMMARY);
    }

    /** What a request gets: a status, a content type and a body. */
    private record Reply(int status, String contentType, byte[] body) {
        static Reply text(int status, String message) {
            return new Reply(status, TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Answers a request for one of {@link #handles} paths; called on the request's event loop. */
    public void handle(HttpServerRequest req) {
        if (!req.method().equals(HttpMethod.GET)) {
            respond(req, Reply.text(405, "method " + req.method() + " not allowed: GET only"));
            return;
        }
        Context eventLoop = Vertx.currentContext();
        String path = req.path();
        String header = req.getHeader(KubeletNodeHeader.NAME);
        String accept = req.getHeader("Accept");
        eventLoop.executeBlocking(() -> reply(path, header, accept), false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("node stats request {} for node {} failed", path, header, ar.cause());
                respond(req, Reply.text(500, "internal error"));
            } else {
                respond(req, ar.result());
            }
        });
    }

    /** On a worker: resolves the node and builds the reply. */
    private Reply reply(String path, String header, String accept) throws JsonProcessingException {
        List<String> nodes = usage.nodes();
        String node;
        if (header == null || header.isEmpty()) {
            if (nodes.size() != 1) {
                return Reply.text(
                        400,
                        "this kubelet-sim serves " + nodes.size() + " nodes on one port: name the node in the "
                                + KubeletNodeHeader.NAME + " request header");
            }
            node = nodes.get(0);
        } else if (!nodes.contains(header)) {
            return Reply.text(
                    404,
                    "node \"" + header + "\" (" + KubeletNodeHeader.NAME + ") is not simulated by this kubelet-sim");
        } else {
            node = header;
        }
        return switch (path) {
            case SUMMARY -> new Reply(200, "application/json", json.writeValueAsBytes(summary(node)));
            case RESOURCE -> prometheus(ResourceMetrics.of(summary(node)), accept);
            default ->
                prometheus(
                        CadvisorMetrics.of(
                                usage.node(node),
                                usage.containers(node),
                                machines.apply(node),
                                startMillis,
                                clock.getAsLong()),
                        accept);
        };
    }

    private SummaryApi.Summary summary(String node) {
        return StatsSummary.of(node, Instant.ofEpochMilli(startMillis), usage.node(node), usage.containers(node));
    }

    private Reply prometheus(MetricSnapshots snapshots, String accept) {
        PrometheusExposition.Body b = exposition.write(snapshots, accept);
        return new Reply(200, b.contentType(), b.bytes());
    }

    private static void respond(HttpServerRequest req, Reply r) {
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed()) {
            return; // the client went away meanwhile
        }
        resp.setStatusCode(r.status())
                .putHeader("Content-Type", r.contentType())
                .end(Buffer.buffer(r.body()));
    }
}
