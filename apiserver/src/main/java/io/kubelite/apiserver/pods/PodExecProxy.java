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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code pods/{name}/exec} and {@code pods/{name}/attach}: checks the pod and container as
 * kube-apiserver does (messages included), finds the pod's node, and joins the client's
 * WebSocket to the kubelet-sim's {@code /exec|attach/<ns>/<pod>/<container>} on the node's
 * InternalIP (loopback only) and kubelet port, offering the client's subprotocols
 * ({@code v5.channel.k8s.io}, {@code v4.channel.k8s.io}). The kubelet refusing the upgrade
 * (container not running, ...) is relayed as it answered, as kube's proxy does, so kubectl
 * prints {@code unable to upgrade connection: container not found ("c")}. A request that
 * is no WebSocket (SPDY, the kubectl < 1.30 protocol) gets the same checks and then the
 * kubelet's answer that only WebSocket is served.
 */
public final class PodExecProxy {
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
        } else {
            plain(host, port, uri);
        }
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

    /** Not a WebSocket: the kubelet's answer to the same request, as it gave it. */
    private void plain(String host, int port, String uri) {
        RequestOptions opts = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(host)
                .setPort(port)
                .setURI(uri);
        ctx.kubeletClient()
                .request(opts)
                .compose(req -> req.send().compose(resp -> resp.body().map(b -> new Object[] {resp.statusCode(), b})))
                .onComplete(ar -> r.onContext(() -> {
                    if (ar.failed()) {
                        throw dialError(host, port, ar.cause());
                    }
                    respond((Integer) ar.result()[0], ar.result()[1].toString());
                }));
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
