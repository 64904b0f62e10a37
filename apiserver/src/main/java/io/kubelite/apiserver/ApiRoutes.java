package io.kubelite.apiserver;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.kubelite.api.Binding;
import io.kubelite.api.Eviction;
import io.kubelite.api.Pod;
import io.kubelite.api.Scale;
import io.kubelite.api.TypeMeta;
import io.kubelite.apiserver.aggregation.AggregationProxy;
import io.kubelite.apiserver.audit.Auditing;
import io.kubelite.apiserver.authentication.TokenRequests;
import io.kubelite.apiserver.authorization.Authorizer;
import io.kubelite.apiserver.authorization.Forbidden;
import io.kubelite.apiserver.authorization.Impersonation;
import io.kubelite.apiserver.flowcontrol.FlowController;
import io.kubelite.apiserver.nodes.NodeProxy;
import io.kubelite.apiserver.pods.LogProxy;
import io.kubelite.apiserver.pods.PodBinding;
import io.kubelite.apiserver.pods.PodEviction;
import io.kubelite.apiserver.pods.PodExecProxy;
import io.kubelite.apiserver.replicasets.ScaleHandler;
import io.kubelite.apiserver.services.ServiceProxy;
import io.kubelite.kinds.autoscaling.scale.Scalable;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.store.ObjectStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request entry point: authenticates, answers the system endpoints, puts each request through
 * flow control ({@link FlowController}: a seat, a fair wait for one, or 429; watches, logs and
 * exec-like streams are long-running and exempt, as in kube), then maps
 * a resource path and method to its verb and the verb (with subresource) to its handler.
 * Records each request's count and duration by verb, resource and code.
 */
