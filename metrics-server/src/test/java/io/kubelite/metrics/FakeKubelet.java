package io.kubelite.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for kubelet-sim's Summary API until that lands on main: {@code GET /stats/summary}
 * on 127.0.0.1 answering for the node named in {@code X-Kubelite-Node} (404 for others), with
 * constant usage rates, so counters are {@code rate × (now − start)} at whole-second timestamps
 * (metav1.Time's precision) and metrics-server's rates come out exact. A node can be made to
 * answer 500 or garbage.
 */
final class FakeKubelet implements AutoCloseable {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** One container's constant usage. */
    record Container(String name, long nanoCores, long workingSet) {}

    /** One pod on a node. */
    record PodUsage(String namespace, String name, List<Container> containers) {}

    /** One node's constant usage and pods. */
    record NodeUsage(long nanoCores, long workingSet, List<PodUsage> pods) {}

    enum Mode {
        OK,
        ERROR,
        GARBAGE
    }

    private final Map<String, NodeUsage> nodes = new ConcurrentHashMap<>();
    private final Map<String, Mode> modes = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final Clock clock;
    private final HttpServer server;

    FakeKubelet(Clock clock) throws IOException {
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/stats/summary", ex -> {
            requests.incrementAndGet();
            String node = ex.getRequestHeaders().getFirst(io.kubelite.store.runtime.KubeletNodeHeader.NAME);
            NodeUsage u = node == null ? null : nodes.get(node);
            Mode mode = node == null ? Mode.OK : modes.getOrDefault(node, Mode.OK);
            byte[] body;
            int code;
            if (u == null) {
                code = 404;
                body = "node not served here".getBytes(StandardCharsets.UTF_8);
            } else if (mode == Mode.ERROR) {
                code = 500;
                body = "boom".getBytes(StandardCharsets.UTF_8);
            } else if (mode == Mode.GARBAGE) {
                code = 200;
                body = "{\"node\": [".getBytes(StandardCharsets.UTF_8);
            } else {
                code = 200;
                body = summary(node, u).toString().getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(code, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    void serve(String node, NodeUsage usage) {
        nodes.put(node, usage);
    }

    void mode(String node, Mode mode) {
        modes.put(node, mode);
    }

    int port() {
        return server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    private ObjectNode summary(String node, NodeUsage u) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long secs = now.getEpochSecond() - START.getEpochSecond();
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode n = root.putObject("node");
        n.put("nodeName", node);
        n.put("startTime", START.toString());
        stats(n, now, u.nanoCores(), secs, u.workingSet());
        ArrayNode pods = root.putArray("pods");
        for (PodUsage p : u.pods()) {
            ObjectNode po = pods.addObject();
            po.putObject("podRef")
                    .put("name", p.name())
                    .put("namespace", p.namespace())
                    .put("uid", p.name() + "-uid");
            po.put("startTime", START.toString());
            ArrayNode cs = po.putArray("containers");
            for (Container c : p.containers()) {
                ObjectNode co = cs.addObject();
                co.put("name", c.name());
                co.put("startTime", START.toString());
                stats(co, now, c.nanoCores(), secs, c.workingSet());
            }
        }
        return root;
    }

    private static void stats(ObjectNode o, Instant now, long nanoCores, long secs, long workingSet) {
        o.putObject("cpu")
                .put("time", now.toString())
                .put("usageNanoCores", nanoCores)
                .put("usageCoreNanoSeconds", nanoCores * secs);
        o.putObject("memory")
                .put("time", now.toString())
                .put("usageBytes", workingSet + 4096)
                .put("workingSetBytes", workingSet);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
