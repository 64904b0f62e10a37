package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.apiserver.admission.AdmissionChain;
import io.kubelite.apiserver.admission.AdmissionPlugins;
import io.kubelite.apiserver.aggregation.AggregatedApis;
import io.kubelite.apiserver.authentication.ServiceAccountIssuing;
import io.kubelite.apiserver.authorization.Authorizer;
import io.kubelite.apiserver.authorization.EscalationCheck;
import io.kubelite.apiserver.services.ServiceWrites;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceDefinitionKind;
import io.kubelite.store.Store;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What request handlers need from the running server, and nothing of its lifecycle: the
 * store, the watch cache of each resource, the configuration, Vert.x (timers, worker
 * threads), the HTTP client to kubelets and the per-event-loop watch batchers. Built
 * once by {@link ApiServer#start} after the caches exist; shared by all handlers.
 */
public final class HandlerContext {
    private final ApiServerConfig config;
    private final Store store;
    private final Map<Resource<?>, WatchCache<?>> caches;
    private final Vertx vertx;
    private final HttpClient kubeletClient;
    private final Auth auth;
    private final ServedKinds kinds;
    private final ServiceWrites services;
    private final AggregatedApis aggregated;
    private final AdmissionChain admission;
    private final Authorizer authorizer;
    private final EscalationCheck escalation;
    private final ServiceAccountIssuing serviceAccountIssuing;
    private final Map<Context, LoopBatch> loopBatches = new ConcurrentHashMap<>();
    private final WatchQuota watchQuota;
    private WebSocketClient kubeletWebSockets;

    HandlerContext(
            ApiServerConfig config,
            Store store,
            Map<Resource<?>, WatchCache<?>> caches,
            Vertx vertx,
            HttpClient kubeletClient,
            Auth auth,
            ServedKinds kinds,
            ServiceWrites services,
            AggregatedApis aggregated,
            Authorizer authorizer,
            EscalationCheck escalation,
            Set<String> disabledAdmission,
            ServiceAccountIssuing serviceAccountIssuing) {
        this.config = config;
        this.store = store;
        this.caches = Map.copyOf(caches);
        this.vertx = vertx;
        this.kubeletClient = kubeletClient;
        this.auth = auth;
        this.kinds = kinds;
        this.services = services;
        this.aggregated = aggregated;
        this.authorizer = authorizer;
        this.escalation = escalation;
        this.serviceAccountIssuing = serviceAccountIssuing;
        this.watchQuota = new WatchQuota(config.maxWatchesPerUser());
        // the plugins only keep this context; they use it per request, once it is built
        this.admission = AdmissionPlugins.chain(this, disabledAdmission);
    }

    /** The watches each user has open, against {@code --max-watches-per-user}. */
    WatchQuota watchQuota() {
        return watchQuota;
    }

    /** Who may do what ({@code --authorization-mode}). */
    public Authorizer authorizer() {
        return authorizer;
    }

    /**
     * Throws kube's 403 when {@code u} may not write {@code obj} ({@code old}: the stored object,
     * null on create) because it is a role or binding granting what {@code u} does not hold (RBAC only).
     */
    public <T extends com.google.protobuf.Message> void checkEscalation(Auth.User u, Resource<T> r, T obj, T old) {
        if (escalation != null && u != null) {
            escalation.check(u, r, obj, old);
        }
    }

    /** The admission plugins creates, updates and deletes go through. */
    public AdmissionChain admission() {
        return admission;
    }

    /** The service-account token issuer and keys; null when none are configured. */
    public ServiceAccountIssuing serviceAccountIssuing() {
        return serviceAccountIssuing;
    }

    /** The group-versions proxied to APIServices' backends, and what discovery lists of them. */
    public AggregatedApis aggregated() {
        return aggregated;
    }

    /** Writes that allocate a Service's addresses around it (any other resource's pass through). */
    public ServiceWrites services() {
        return services;
    }

    /** The kinds served now, custom resources included. */
    public ServedKinds kinds() {
        return kinds;
    }

    /**
     * Completes once {@link #kinds} reflect every CustomResourceDefinition etcd holds now (a
     * consistent read of the CRD watch cache, {@link FreshCache}). It never fails: when the cache
     * does not catch up in time the caller answers from the kinds it has.
     */
    public CompletableFuture<Void> kindsCurrent() {
        WatchCache<CustomResourceDefinition> crds = cache(CustomResourceDefinitionKind.RESOURCE);
        return FreshCache.await(crds, store.of(CustomResourceDefinitionKind.RESOURCE), vertx)
                .exceptionally(err -> null);
    }

    public ApiServerConfig config() {
        return config;
    }

    public Store store() {
        return store;
    }

    /** Whether {@code r} has a watch cache ({@link WatchCache#kept}); when not, reads go to etcd. */
    public boolean cached(Resource<?> r) {
        return r.custom() || caches.containsKey(r);
    }

    /** The watch cache of {@code r}; null for a resource without one ({@link #cached}). */
    @SuppressWarnings("unchecked")
    public <T extends Message> WatchCache<T> cache(Resource<T> r) {
        if (r.custom()) {
            WatchCache<?> c = kinds.cache((Resource<io.kubelite.api.CustomObject>) r);
            if (c == null) {
                throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
            }
            return (WatchCache<T>) c;
        }
        return (WatchCache<T>) caches.get(r);
    }

    public Vertx vertx() {
        return vertx;
    }

    /** The client {@code pods/log} proxies through. */
    public HttpClient kubeletClient() {
        return kubeletClient;
    }

    /** The client {@code pods/exec} and {@code pods/attach} proxy through (created on first use). */
    public synchronized WebSocketClient kubeletWebSockets() {
        if (kubeletWebSockets == null) {
            kubeletWebSockets = vertx.createWebSocketClient();
        }
        return kubeletWebSockets;
    }

    Auth auth() {
        return auth;
    }

    /**
     * The watch batcher of one event loop (created on first use; there are as many as event
     * loops). Vert.x 5 runs each HTTP request on its own duplicate of the loop's context, so
     * the map is keyed by the base context: per request it would grow without bound and
     * batch nothing.
     */
    LoopBatch loopBatch(Context context) {
        Context base = context instanceof io.vertx.core.internal.ContextInternal ci ? ci.unwrap() : context;
        return loopBatches.computeIfAbsent(base, LoopBatch::new);
    }
}