final class ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    /** meta/v1 DeleteOptions (not this package's {@link DeleteOptions}, what the handlers make of it). */
    private static final Descriptor DELETE_OPTIONS = io.kubelite.api.DeleteOptions.getDescriptor();

    private final HandlerContext ctx;
    private final SystemEndpoints system;
    private final ApiRequestMetrics requestMetrics;
    private final FlowController flowControl;
    private final SeatAdmission seats;
    private final Reviews reviews;
    private final AggregationProxy aggregation;
    private final ServiceProxy serviceProxy;
    private final Auditing auditing;
    private final TokenRequests tokenRequests;

    ApiRoutes(
            HandlerContext ctx,
            Auditing auditing,
            SystemEndpoints system,
            AggregationProxy aggregation,
            FlowController flowControl,
            MeterRegistry registry) {
        this.ctx = ctx;
        this.flowControl = flowControl;
        this.seats = new SeatAdmission(flowControl);
        this.auditing = auditing;
        this.aggregation = aggregation;
        this.serviceProxy = new ServiceProxy(ctx);
        this.tokenRequests = new TokenRequests(ctx, ctx.serviceAccountIssuing());
        this.reviews = new Reviews(ctx.auth(), ctx.authorizer());
        this.system = system;
        this.requestMetrics = new ApiRequestMetrics(registry);
        Gauge.builder("apiserver_current_inflight_requests", flowControl, f -> f.executing() + f.exemptExecuting())
                .register(registry);
    }

    void handle(HttpServerRequest req) {
        long start = System.nanoTime();
        Request r = new Request(req, Vertx.currentContext());
        req.response().headersEndHandler(v -> {
            if (r.audit() != null) {
                r.audit().responseStarted(req.response().getStatusCode());
            }
        });
        req.response().endHandler(v -> {
            r.release();
            record(r, start);
            completeAudit(r);
        });
        req.response().closeHandler(v -> {
            r.release();
            completeAudit(r);
        });
        try {
            dispatch(r);
        } catch (ApiException e) {
            r.fail(e);
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", req.method(), req.uri(), e);
            if (r.audit() != null) {
                r.audit().panic(e.toString());
            }
            r.fail(ApiException.from(e, null, null));
        }
    }

    /** The request's ResponseComplete event, with what admission noted for the audit (Pod Security's verdicts). */
    private static void completeAudit(Request r) {
        if (r.audit() == null) {
            return;
        }
        if (r.audit().recorded()) {
            r.admission().auditAnnotations().forEach(r.audit()::annotate);
        }
        r.audit().complete(r.http().response().getStatusCode());
    }

    private void record(Request r, long start) {
        requestMetrics.record(r.labels(), r.http().response().getStatusCode(), System.nanoTime() - start);
    }

    private void dispatch(Request r) {
        String path = r.http().path();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        List<java.security.cert.X509Certificate> chain = clientChain(r);
        String authorization = r.http().getHeader("Authorization");
        Auth.User user = ctx.auth().authenticate(chain, authorization);
        r.audit(auditing.begin(r.http(), user));
        if (user == null) {
            r.audit().unauthenticated(attemptedMethods(chain, authorization));
            r.fail(ApiException.of(401, "Unauthorized", "Unauthorized"));
            return;
        }
        // kube's impersonation filter runs after authentication, before any other authorization
        r.user(Impersonation.apply(ctx.authorizer(), user, r.http().headers()));
        if (r.user() != user) {
            r.audit().impersonated(r.user());
        }
        // a group-version an APIService's backend serves, not this server (kube-aggregator's proxy)
        if (aggregation.serve(r, path)) {
            return;
        }
        if (system.serve(r, path)) {
            return;
        }
        Matcher proxy = NodeProxy.PATH.matcher(path);
        if (proxy.matches()) {
            proxyToNode(r, NodeProxy.nodeName(proxy), proxy.group(2));
            return;
        }
        Matcher svcProxy = ServiceProxy.PATH.matcher(path);
        if (svcProxy.matches()) {
            proxyToService(r, ServiceProxy.namespace(svcProxy), ServiceProxy.id(svcProxy), svcProxy.group(3));
            return;
        }
        String resourcePath = path;
        PathInfo info = parseServed(resourcePath);
        if (info == null) {
            // a CustomResourceDefinition written a moment ago, maybe through another replica, may
            // not have reached this replica's served kinds yet: a client that saw it Established
            // must not get a 404, so look again once they hold every CRD etcd holds now
            ctx.kindsCurrent()
                    .whenComplete((v, err) -> r.onContext(() -> {
                        PathInfo again = PathInfo.parse(ctx.kinds(), resourcePath);
                        if (again == null) {
                            throw notFound();
                        }
                        serveResource(r, again);
                    }));
            return;
        }
        serveResource(r, info);
    }

    /** The path's resource; null when it names none (or a group or version not served) yet. */
    private PathInfo parseServed(String path) {
        try {
            return PathInfo.parse(ctx.kinds(), path);
        } catch (ApiException e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    private void serveResource(Request r, PathInfo info) {
        r.labels(ApiRequestMetrics.Labels.of(r, info));
        boolean longRunning = QueryOptions.isWatch(r.http())
                || "log".equals(info.subresource())
                || RequestVerb.isStream(info.subresource());
        if (!longRunning) {
            seats.admit(r, () -> route(new RequestScope<>(ctx, r, info)));
            return;
        }
        route(new RequestScope<>(ctx, r, info));
    }

    /**
     * Authorizes {@code a} for the request's user and records the decision for the audit log;
     * throws kube's 403 when it is not allowed.
     */
    private void authorize(Request r, Authorizer.Attributes a) {
        Authorizer.Decision d = ctx.authorizer().authorize(r.user(), a);
        r.audit().authorized(d.allowed(), d.reason());
        if (!d.allowed()) {
            throw Forbidden.exception(r.user(), a, "");
        }
    }

    /** What a request that failed authentication presented, in kube's audit wording. */
    private static String attemptedMethods(List<java.security.cert.X509Certificate> chain, String authorization) {
        List<String> tried = new java.util.ArrayList<>();
        if (!chain.isEmpty()) {
            tried.add("certificate");
        }
        if (authorization != null && !authorization.isBlank()) {
            tried.add(authorization.trim().regionMatches(true, 0, "Bearer ", 0, 7) ? "bearer" : "unknown");
        }
        return tried.isEmpty() ? "none" : String.join(", ", tried);
    }

    /** The client certificate chain of the request's TLS connection; empty when it presented none. */
    private static List<java.security.cert.X509Certificate> clientChain(Request r) {
        javax.net.ssl.SSLSession tls = r.http().connection().sslSession();
        if (tls == null) {
            return List.of();
        }
        try {
            List<java.security.cert.X509Certificate> out = new java.util.ArrayList<>();
            for (java.security.cert.Certificate c : tls.getPeerCertificates()) {
                if (c instanceof java.security.cert.X509Certificate x) {
                    out.add(x);
                }
            }
            return out;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    private <T extends Message> void route(RequestScope<T> s) {
        Request r = s.request();
        String sub = s.subresource();
        String name = s.name();
        String verb = RequestVerb.of(r.http().method(), s);
        // authorized as the path names it: events.k8s.io events are not core events to RBAC
        var served = s.served();
        authorize(
                r,
                Authorizer.Attributes.resource(
                        verb, served.group(), served.plural(), sub, served.namespaced() ? s.namespace() : null, name));
        if (Reviews.serves(served)) {
            if (!verb.equals("create") || sub != null) {
                throw RequestVerb.notAllowed();
            }
            withBody(r, objectType(s), body -> reviews.create(s, body));
            return;
        }
        if (s.resource().namespaced() && name != null && s.namespace() == null) {
            throw notFound();
        }
        if (sub != null && !KindRules.allowsSubresource(s.resource(), sub)) {
            throw notFound();
        }
        if (sub != null && !KindRules.allowsSubresourceVerb(s.resource(), sub, verb)) {
            throw RequestVerb.notAllowed();
        }
        if (RequestVerb.isStream(sub) && (verb.equals("get") || verb.equals("create"))) {
            new PodExecProxy(ctx, r, sub).serve(s.namespace(), name);
            return;
        }
        switch (verb) {
            case "get" -> {
                if ("log".equals(sub)) {
                    new LogProxy(ctx, r).serve(s.namespace(), name);
                } else if ("scale".equals(sub)) {
                    scale(s).get();
                } else {
                    GetHandler.get(s);
                }
            }
            case "list" -> new ListHandler<>(s).serve();
            case "watch" -> new WatchHandler<>(s).serve();
            case "create" ->
                withBody(r, createType(s, sub), body -> {
                    if ("binding".equals(sub)) {
                        PodBinding.bind(r, podStore(s), s.namespace(), name, body);
                    } else if ("eviction".equals(sub)) {
                        PodEviction.evict(ctx, r, s.namespace(), name, body);
                    } else if ("token".equals(sub)) {
                        tokenRequests.create(r, s.namespace(), name, body);
                    } else {
                        CreateHandler.create(s, body);
                    }
                });
            case "update" ->
                withBody(r, "scale".equals(sub) ? Scale.getDescriptor() : objectType(s), body -> {
                    if ("scale".equals(sub)) {
                        scale(s).update(body);
                    } else {
                        new UpdateHandler<>(s).update(body);
                    }
                });
            case "patch" ->
                withBody(r, null, body -> {
                    if ("scale".equals(sub)) {
                        scale(s).patch(PatchType.of(r), body);
                    } else {
                        new UpdateHandler<>(s).patch(body);
                    }
                });
            case "delete" -> withBody(r, DELETE_OPTIONS, body -> new DeleteHandler<>(s).serve(body));
            case "deletecollection" ->
                withBody(r, DELETE_OPTIONS, body -> DeleteCollectionHandler.deleteCollection(s, body));
            default -> throw RequestVerb.notAllowed();
        }
    }

    /**
     * {@code nodes/{name}/proxy/...}: authorized as the {@code proxy} subresource of the node
     * with the method's verb; not counted in flight, as it may stream (a followed log) like {@code pods/log}.
     */
    private void proxyToNode(Request r, String node, String path) {
        r.labels(ApiRequestMetrics.Labels.nodeProxy());
        String verb = proxyVerb(r);
        authorize(r, Authorizer.Attributes.resource(verb, "", NodeKind.RESOURCE.plural(), "proxy", null, node));
        withBody(r, null, body -> new NodeProxy(ctx, r).serve(node, path, body));
    }

    /** The verb a proxy request is authorized as, from its method (kube's RequestInfo). */
    private static String proxyVerb(Request r) {
        return switch (r.http().method().name()) {
            case "GET", "HEAD", "OPTIONS" -> "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> throw RequestVerb.notAllowed();
        };
    }

    /**
     * {@code services/{id}/proxy/{path}}: authorized as {@code services/proxy} with the method's verb,
     * then {@link ServiceProxy}; not counted in flight, as it may stream. The path may be absent
     * (kube sends {@code /}). The body is read whole, as bytes, and sent as it came.
     */
    private void proxyToService(Request r, String ns, String id, String path) {
        r.labels(ApiRequestMetrics.Labels.serviceProxy());
        ServiceProxy.Target t = ServiceProxy.Target.parse(id);
        authorize(
                r,
                Authorizer.Attributes.resource(proxyVerb(r), "", ServiceKind.RESOURCE.plural(), "proxy", ns, t.name()));
        if (r.http().canUpgradeToWebSocket()) {
            // a request read to its end during the look-ups could no longer be upgraded
            r.http().pause();
            serviceProxy.serve(r, ns, t, path, null);
            return;
        }
        RequestBody.readBytes(r, ctx.config().bodyLimit(), body -> serviceProxy.serve(r, ns, t, path, body));
    }

    /**
     * Reads the request's body and hands it to {@code fn} as text. A body in Kubernetes' protobuf
     * ({@link KubeProtobuf}) is read as an object of {@code type} and handed on as the JSON it
     * stands for, so every handler sees what a JSON client would have sent; with no {@code type}
     * (patches, node proxying) the body goes as it came.
     */
    private void withBody(Request r, Descriptor type, Consumer<String> fn) {
        Consumer<String> audited = body -> {
            r.audit().requestBody(body);
            fn.accept(body);
        };
        if (type != null && KubeProtobuf.isProtobuf(r.http().getHeader("Content-Type"))) {
            RequestBody.readBytes(
                    r,
                    ctx.config().bodyLimit(),
                    bytes -> audited.accept(bytes.length == 0 ? "" : protobufAsJson(bytes, type)));
        } else {
            RequestBody.read(r, ctx.config().bodyLimit(), audited);
        }
    }

    /**
     * The JSON of a protobuf body of {@code type}'s kind; 400 as kube-apiserver words its decode
     * errors when it is not one.
     */
    static String protobufAsJson(byte[] body, Descriptor type) {
        String kind = type.getName();
        try {
            KubeProtobuf.Envelope env = KubeProtobuf.envelope(body);
            String sent = env.typeMeta().kind();
            if (!sent.isEmpty() && !sent.equals(kind)) {
                throw ApiException.badRequest(
                        "the kind in the data (" + sent + ") does not match the expected kind (" + kind + ")");
            }
            return Codec.MAPPER.writeValueAsString(KubeProtobuf.toTree(body, type));
        } catch (KubeProtobuf.Problem e) {
            TypeMeta tm = e.typeMeta();
            if (tm == null) {
                throw ApiException.badRequest(
                        "the object provided is unrecognized (must be of type " + kind + "): " + e.getMessage());
            }
            throw ApiException.badRequest(tm.kind() + " in version \"" + tm.version() + "\" cannot be handled as a "
                    + kind + ": " + e.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree we built does not write", e);
        }
    }

    /** The type of a create body: a {@code pods/binding} Binding, a {@code pods/eviction} Eviction, else the object. */
    private static Descriptor createType(RequestScope<?> s, String sub) {
        if ("binding".equals(sub)) {
            return Binding.getDescriptor();
        }
        if ("eviction".equals(sub)) {
            return Eviction.getDescriptor();
        }
        if ("token".equals(sub)) {
            return io.kubelite.api.TokenRequest.getDescriptor();
        }
        return objectType(s);
    }

    /** The message type of the objects of the path's group-version (events.k8s.io's Event is its own). */
    private static Descriptor objectType(RequestScope<?> s) {
        return s.served().prototype().getDescriptorForType();
    }

    /** {@code pods/binding} is served for pods only ({@link KindRules#allowsSubresource}). */
    @SuppressWarnings("unchecked")
    private static ObjectStore<Pod> podStore(RequestScope<?> s) {
        return (ObjectStore<Pod>) s.store();
    }

    /** {@code /scale} is served for the {@link Scalable} kinds only ({@link KindRules#allowsSubresource}). */
    private static <T extends Message> ScaleHandler<T> scale(RequestScope<T> s) {
        Scalable<T> kind = Scalable.of(s.resource()).orElseThrow(ApiRoutes::notFound);
        return new ScaleHandler<>(s.request(), kind, s.store(), s.namespace(), s.name());
    }

    private static ApiException notFound() {
        return ApiException.of(404, "NotFound", "the server could not find the requested resource");
    }
}
