package io.kubelite.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link ProxyState} for {@code kl proxy}, plain text over HTTP on a loopback port:
 *
 * <ul>
 *   <li>{@code GET /rules/NODE}: the node's rules in iptables-save form (404 for a node this
 *       process does not serve), with an {@code ETag}: a request whose {@code If-None-Match}
 *       names the current rules gets 304 and no body, so a poller pays nothing while they stay;
 *   <li>{@code GET /trace/NODE?dst=IP:PORT[&from=IP][&protocol=TCP][&seed=N][&node-ip=IP]}: the
 *       {@link RuleTrace} of a new connection ({@code from} defaults to 10.0.0.1 (a pod);
 *       {@code node-ip} names the node's own address, for NodePort destinations); 400 on bad
 *       parameters.
 * </ul>
 *
 * Requests run on a small pool of their own, not on any informer or sync thread.
 */
public final class RulesServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RulesServer.class);

    private final HttpServer server;
    private final ExecutorService pool;

    /** Binds {@code bindAddress:port} (0: any free port) and starts serving {@code state}. */
    public RulesServer(String bindAddress, int port, ProxyState state) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "kube-proxy-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/rules/", ex -> handle(ex, () -> rules(ex, state)));
        server.createContext("/trace/", ex -> handle(ex, () -> trace(ex, state)));
        server.start();
        log.info("kube-proxy rules served on {}:{}", bindAddress, port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private record Reply(int status, String body, String etag) {
        Reply(int status, String body) {
            this(status, body, null);
        }
    }

    private interface Handler {
        Reply reply();
    }

    private static void handle(HttpExchange ex, Handler h) throws IOException {
        Reply r;
        try {
            r = h.reply();
        } catch (IllegalArgumentException e) {
            r = new Reply(400, e.getMessage() + "\n");
        } catch (RuntimeException e) {
            log.warn("kube-proxy http {} failed", ex.getRequestURI(), e);
            r = new Reply(500, "internal error: " + e + "\n");
        }
        if (r.etag() != null) {
            ex.getResponseHeaders().set("ETag", r.etag());
            if (r.etag().equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                ex.sendResponseHeaders(304, -1);
                ex.close();
                return;
            }
        }
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(r.status(), body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static Reply rules(HttpExchange ex, ProxyState state) {
        String node = node(ex, "/rules/");
        return state.rules(node)
                .map(r -> new Reply(200, r, etag(r)))
                .orElseGet(() -> new Reply(404, "node " + node + " is not served by this kube-proxy\n"));
    }

    private static Reply trace(HttpExchange ex, ProxyState state) {
        String node = node(ex, "/trace/");
        var rules = state.rules(node);
        if (rules.isEmpty()) {
            return new Reply(404, "node " + node + " is not served by this kube-proxy\n");
        }
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String dst = q.get("dst");
        int colon = dst == null ? -1 : dst.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("dst=IP:PORT is required");
        }
        int port;
        long seed;
        try {
            port = Integer.parseInt(dst.substring(colon + 1));
            seed = Long.parseLong(q.getOrDefault("seed", "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port or seed: " + e.getMessage());
        }
        Set<String> nodeIps = q.containsKey("node-ip") ? Set.of(q.get("node-ip")) : Set.of();
        var result = RuleTrace.of(rules.get())
                .trace(
                        q.getOrDefault("from", "10.0.0.1"),
                        dst.substring(0, colon),
                        port,
                        q.getOrDefault("protocol", "TCP"),
                        nodeIps,
                        seed);
        return new Reply(200, result.describe());
    }

    /** A strong validator of one rules text: its hash and length, quoted as HTTP wants. */
    static String etag(String rules) {
        return "\"" + Integer.toHexString(rules.hashCode()) + "-" + Integer.toHexString(rules.length()) + "\"";
    }

    private static String node(HttpExchange ex, String prefix) {
        String node = ex.getRequestURI().getPath().substring(prefix.length());
        if (node.isEmpty() || node.contains("/")) {
            throw new IllegalArgumentException("expected " + prefix + "NODE");
        }
        return node;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(
                        URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
