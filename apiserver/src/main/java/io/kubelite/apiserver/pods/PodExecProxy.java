package io.kubelite.apiserver.pods;

import io.kubelite.api.Container;
import io.kubelite.api.Node;
import io.kubelite.api.NodeAddress;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.Request;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pods/{name}/exec} and {@code pods/{name}/attach}: checks the pod and container as
 * kube-apiserver does (messages included), finds the pod's node, and joins the client to the
 * kubelet-sim's {@code /exec|attach/<ns>/<pod>/<container>} WebSocket on the node's
 * InternalIP (loopback only) and kubelet port. A WebSocket client ({@code GET},
 * {@code v5.channel.k8s.io}, {@code v4.channel.k8s.io}) is relayed message for message
 * ({@link WebSocketRelay}); a SPDY/3.1 client ({@code POST}, what client-go's SPDY executor
 * sends) is checked as the kubelet checks it ({@link SpdyHandshake}) and its streams are
 * translated to the kubelet's channels ({@link SpdyStreamRelay}). The kubelet is dialled
 * before the client's upgrade, so its refusal (container not running, ...) is relayed as it
 * answered, as kube's proxy does, and kubectl prints {@code unable to upgrade connection:
 * container not found ("c")}. A request that asks for no upgrade gets kube's 400
 * {@code Upgrade request required}.
 */
public final class PodExecProxy {
    private static final Logger LOG = LoggerFactory.getLogger(PodExecProxy.class);

    /** The subprotocols served, in preference order; kubectl 1.30+ asks for v5. */
    public static final List<String> SUBPROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");

    private static final List<String> PASSED = List.of("stdin", "stdout", "stderr", "tty", "command");

    private final HandlerContext ctx;
    private final Request r;
    private final String subresource;

    public PodExecProxy(HandlerContext ctx, Request r, String subresource) {
        this.ctx = ctx;
        this.r = r;
        this.subresource = subresource;
    }

    public void serve(String ns, String name) {
        if (r.http().canUpgradeToWebSocket()) {
            // the upgrade comes after the pod, node and kubelet look-ups; a request read to
            // its end meanwhile could no longer be upgraded
            r.http().pause();
        }
        ctx.store()
                .of(PodKind.RESOURCE)
                .get(ns, name)
                .whenComplete((pod, err) -> r.onContext(() -> {
                    if (err != null) {
                        throw ApiException.from(err, PodKind.RESOURCE, name);
                    }
                    withPod(pod);
                }));
    }

