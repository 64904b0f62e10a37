package io.kubelite.apiserver.services;

import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.Request;
import io.kubelite.apiserver.WatchCache;
import io.kubelite.apiserver.pods.WebSocketRelay;
import io.kubelite.kinds.apiregistration.apiservice.BackendResolver;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/namespaces/{ns}/services/{id}/proxy/{path}}, kube's {@code services/proxy}
 * subresource: {@code id} is {@code [scheme:]name[:port]} (scheme {@code http} or {@code https},
 * port a Service port's name or number), the target found as kube's {@code ResourceLocation}
 * finds it (a port number becomes that Service port's name, then a ready endpoint of the Service's
 * EndpointSlices on the slice port of that name, through {@link BackendResolver#endpoint}), and the
 * request (any method, query, body, end-to-end headers less {@code Authorization}) sent there with
 * the answer streamed back as it is. As kube: a missing Service is 404, a port number the Service
 * does not have or no ready endpoint a 503 ({@code no endpoints available for service "x"}), a
 * backend that cannot be reached a 503 {@code error trying to reach service}. Pod IPs are
 * simulated, so only loopback endpoints (kubelite's own host-network processes) are proxied to;
 * any other is a 503 saying so. HTTPS backends are not verified, as kube's proxy transport does not.
 * A WebSocket upgrade is joined to a WebSocket to the backend ({@link WebSocketRelay}); other
 * upgrades (SPDY) are not served.
 */
public final class ServiceProxy {
    /** The paths served here; they go on past the subresource name, so {@code PathInfo} does not take them. */
    public static final Pattern PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/services/([^/]+)/proxy(/.*)?");

    /** Headers that belong to one connection (RFC 9110 7.6.1), never forwarded either way. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "host",
            "content-length");

    private final HandlerContext ctx;
    private final HttpClient http;
    private final HttpClient https;
    private final WebSocketClient ws;
    private final WebSocketClient wss;

    public ServiceProxy(HandlerContext ctx) {
        this.ctx = ctx;
        this.http = ctx.vertx().createHttpClient();
        this.https = ctx.vertx()
                .createHttpClient(
                        new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
        this.ws = ctx.vertx().createWebSocketClient();
        this.wss = ctx.vertx()
                .createWebSocketClient(new WebSocketClientOptions()
                        .setSsl(true)
                        .setTrustAll(true)
                        .setVerifyHost(false));
    }

    /** A parsed {@code [scheme:]name[:port]}; scheme and port are "" when not given. */
    public record Target(String scheme, String name, String port) {
        /** kube's {@code net.SplitSchemeNamePort}: a 400 for anything else. */
        public static Target parse(String id) {
            String[] p = id.split(":", -1);
            Target t = switch (p.length) {
                case 1 -> new Target("", p[0], "");
                case 2 -> new Target("", p[0], p[1]);
                case 3 -> new Target(p[0], p[1], p[2]);
                default -> null;
            };
            if (t == null || t.name.isEmpty() || !Set.of("", "http", "https").contains(t.scheme)) {
                throw ApiException.badRequest("invalid service request \"" + id + "\"");
            }
            return t;
        }
    }

    /** The namespace of a path {@link #PATH} matched. */
    public static String namespace(Matcher m) {
        return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    /** The {@code [scheme:]name[:port]} of a path {@link #PATH} matched. */
    public static String id(Matcher m) {
        return URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
    }

    /**
     * Proxies {@code r} to Service {@code ns/t.name} at {@code path} (null: {@code /}) with {@code body};
     * a WebSocket upgrade request (whose body was not read, and which the caller paused) is
     * joined to a WebSocket to the backend.
     */
    public void serve(Request r, String ns, Target t, String path, byte[] body) {
        ctx.store()
                .of(ServiceKind.RESOURCE)
                .get(ns, t.name())
                .whenComplete((svc, err) -> r.onContext(() -> {
                    if (err != null) {
                        throw ApiException.from(err, ServiceKind.RESOURCE, t.name());
                    }
                    BackendResolver.Backend b = locate(ns, svc, t);
                    String scheme = t.scheme().isEmpty() ? "http" : t.scheme();
                    if (body == null && r.http().canUpgradeToWebSocket()) {
                        webSocket(r, scheme, b, path);
                    } else {
                        forward(r, scheme, b, path, body);
                    }
                }));
    }

    /** kube's {@code ResourceLocation}: a loopback endpoint, else the 503 saying why there is none. */
    private BackendResolver.Backend locate(String ns, Service svc, Target t) {
        String name = t.name();
        String portName = t.port();
        if (portName.matches("[0-9]+")) {
            portName = svc.getSpec().getPortsList().stream()
                    .filter(p -> String.valueOf(p.getPort()).equals(t.port()))
                    .map(ServicePort::getName)
                    .findFirst()
                    .orElseThrow(
                            () -> unavailable("no service port " + t.port() + " found for service \"" + name + "\""));
        }
        BackendResolver.Backend b = resolver().endpoint(ns, name, portName);
        if (!b.found()) {
            throw unavailable("no endpoints available for service \"" + name + "\"");
        }
        if (!b.loopback()) {
            throw unavailable("endpoint " + b.address() + " of service \"" + name
                    + "\" is a simulated pod IP; kubelite proxies only to loopback endpoints");
        }
        return b;
    }

    private BackendResolver resolver() {
        WatchCache<io.kubelite.api.discovery.EndpointSlice> slices = ctx.cache(EndpointSliceKind.RESOURCE);
        return new BackendResolver(new BackendResolver.Lookup() {
            @Override
            public Service service(String namespace, String name) {
                throw new UnsupportedOperationException("the Service is read from the store");
            }

            @Override
            public List<io.kubelite.api.discovery.EndpointSlice> slices(String namespace) {
                return slices.snapshot(namespace).entries().stream()
                        .map(WatchCache.Entry::object)
                        .toList();
            }
        });
    }

    private void forward(Request r, String scheme, BackendResolver.Backend b, String path, byte[] body) {
        String query = r.http().query();
        String uri = (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
        String host = b.address().contains(":") ? "[" + b.address() + "]" : b.address();
        String target = scheme + "://" + host + ":" + b.port() + uri;
        RequestOptions opts = new RequestOptions()
                .setMethod(r.http().method())
                .setHost(b.address())
                .setPort(b.port())
                .setURI(uri);
        for (Map.Entry<String, String> h : r.http().headers()) {
            String k = h.getKey().toLowerCase(java.util.Locale.ROOT);
            // the client's credentials are for this server, as kube's authentication filter drops them
            if (!HOP_BY_HOP.contains(k) && !k.equals("authorization")) {
                opts.addHeader(h.getKey(), h.getValue());
            }
        }
        HttpServerResponse out = r.http().response();
        (scheme.equals("https") ? https : http)
                .request(opts)
                .compose(req -> req.send(Buffer.buffer(body)))
                .onComplete(ar -> r.onContext(() -> {
                    if (ar.failed()) {
                        throw unavailable(
                                "error trying to reach service: " + r.http().method() + " \"" + target + "\": "
                                        + ar.cause().getMessage());
                    }
                    HttpClientResponse in = ar.result();
                    out.setStatusCode(in.statusCode()).setChunked(true);
                    for (Map.Entry<String, String> h : in.headers()) {
                        if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                            out.headers().add(h.getKey(), h.getValue());
                        }
                    }
                    // a client that goes away stops a streamed answer (a followed log, a tail)
                    out.closeHandler(v -> in.request().reset());
                    in.pipeTo(out);
                }));
    }

    /**
     * The backend's WebSocket first, so its refusal is answered as it answered (kube's
     * upgrade-aware proxy relays it), then the client's upgrade, joined message for message.
     */
    private void webSocket(Request r, String scheme, BackendResolver.Backend b, String path) {
        String query = r.http().query();
        String uri = (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
        List<String> offered = new java.util.ArrayList<>();
        String header = r.http().getHeader("Sec-WebSocket-Protocol");
        if (header != null) {
            for (String p : header.split(",")) {
                if (!p.isBlank()) {
                    offered.add(p.trim());
                }
            }
        }
        WebSocketConnectOptions opts = new WebSocketConnectOptions()
                .setHost(b.address())
                .setPort(b.port())
                .setURI(uri)
                .setSubProtocols(offered);
        (scheme.equals("https") ? wss : ws)
                .connect(opts)
                .onComplete(ar -> r.onContext(() -> {
                    if (ar.failed()) {
                        if (ar.cause() instanceof UpgradeRejectedException rejected) {
                            HttpServerResponse out = r.http().response();
                            out.setStatusCode(rejected.getStatus())
                                    .end(rejected.getBody() == null ? Buffer.buffer() : rejected.getBody());
                            return;
                        }
                        throw unavailable("error trying to reach service: " + (scheme.equals("https") ? "wss" : "ws")
                                + "://" + b.address() + ":" + b.port() + uri + ": "
                                + ar.cause().getMessage());
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

    private static ApiException unavailable(String message) {
        return ApiException.of(503, "ServiceUnavailable", message);
    }
}
