package io.kubelite.kubelet.runtime;

import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's streaming endpoints on the same port as the logs:
 * {@code /exec/<namespace>/<pod>/<container>?command=...&stdin=..&stdout=..&stderr=..&tty=..}
 * and {@code /attach/<namespace>/<pod>/<container>}, WebSocket only
 * ({@link StreamProtocol#SUBPROTOCOLS}). Errors before the upgrade are plain text with the
 * kubelet's wording ({@code container not found ("app")}), which the API server relays
 * and kubectl prints after {@code unable to upgrade connection:}.
 */
final class StreamServer {
    private static final Logger LOG = LoggerFactory.getLogger(StreamServer.class);

    private final RunningContainers containers;

    StreamServer(RunningContainers containers) {
        this.containers = containers;
    }

    static boolean handles(String path) {
        return path.startsWith("/exec/") || path.startsWith("/attach/");
    }

    void handle(HttpServerRequest req) {
        boolean exec = req.path().startsWith("/exec/");
        String[] parts = req.path().substring(exec ? 6 : 8).split("/");
        if (parts.length != 3) {
            respond(req, 404, "404 page not found");
            return;
        }
        String ns = decode(parts[0]);
        String pod = decode(parts[1]);
        String name = decode(parts[2]);
        List<String> command = req.params().getAll("command");
        if (exec && command.isEmpty()) {
            respond(req, 400, "you must specify at least 1 command");
            return;
        }
        if (!containers.hasPod(ns, pod)) {
            respond(req, 404, "pod does not exist");
            return;
        }
        Optional<SimContainer> c = containers.get(ns, pod, name);
        if (c.isEmpty() || !c.get().isRunning()) {
            respond(req, 404, "container not found (\"" + name + "\")");
            return;
        }
        if (!req.canUpgradeToWebSocket()) {
            respond(
                    req,
                    400,
                    "kubelite serves exec and attach over WebSocket (" + String.join(", ", StreamProtocol.SUBPROTOCOLS)
                            + ") only; this client asked for SPDY (use kubectl 1.30 or newer)");
            return;
        }
        StreamOptions streams = StreamOptions.of(req);
        SimContainer container = c.get();
        req.toWebSocket().onComplete(ar -> {
            if (ar.failed()) {
                LOG.debug("{} upgrade failed: {}", req.path(), ar.cause().toString());
                return;
            }
            try {
                if (exec) {
                    ExecSession.start(ar.result(), container, List.copyOf(command), streams);
                } else {
                    AttachSession.start(ar.result(), container, streams);
                }
            } catch (RuntimeException e) {
                // one bad session must not take the simulator down
                LOG.warn("{} session failed to start", req.path(), e);
                ar.result().close((short) 1011, "internal error");
            }
        });
    }

    private static void respond(HttpServerRequest req, int status, String body) {
        if (!req.response().ended() && !req.response().closed()) {
            req.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(body);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