    private void withPod(Pod pod) {
        String name = pod.getMetadata().getName();
        String container = container(pod);
        if (subresource.equals("exec") && r.http().params().getAll("command").isEmpty()) {
            throw ApiException.badRequest("you must specify at least 1 command");
        }
        String nodeName = pod.getSpec().getNodeName();
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("pod " + name + " does not have a host assigned");
        }
        ctx.store()
                .of(NodeKind.RESOURCE)
                .get(null, nodeName)
                .whenComplete((node, err) -> r.onContext(() -> {
                    if (err != null) {
                        throw ApiException.from(err, NodeKind.RESOURCE, nodeName);
                    }
                    proxy(pod, node, container);
                }));
    }

    /** The named container, or the only one; kube's messages otherwise. */
    private String container(Pod pod) {
        String name = pod.getMetadata().getName();
        String container = r.http().getParam("container");
        List<String> apps = pod.getSpec().getContainersList().stream()
                .map(Container::getName)
                .toList();
        if (container == null || container.isEmpty()) {
            if (apps.size() != 1) {
                throw ApiException.badRequest("a container name must be specified for pod " + name
                        + ", choose one of: [" + String.join(" ", apps) + "]");
            }
            return apps.get(0);
        }
        boolean known = apps.contains(container)
                || pod.getSpec().getInitContainersList().stream()
                        .anyMatch(c -> c.getName().equals(container));
        if (!known) {
            throw ApiException.badRequest("container " + container + " is not valid for pod " + name);
        }
        return container;
    }

    private void proxy(Pod pod, Node node, String container) {
        int port = node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        String host = node.getStatus().getAddressesList().stream()
                .filter(a -> a.getType().equals("InternalIP"))
                .map(NodeAddress::getAddress)
                .findFirst()
                .orElse("");
        if (port <= 0 || host.isEmpty()) {
            throw ApiException.badRequest("node " + node.getMetadata().getName()
                    + " has no kubelet endpoint (status.daemonEndpoints.kubeletEndpoint.Port and an InternalIP)");
        }
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            throw ApiException.badRequest("node " + node.getMetadata().getName() + " kubelet address " + host
                    + " is not on loopback; kubelite proxies to loopback kubelets only");
        }
        String uri = "/" + subresource + "/" + enc(pod.getMetadata().getNamespace()) + "/"
                + enc(pod.getMetadata().getName()) + "/" + enc(container) + query();
        if (r.http().canUpgradeToWebSocket()) {
            webSocket(host, port, uri);
            return;
        }
        if (!SpdyHandshake.isUpgrade(r.http())) {
            throw ApiException.badRequest("Upgrade request required");
        }
        // refused before the kubelet is dialled: dialling it starts the command
        SpdyHandshake.Outcome spdy = SpdyHandshake.negotiate(r.http());
        if (!spdy.accepted()) {
            if (spdy.status() == 403) {
                SpdyStreamProtocol.SERVED.forEach(
                        p -> r.http().response().headers().add(SpdyHandshake.ACCEPTED_VERSIONS, p.header()));
            }
            respond(spdy.status(), spdy.message());
            return;
        }
        spdy(
                host,
                port,
                uri,
                spdy.protocol(),
                pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
    }

    private void webSocket(String host, int port, String uri) {
        List<String> offered = new ArrayList<>();
        String header = r.http().getHeader("Sec-WebSocket-Protocol");
        if (header != null) {
            Arrays.stream(header.split(","))
                    .map(String::trim)
                    .filter(p -> !p.isEmpty())
                    .forEach(offered::add);
        }
        WebSocketConnectOptions opts = new WebSocketConnectOptions()
                .setHost(host)
                .setPort(port)
                .setURI(uri)
                .setSubProtocols(offered);
        ctx.kubeletWebSockets()
                .connect(opts)
                .onComplete(ar -> r.onContext(() -> {
                    if (ar.failed()) {
                        relayFailure(host, port, uri, ar.cause());
                        return;
                    }
                    WebSocketRelay relay = new WebSocketRelay(ar.result());
                    r.http().toWebSocket().onComplete(up -> {
                        if (up.failed()) {
                            relay.abandon();
                        } else {
                            relay.attach(up.result());
                        }
                    });
                }));
    }

    /**
     * SPDY: the kubelet's WebSocket ({@code v5.channel.k8s.io}, whose close signal carries
     * the client's stdin half-close) first, then 101 with the negotiated version and the
     * client's connection turned over to SPDY framing.
     */
    private void spdy(String host, int port, String uri, SpdyStreamProtocol protocol, String pod) {
        if (!(r.http().connection() instanceof Http1xServerConnection http1)) {
            respond(400, "unable to upgrade: " + SpdyHandshake.UPGRADE + " needs an HTTP/1.1 connection");
            return;
        }
        WebSocketConnectOptions opts = new WebSocketConnectOptions()
                .setHost(host)
                .setPort(port)
                .setURI(uri)
                .setSubProtocols(List.of(SUBPROTOCOLS.get(0)));
        ctx.kubeletWebSockets()
                .connect(opts)
                .onComplete(ar -> r.onContext(() -> {
                    if (ar.failed()) {
                        relayFailure(host, port, uri, ar.cause());
                        return;
                    }
                    SpdyStreamRelay relay = new SpdyStreamRelay(
                            ((ContextInternal) r.context()).nettyEventLoop(),
                            ar.result(),
                            protocol,
                            flag("stdin"),
                            flag("stdout"),
                            flag("stderr"),
                            flag("tty"),
                            "pods/" + subresource + " " + pod);
                    // Vert.x turns only GET and CONNECT requests into sockets (toNetSocket), and
                    // SPDY's upgrade is a POST: answer 101 here, then hand the connection over
                    // as Http1xServerConnection#netSocket does for toNetSocket (at once, on this
                    // event loop, so no byte of the client's is parsed as HTTP meanwhile)
                    r.http()
                            .response()
                            .setStatusCode(101)
                            .putHeader("Connection", "Upgrade")
                            .putHeader("Upgrade", SpdyHandshake.UPGRADE)
                            .putHeader(SpdyHandshake.PROTOCOL_VERSION, protocol.header())
                            .end();
                    http1.netSocket().onComplete(up -> {
                        if (up.failed()) {
                            LOG.debug(
                                    "{} {}: the client's SPDY upgrade failed: {}",
                                    subresource,
                                    pod,
                                    up.cause().toString());
                            relay.abandon();
                            r.http().connection().close(); // 101 is said: nothing else can be
                        } else {
                            relay.attach((NetSocketInternal) up.result());
                        }
                    });
                }));
    }

    /** A boolean query parameter as kube's parameter codec reads it. */
    private boolean flag(String name) {
        String v = r.http().getParam(name);
        return v != null && (v.equals("true") || v.equals("1"));
    }

    private void relayFailure(String host, int port, String uri, Throwable cause) {
        if (cause instanceof UpgradeRejectedException rejected) {
            String body = rejected.getBody() == null ? "" : rejected.getBody().toString(StandardCharsets.UTF_8);
            respond(rejected.getStatus(), body);
            return;
        }
        throw dialError(host, port, cause);
    }

    private static ApiException dialError(String host, int port, Throwable cause) {
        return ApiException.of(
                500,
                "InternalError",
                "error dialing backend: dial tcp " + host + ":" + port + ": " + cause.getMessage());
    }

    private void respond(int status, String body) {
        var resp = r.http().response();
        if (!resp.ended() && !resp.closed()) {
            resp.setStatusCode(status)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(body);
        }
    }

    private String query() {
        StringBuilder q = new StringBuilder();
        for (String p : PASSED) {
            for (String v : r.http().params().getAll(p)) {
                q.append(q.length() == 0 ? '?' : '&').append(p).append('=').append(enc(v));
            }
        }
        return q.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
