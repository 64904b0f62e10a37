package io.kubelite.apiserver.pods;

import io.kubelite.api.Container;
import io.kubelite.api.Node;
import io.kubelite.api.NodeAddress;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.Request;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code GET pods/{name}/log}: finds the pod's node, and streams the kubelet-sim's
 * {@code /containerLogs/<ns>/<pod>/<container>} (on the node's InternalIP and kubelet
 * port) back to the client, passing {@code follow}, {@code previous} and
 * {@code tailLines} on. A mirror pod's log comes from its process's health server
 * ({@code /logs}, see {@link MirrorPods#LOG_PORT}) instead.
 */
public final class LogProxy {
    private final HandlerContext ctx;
    private final Request r;

    public LogProxy(HandlerContext ctx, Request r) {
        this.ctx = ctx;
        this.r = r;
    }

    public void serve(String ns, String name) {
        var pods = ctx.store().of(PodKind.RESOURCE);
        pods.get(ns, name)
                .whenComplete((pod, err) -> r.onContext(() -> {
                    if (err != null) {
                        r.fail(ApiException.from(err, PodKind.RESOURCE, name));
                        return;
                    }
                    withPod(pod);
                }));
    }

    private void withPod(Pod pod) {
        String name = pod.getMetadata().getName();
        String container = r.http().getParam("container");
        List<String> names = new java.util.ArrayList<>();
        pod.getSpec().getInitContainersList().forEach(c -> names.add(c.getName()));
        pod.getSpec().getContainersList().stream().map(Container::getName).forEach(names::add);
        if (container == null || container.isEmpty()) {
            if (pod.getSpec().getContainersCount() != 1) {
                throw ApiException.badRequest("a container name must be specified for pod " + name
                        + ", choose one of: ["
                        + String.join(
                                " ",
                                pod.getSpec().getContainersList().stream()
                                        .map(Container::getName)
                                        .toList()) + "]");
            }
            container = pod.getSpec().getContainers(0).getName();
        } else if (!names.contains(container)) {
            throw ApiException.badRequest("container " + container + " is not valid for pod " + name);
        }
        if (MirrorPods.isMirror(pod)) {
            proxyToProcess(pod);
            return;
        }
        String nodeName = pod.getSpec().getNodeName();
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("container \"" + container + "\" in pod \"" + name
                    + "\" is waiting to start: pod is not scheduled to a node");
        }
        String c = container;
        ctx.store()
                .of(NodeKind.RESOURCE)
                .get(null, nodeName)
                .whenComplete((node, err) -> r.onContext(() -> {
                    if (err != null) {
                        throw ApiException.from(err, NodeKind.RESOURCE, nodeName);
                    }
                    proxy(pod, node, c);
                }));
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
        if (!loopback(host)) {
            throw ApiException.badRequest("node " + node.getMetadata().getName() + " kubelet address " + host
                    + " is not on loopback; kubelite proxies logs to loopback kubelets only");
        }
        StringBuilder uri = new StringBuilder("/containerLogs/")
                .append(enc(pod.getMetadata().getNamespace()))
                .append('/')
                .append(enc(pod.getMetadata().getName()))
                .append('/')
                .append(enc(container));
        StringBuilder q = new StringBuilder();
        for (String p : List.of("follow", "previous", "tailLines", "timestamps", "sinceSeconds", "limitBytes")) {
            String v = r.http().getParam(p);
            if (v != null && !v.isEmpty()) {
                q.append(q.length() == 0 ? '?' : '&').append(p).append('=').append(enc(v));
            }
        }
        uri.append(q);
        pipe(host, port, uri.toString());
    }

    /**
     * A mirror pod's log is its process's own: the health server's {@code /logs} at
     * {@code status.podIP} and the port its {@value MirrorPods#LOG_PORT} annotation names.
     */
    private void proxyToProcess(Pod pod) {
        String host = pod.getStatus().getPodIp();
        int port = MirrorPods.logPort(pod).orElse(0);
        if (port == 0 && "etcd".equals(pod.getMetadata().getLabelsOrDefault("component", ""))) {
            // an etcd member's mirror pod: the member is no kubelite process and serves no log
            throw ApiException.badRequest("etcd's log is not served by kubelite: pod "
                    + pod.getMetadata().getName()
                    + " shows an etcd member, not a kubelite process; read the log where that etcd"
                    + " process writes it (kubelite up: .kubelite/logs/etcd.log)");
        }
        if (port == 0 || !loopback(host)) {
            throw ApiException.badRequest("mirror pod " + pod.getMetadata().getName()
                    + " names no loopback log endpoint (status.podIP and the " + MirrorPods.LOG_PORT
                    + " annotation)");
        }
        if ("true".equals(r.http().getParam("previous"))) {
            throw ApiException.badRequest("previous terminated container \""
                    + pod.getSpec().getContainers(0).getName() + "\" in pod \""
                    + pod.getMetadata().getName() + "\" not found");
        }
        StringBuilder uri = new StringBuilder("/logs");
        char sep = '?';
        for (String p : List.of("follow", "tailLines")) {
            String v = r.http().getParam(p);
            if (v != null && !v.isEmpty()) {
                uri.append(sep).append(p).append('=').append(enc(v));
                sep = '&';
            }
        }
        pipe(host, port, uri.toString());
    }

    private static boolean loopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    private void pipe(String host, int port, String uri) {
        HttpServerResponse out = r.http().response();
        RequestOptions opts = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(host)
                .setPort(port)
                .setURI(uri);
        ctx.kubeletClient()
                .request(opts)
                .compose(req -> req.send())
                .onComplete(ar -> r.onContext(() -> {
                    if (ar.failed()) {
                        throw ApiException.of(
                                500,
                                "InternalError",
                                "Get \"http://" + host + ":" + port + uri + "\": "
                                        + ar.cause().getMessage());
                    }
                    HttpClientResponse in = ar.result();
                    if (in.statusCode() != 200) {
                        in.body()
                                .onComplete(b -> r.onContext(() -> {
                                    String msg = b.succeeded()
                                            ? b.result()
                                                    .toString(StandardCharsets.UTF_8)
                                                    .trim()
                                            : "";
                                    int code = in.statusCode() == 404 ? 404 : in.statusCode() >= 500 ? 500 : 400;
                                    throw ApiException.of(
                                            code,
                                            code == 404 ? "NotFound" : code == 500 ? "InternalError" : "BadRequest",
                                            msg.isEmpty() ? "kubelet answered " + in.statusCode() : msg);
                                }));
                        return;
                    }
                    out.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/plain");
                    out.closeHandler(v -> in.request().reset());
                    in.pipeTo(out);
                }));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
