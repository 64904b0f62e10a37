package io.kubelite.apiserver.nodes;

import io.kubelite.api.Node;
import io.kubelite.api.NodeAddress;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.Request;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.store.runtime.KubeletNodeHeader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/nodes/{name}/proxy/{path}}: the request, any method, passed to the node's
 * kubelet (kubelet-sim's HTTP server: {@code /healthz}, {@code /containerLogs/...},
 * {@code /metrics/resource}, {@code /metrics/cadvisor}, {@code /stats/summary}) on the node's
 * InternalIP (else ExternalIP) and {@code daemonEndpoints.kubeletEndpoint.Port} (kube's default
 * 10250 when unset), and the kubelet's answer streamed back as it is. As kube: a missing
 * node is 404, a node without an address a 500 ({@code no preferred addresses found}), a kubelet
 * that cannot be reached a 503 {@code error trying to reach service}. Loopback kubelets only, as
 * for {@code pods/log}.
 */
public final class NodeProxy {
    /** The paths served here; they go on past the subresource name, so {@code PathInfo} does not take them. */
    public static final Pattern PATH = Pattern.compile("/api/v1/nodes/([^/]+)/proxy(/.*)?");

    /** kube's {@code ports.KubeletPort}, used when the node names no port. */
    static final int DEFAULT_KUBELET_PORT = 10250;

    private final HandlerContext ctx;
    private final Request r;

    public NodeProxy(HandlerContext ctx, Request r) {
        this.ctx = ctx;
        this.r = r;
    }

    /** The node name of a proxy path {@link #PATH} matched. */
    public static String nodeName(Matcher m) {
        return java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Proxies the request to {@code node}'s kubelet at {@code path} (null: {@code /}) with {@code body}. */
    public void serve(String node, String path, String body) {
        ctx.store()
                .of(NodeKind.RESOURCE)
                .get(null, node)
                .whenComplete((n, err) -> r.onContext(() -> {
                    if (err != null) {
                        throw ApiException.from(err, NodeKind.RESOURCE, node);
                    }
                    proxy(n, path == null || path.isEmpty() ? "/" : path, body);
                }));
    }

    private void proxy(Node node, String path, String body) {
        String host = address(node);
        int port = node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        if (port <= 0) {
            port = DEFAULT_KUBELET_PORT;
        }
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            throw ApiException.badRequest("node " + node.getMetadata().getName() + " kubelet address " + host
                    + " is not on loopback; kubelite proxies to loopback kubelets only");
        }
        String query = r.http().query();
        String uri = path + (query == null || query.isEmpty() ? "" : "?" + query);
        String target = "http://" + host + ":" + port + uri;
        RequestOptions opts = new RequestOptions()
                .setMethod(r.http().method())
                .setHost(host)
                .setPort(port)
                .setURI(uri);
        String accept = r.http().getHeader("Accept");
        if (accept != null) {
            opts.putHeader("Accept", accept);
        }
        // one kubelet-sim port serves many nodes: say which one, for its per-node endpoints
        // (/metrics/resource, /metrics/cadvisor, /stats/summary); set here, never taken from the client
        opts.putHeader(KubeletNodeHeader.NAME, node.getMetadata().getName());
        HttpServerResponse out = r.http().response();
        ctx.kubeletClient()
                .request(opts)
                .compose(req -> req.send(Buffer.buffer(body == null ? "" : body)))
                .onComplete(ar -> r.onContext(() -> {
                    if (ar.failed()) {
                        throw ApiException.of(
                                503,
                                "ServiceUnavailable",
                                "error trying to reach service: Get \"" + target + "\": "
                                        + ar.cause().getMessage());
                    }
                    HttpClientResponse in = ar.result();
                    out.setStatusCode(in.statusCode()).setChunked(true);
                    String type = in.getHeader("Content-Type");
                    if (type != null) {
                        out.putHeader("Content-Type", type);
                    }
                    out.closeHandler(v -> in.request().reset());
                    in.pipeTo(out);
                }));
    }

    /** The node's InternalIP, else its ExternalIP; a 500 naming the addresses it has when neither. */
    private static String address(Node node) {
        for (String type : List.of("InternalIP", "ExternalIP")) {
            for (NodeAddress a : node.getStatus().getAddressesList()) {
                if (a.getType().equals(type) && !a.getAddress().isEmpty()) {
                    return a.getAddress();
                }
            }
        }
        StringBuilder known = new StringBuilder("[");
        for (NodeAddress a : node.getStatus().getAddressesList()) {
            known.append(known.length() == 1 ? "" : " ")
                    .append('{')
                    .append(a.getType())
                    .append(' ')
                    .append(a.getAddress())
                    .append('}');
        }
        throw ApiException.of(
                500, "InternalError", "no preferred addresses found; known addresses: " + known.append(']'));
    }
}
