package io.kubelite.kubelet.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The kubelet's container-log endpoint for every node of this process, on one loopback
 * port (advertised as each node's {@code daemonEndpoints.kubeletEndpoint.Port}):
 * {@code GET /containerLogs/<namespace>/<pod>/<container>} with {@code previous},
 * {@code tailLines}, {@code follow} and {@code timestamps}, plain text like the kubelet's.
 */
public final class LogServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final ContainerLogStore logs;
    private volatile boolean closed;

    public LogServer(String bindAddress, int port, ContainerLogStore logs) throws IOException {
        this.logs = logs;
        this.server = HttpServer.create(new InetSocketAddress(bindAddress, port), 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kubelet-logs-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/containerLogs/", this::logs);
        server.createContext("/healthz", ex -> respond(ex, 200, "ok"));
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void logs(HttpExchange ex) throws IOException {
        try {
            String[] parts = ex.getRequestURI().getRawPath().substring("/containerLogs/".length()).split("/");
            if (!ex.getRequestMethod().equals("GET") || parts.length != 3) {
                respond(ex, 404, "404 page not found\n");
                return;
            }
            String ns = decode(parts[0]);
            String pod = decode(parts[1]);
            String container = decode(parts[2]);
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            boolean previous = bool(q.get("previous"));
            boolean follow = bool(q.get("follow"));
            boolean timestamps = bool(q.get("timestamps"));
            int tail = -1;
            if (q.containsKey("tailLines")) {
                try {
                    tail = Math.max(0, Integer.parseInt(q.get("tailLines")));
                } catch (NumberFormatException e) {
                    respond(ex, 400, "invalid tailLines \"" + q.get("tailLines") + "\"\n");
                    return;
                }
            }
            if (!logs.hasPod(ns, pod)) {
                respond(ex, 404, "pod \"" + pod + "\" in namespace \"" + ns + "\" not found on this node\n");
                return;
            }
            Optional<ContainerLog> log = logs.get(ns, pod, container, previous);
            if (log.isEmpty()) {
                respond(ex, 400, previous
                        ? "previous terminated container \"" + container + "\" in pod \"" + pod + "\" not found\n"
                        : "container \"" + container + "\" in pod \"" + pod + "\" is waiting to start: ContainerCreating\n");
                return;
            }
            if (!follow) {
                StringBuilder sb = new StringBuilder();
                for (ContainerLog.Line l : log.get().tail(tail)) {
                    sb.append(format(l, timestamps));
                }
                respond(ex, 200, sb.toString());
                return;
            }
            follow(ex, log.get(), tail, timestamps);
        } finally {
            ex.close();
        }
    }

    private void follow(HttpExchange ex, ContainerLog log, int tail, boolean timestamps) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
        Object end = new Object();
        Consumer<ContainerLog.Line> follower = q::add;
        Runnable onClose = () -> q.add(end);
        List<ContainerLog.Line>[] first = new List[1];
        boolean following = log.follow(tail, l -> first[0] = l, follower, onClose);
        try {
            for (ContainerLog.Line l : first[0]) {
                out.write(format(l, timestamps).getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            while (following && !closed) {
                Object o = q.poll(1, TimeUnit.SECONDS);
                if (o == end) {
                    break;
                }
                if (o instanceof ContainerLog.Line l) {
                    out.write(format(l, timestamps).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // client went away
        } finally {
            log.unfollow(follower, onClose);
        }
    }

    private static String format(ContainerLog.Line l, boolean timestamps) {
        return timestamps ? DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(l.timeMillis())) + " " + l.text() + "\n"
                : l.text() + "\n";
    }

    private static boolean bool(String v) {
        return v != null && (v.isEmpty() || v.equals("true") || v.equals("1"));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                m.put(decode(kv), "");
            } else {
                m.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
            }
        }
        return m;
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
