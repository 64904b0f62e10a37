package io.kubelite.apiserver.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a kubelet-sim's log endpoint on a loopback port:
 * {@code GET /containerLogs/<ns>/<pod>/<container>} with {@code previous}, {@code tailLines}
 * and {@code follow}, answered from lines the test puts in with {@link #log}, and {@code GET /healthz}. Followers
 * get what is appended later until they hang up or the server stops.
 */
public final class FakeKubelet implements AutoCloseable {
    private static final byte[] EOF = new byte[0];
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-kubelet");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<String>> current = new HashMap<>();
    private final Map<String, List<String>> previous = new HashMap<>();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private record Follower(String key, BlockingQueue<byte[]> queue) {}

    private FakeKubelet() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.createContext("/", this::serve);
        server.start();
    }

    public static FakeKubelet start() throws IOException {
        return new FakeKubelet();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Request URIs served so far (path and query), oldest first. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Followers still connected. */
    public int followers() {
        return followers.size();
    }

    /** Appends lines to the current log of a container (and sends them to its followers). */
    public synchronized void log(String ns, String pod, String container, String... lines) {
        String key = ns + "/" + pod + "/" + container;
        current.computeIfAbsent(key, k -> new ArrayList<>()).addAll(List.of(lines));
        for (Follower f : followers) {
            if (f.key().equals(key)) {
                for (String l : lines) {
                    f.queue().add((l + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** Sets the log of the container's previous (terminated) instance. */
    public synchronized void previous(String ns, String pod, String container, String... lines) {
        previous.put(ns + "/" + pod + "/" + container, new ArrayList<>(List.of(lines)));
    }

    private void serve(HttpExchange ex) throws IOException {
        requests.add(ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null
                        ? ""
                        : "?" + ex.getRequestURI().getRawQuery()));
        if (ex.getRequestURI().getRawPath().equals("/healthz")) {
            // as kubelet-sim's LogServer
            reply(ex, 200, "ok");
            return;
        }
        String[] parts = ex.getRequestURI().getRawPath().split("/");
        if (parts.length != 5) {
            reply(ex, 404, "404 page not found\n");
            return;
        }
        String key = dec(parts[2]) + "/" + dec(parts[3]) + "/" + dec(parts[4]);
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        boolean prev = "true".equals(q.get("previous"));
        boolean follow = "true".equals(q.get("follow")) && !prev;
        List<String> lines;
        Follower f = null;
        synchronized (this) {
            List<String> src = (prev ? previous : current).get(key);
            if (src == null) {
                reply(
                        ex,
                        prev ? 400 : 404,
                        prev
                                ? "previous terminated container \"" + dec(parts[4]) + "\" in pod \"" + dec(parts[3])
                                        + "\" not found\n"
                                : "container \"" + dec(parts[4]) + "\" in pod \"" + dec(parts[3]) + "\" not found\n");
                return;
            }
            lines = new ArrayList<>(src);
            if (follow) {
                f = new Follower(key, new LinkedBlockingQueue<>());
                followers.add(f);
            }
        }
        if (q.containsKey("tailLines")) {
            int n = Integer.parseInt(q.get("tailLines"));
            lines = lines.subList(Math.max(0, lines.size() - n), lines.size());
        }
        ex.getResponseHeaders().add("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (String l : lines) {
                out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            while (f != null) {
                byte[] next = f.queue().poll(200, TimeUnit.MILLISECONDS);
                if (next == EOF) {
                    break;
                }
                if (next != null) {
                    out.write(next);
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the follower hung up
        } finally {
            if (f != null) {
                followers.remove(f);
            }
        }
    }

    private static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/plain");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int i = kv.indexOf('=');
                m.put(dec(i < 0 ? kv : kv.substring(0, i)), i < 0 ? "" : dec(kv.substring(i + 1)));
            }
        }
        return m;
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (Follower f : followers) {
            f.queue().add(EOF);
        }
        server.stop(0);
        pool.shutdownNow();
    }
}
