package io.kubelite.apiserver.aggregation;

import io.kubelite.api.APIService;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Auth;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.Request;
import io.kubelite.apiserver.RequestBody;
import io.kubelite.apiserver.authorization.Authorizer;
import io.kubelite.apiserver.authorization.Forbidden;
import io.kubelite.kinds.apiregistration.apiservice.APIServiceKind;
import io.kubelite.kinds.apiregistration.apiservice.BackendResolver;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-aggregator's proxy handler: a request under {@code /apis/<group>/<version>} of a
 * group-version the API server does not serve itself but a non-local APIService registers goes,
 * after this server's authentication and its authorization of the request (on the aggregated
 * resource, as kube's request info names it), to a ready endpoint of the APIService's Service over
 * HTTPS, with the user in kube's front-proxy headers ({@code X-Remote-User}, {@code X-Remote-Group};
 * the client's own credentials are not passed on). The answer is streamed back as it comes (watches
 * work). An APIService that is not Available, or whose endpoints are simulated pod IPs, gets 503
 * {@code service unavailable}; a backend that cannot be reached 503 {@code error trying to reach
 * service}. Request bodies are read first (within the server's body limit), as every API request's.
 */
public final class AggregationProxy {
    private static final Logger LOG = LoggerFactory.getLogger(AggregationProxy.class);

    /** Request headers not passed on: hop-by-hop ones, the client's credentials, forged identities. */
    private static final Set<String> DROPPED = Set.of(
            "authorization",
            "host",
            "connection",
            "keep-alive",
            "proxy-authorization",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "content-length");

    private static final Set<String> HOP_BY_HOP_RESPONSE =
            Set.of("connection", "keep-alive", "transfer-encoding", "trailer", "upgrade", "content-length");

    private final HandlerContext ctx;
    private final AggregatedApis apis;
    private final BackendResolver resolver;
    private final BackendClients clients;

    public AggregationProxy(HandlerContext ctx, AggregatedApis apis, ApiServiceAvailability availability) {
        this.ctx = ctx;
        this.apis = apis;
        this.resolver = availability.resolver();
        this.clients = availability.clients();
    }

    /**
     * Answers the request when {@code path} belongs to an aggregated group-version (and returns
     * true); false when this server serves it, or no APIService does.
     */
    public boolean serve(Request r, String path) {
        if (!path.startsWith("/apis/")) {
            return false;
        }
        String[] s = path.substring("/apis/".length()).split("/", -1);
        if (s.length < 2 || s[0].isEmpty() || s[1].isEmpty() || servedLocally(s[0], s[1])) {
            return false;
        }
        APIService a = apis.remote(s[0], s[1]);
        if (a == null) {
            return false;
        }
        authorize(r, path, s);
        boolean available = APIServiceKind.availableCondition(a)
                .map(c -> c.getStatus().equals("True"))
                .orElse(false);
        BackendResolver.Backend b = available ? resolver.resolve(a) : null;
        if (b == null || !b.loopback()) {
            throw ApiException.of(503, "ServiceUnavailable", "service unavailable");
        }
        HttpMethod m = r.http().method();
        if (m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS) {
            forward(r, a, b, null);
        } else {
            RequestBody.readBytes(r, ctx.config().bodyLimit(), body -> forward(r, a, b, body));
        }
        return true;
    }

    private boolean servedLocally(String group, String version) {
        return ctx.kinds().resources().stream()
                .anyMatch(res -> res.group().equals(group) && res.version().equals(version));
    }

    /** kube's authorization of the proxied request: on the aggregated resource, or the discovery path. */
    private void authorize(Request r, String path, String[] s) {
        Auth.User u = r.user();
        if (s.length == 2 || (s.length == 3 && s[2].isEmpty())) {
            String method = r.http().method().name().toLowerCase(Locale.ROOT);
            Forbidden.unlessAllowed(ctx.authorizer(), u, Authorizer.Attributes.nonResource(method, path));
            return;
        }
        AggregatedRequest q =
                AggregatedRequest.parse(r.http().method(), s, r.http().params());
        Forbidden.unlessAllowed(
                ctx.authorizer(),
                u,
                Authorizer.Attributes.resource(q.verb(), s[0], q.resource(), q.subresource(), q.namespace(), q.name()));
    }

    private void forward(Request r, APIService a, BackendResolver.Backend b, byte[] body) {
        String uri = r.http().uri();
        RequestOptions opts = new RequestOptions()
                .setMethod(r.http().method())
                .setServer(SocketAddress.inetSocketAddress(b.port(), b.address()))
                .setHost(BackendClients.serverName(a))
                .setPort(b.port())
                .setURI(uri);
        MultiMap headers = opts.getHeaders() == null ? MultiMap.caseInsensitiveMultiMap() : opts.getHeaders();
        r.http().headers().forEach((k, v) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            if (!DROPPED.contains(lower) && !lower.startsWith("x-remote-") && !lower.startsWith("impersonate-")) {
                headers.add(k, v);
            }
        });
        Auth.User u = r.user();
        headers.set(FrontProxyHeaders.USER, u.name());
        for (String g : u.groups()) {
            headers.add(FrontProxyHeaders.GROUP, g);
        }
        opts.setHeaders(headers);
        String target = b.url() + uri;
        HttpServerResponse out = r.http().response();
        clients.client(a)
                .request(opts)
                .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
                .onComplete(ar -> r.onContext(() -> {
                    if (ar.failed()) {
                        LOG.info(
                                "apiservice {}: proxying {} failed: {}",
                                a.getMetadata().getName(),
                                target,
                                ar.cause().toString());
                        throw ApiException.of(
                                503,
                                "ServiceUnavailable",
                                "error trying to reach service: " + r.http().method() + " \"" + target + "\": "
                                        + ar.cause().getMessage());
                    }
                    HttpClientResponse in = ar.result();
                    out.setStatusCode(in.statusCode());
                    in.headers().forEach((k, v) -> {
                        if (!HOP_BY_HOP_RESPONSE.contains(k.toLowerCase(Locale.ROOT))) {
                            out.headers().add(k, v);
                        }
                    });
                    String length = in.getHeader("Content-Length");
                    if (length != null) {
                        out.putHeader("Content-Length", length);
                    } else {
                        out.setChunked(true);
                    }
                    // a client that goes away ends the backend request too (a watch, a long list)
                    out.closeHandler(v -> in.request().reset());
                    in.pipeTo(out);
                }));
    }
}
