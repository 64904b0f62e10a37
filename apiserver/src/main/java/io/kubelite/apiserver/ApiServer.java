package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.apiserver.admission.AdmissionPlugins;
import io.kubelite.apiserver.aggregation.AggregatedApis;
import io.kubelite.apiserver.aggregation.AggregationProxy;
import io.kubelite.apiserver.aggregation.ApiServiceAvailability;
import io.kubelite.apiserver.aggregation.LocalApiServices;
import io.kubelite.apiserver.audit.AuditConfig;
import io.kubelite.apiserver.audit.AuditLog;
import io.kubelite.apiserver.audit.Auditing;
import io.kubelite.apiserver.authentication.ServiceAccountIssuing;
import io.kubelite.apiserver.authentication.ServiceAccountTokenAuthenticator;
import io.kubelite.apiserver.authorization.AuthorizationMode;
import io.kubelite.apiserver.authorization.Authorizer;
import io.kubelite.apiserver.authorization.EscalationCheck;
import io.kubelite.apiserver.authorization.PolicyReconciler;
import io.kubelite.apiserver.authorization.RbacAuthorizer;
import io.kubelite.apiserver.authorization.WatchCachePolicy;
import io.kubelite.apiserver.flowcontrol.FlowController;
import io.kubelite.apiserver.mirror.EtcdMemberMirrorPods;
import io.kubelite.apiserver.namespaces.NamespaceBootstrap;
import io.kubelite.apiserver.openapi.LiveOpenApiDocuments;
import io.kubelite.apiserver.openapi.OpenApiDocuments;
import io.kubelite.apiserver.pods.PodExecProxy;
import io.kubelite.apiserver.services.KubernetesService;
import io.kubelite.apiserver.services.Reservations;
import io.kubelite.apiserver.services.ServiceAllocator;
import io.kubelite.apiserver.services.ServiceRanges;
import io.kubelite.apiserver.services.ServiceRepair;
import io.kubelite.apiserver.services.ServiceWrites;
import io.kubelite.apiserver.storage.StorageClassBootstrap;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceDefinitionKind;
import io.kubelite.kinds.apiregistration.apiservice.APIServiceKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.kinds.rbac.clusterrole.ClusterRoleKind;
import io.kubelite.kinds.rbac.clusterrolebinding.ClusterRoleBindingKind;
import io.kubelite.kinds.rbac.role.RoleKind;
import io.kubelite.kinds.rbac.rolebinding.RoleBindingKind;
import io.kubelite.store.Store;
import io.kubelite.store.compaction.Compactor;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.runtime.Component;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.ReadinessChecks;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.TrustOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelite API server as a {@link Component}: its lifecycle. Start builds one
 * {@link WatchCache} per resource, the bootstrap namespaces, etcd compaction and the
 * Vert.x HTTP servers, whose requests go to {@link ApiRoutes}; close stops them. Stateless:
 * any number of replicas can serve the same etcd. With the process's mirror pod publisher
 * it also publishes the {@code etcd-<member>} mirror pods ({@link EtcdMemberMirrorPods}).
 *
 * <p>The event loops never block: store calls are asynchronous and their results are
 * handed back to the request's context; encoding of large lists runs on worker threads.
 */
public final class ApiServer implements Component {
    private Duration compactionInterval = Duration.ZERO;
    private Compactor compactor;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final ApiServerConfig config;
    private final Map<Resource<?>, WatchCache<?>> caches = new LinkedHashMap<>();
    private ServedKinds servedKinds;
    private LiveOpenApiDocuments openapi;
    private CustomResourceCleanup crdCleanup;
    private Vertx vertx;
    private ApiRoutes routes;
    private FlowController flowControl;
    private final List<HttpServer> servers = new ArrayList<>();
    private ScheduledExecutorService timers;
    private EtcdMemberMirrorPods etcdPods;
    private volatile int port;
    private ServiceRanges serviceRanges = ServiceRanges.DEFAULT;
    private Duration serviceRepairInterval = Duration.ofMinutes(3);
    private int serviceLeakPasses = 3;
    private Set<String> disabledAdmissionPlugins = Set.of();
    private ServiceRepair serviceRepair;
    private Duration apiServiceCheckInterval = Duration.ofSeconds(10);
    private ApiServiceAvailability apiServiceAvailability;
    /** The post-start writes (namespaces, the standard StorageClass, the kubernetes Service) done. */
    private volatile CompletableFuture<Void> bootstrapped = new CompletableFuture<>();

    private ServiceAccountIssuing serviceAccountIssuing;
    private EventRecorder repairEvents;
    private AuditConfig auditConfig;
    private AuditLog auditLog;
    private ServiceWrites serviceWrites;
    private volatile boolean closed;

    public ApiServer(ApiServerConfig config) {
        this.config = config;
    }

    /** The port actually listened on. */
    public int port() {
        return port;
    }

    public String url() {
        return (config.tlsCertFile() == null ? "http" : "https") + "://" + config.bindAddress() + ":" + port;
    }

    /** Audits requests as {@code config} says ({@code --audit-policy-file}, {@code --audit-log-path}). Call before start. */
    public ApiServer withAudit(AuditConfig config) {
        this.auditConfig = config;
        return this;
    }

    /** The watch cache of {@code r} (tests look at its revision and contents). */
    @SuppressWarnings("unchecked")
    <T extends Message> WatchCache<T> cache(Resource<T> r) {
        return (WatchCache<T>) caches.get(r);
    }

    /**
     * Compacts etcd's history every {@code interval} (0 disables), as kube-apiserver's
     * {@code --etcd-compaction-interval} does; replicas coordinate (see {@link Compactor}).
     * Call before start.
     */
    public ApiServer withCompactionInterval(Duration interval) {
        this.compactionInterval = interval;
        return this;
    }

    /**
     * Where Services' ClusterIPs and node ports come from ({@code --service-cluster-ip-range},
     * {@code --service-node-port-range}). Call before start.
     */
    public ApiServer withServiceRanges(ServiceRanges ranges) {
        this.serviceRanges = ranges;
        return this;
    }

    /**
     * How often the service address repair loop runs, and in how many passes in a row a
     * reservation must be seen unheld before it is freed (kube: 3 minutes, 3). Call before start.
     */
    public ApiServer withServiceRepair(Duration interval, int leakPasses) {
        this.serviceRepairInterval = interval;
        this.serviceLeakPasses = leakPasses;
        return this;
    }

    /**
     * How often every APIService's backend is checked besides on changes (kube's available
     * controller; 10 s here). Call before start.
     */
    public ApiServer withApiServiceCheckInterval(Duration interval) {
        this.apiServiceCheckInterval = interval;
        return this;
    }

    /**
     * Turns off the named admission plugins ({@code --disable-admission-plugins}); unknown
     * names are refused. Call before start.
     */
    public ApiServer withDisabledAdmissionPlugins(Set<String> names) {
        Set<String> unknown = AdmissionPlugins.unknown(names);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown admission plugins " + unknown + "; known: " + String.join(", ", AdmissionPlugins.names()));
        }
        this.disabledAdmissionPlugins = Set.copyOf(names);
        return this;
    }

    /**
     * Service-account tokens: the issuer, the signing key TokenRequest uses and the keys tokens
     * are verified with ({@code --service-account-*}, {@code --api-audiences}). Without it no
     * service-account token authenticates and TokenRequest is not served. Call before start.
     */
    public ApiServer withServiceAccountIssuing(ServiceAccountIssuing issuing) {
        this.serviceAccountIssuing = issuing;
        return this;
    }

    /** The service address repair loop (tests run passes of it). */
    public ServiceRepair serviceRepair() {
        return serviceRepair;
    }

    /** Service writes with their address allocation (tests write through two replicas' allocators). */
    public ServiceWrites serviceWrites() {
        return serviceWrites;
    }

    @Override
    public void start(ComponentContext ctx) throws Exception {
        if (!compactionInterval.isZero()) {
            compactor = new Compactor(ctx.etcd(), compactionInterval);
            compactor.start();
        }
        MeterRegistry registry = ctx.meterRegistry();
        ReadinessChecks readiness = ctx.readiness();
        Store store = new Store(ctx.etcd());
        ClientCertAuthenticator clientCerts =
                config.clientCaFile() == null ? null : ClientCertAuthenticator.fromFile(config.clientCaFile());
        timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "apiserver-timers");
            t.setDaemon(true);
            return t;
        });
        for (Resource<? extends Message> r : Kinds.stored()) {
            if (!WatchCache.kept(r)) {
                continue;
            }
            WatchCache<? extends Message> c = new WatchCache<>(store.of(r), config.watchCacheSize(), timers);
            caches.put(r, c);
            c.start();
            c.scheduleBookmarks(config.bookmarkInterval().toMillis());
            Gauge.builder("apiserver_registered_watchers", c, WatchCache::watchers)
                    .tag("resource", r.plural())
                    .register(registry);
            Gauge.builder("apiserver_watch_cache_objects", c, WatchCache::size)
                    .tag("resource", r.plural())
                    .register(registry);
        }
        Auth auth = new Auth(
                config.staticTokens(),
                config.anonymousAuth(),
                clientCerts,
                serviceAccountIssuing == null
                        ? null
                        : new ServiceAccountTokenAuthenticator(
                                serviceAccountIssuing, new CachedTokenObjects(caches), Clock.systemUTC()));
        servedKinds = new ServedKinds(store, config.watchCacheSize(), timers, config.runtimeConfig());
        LOG.info("built-in API group-versions served as --runtime-config says: {}", config.runtimeConfig());
        // generated here, at start-up, so that no request ever waits for it; then again on CRD changes
        openapi = new LiveOpenApiDocuments(
                OpenApiDocuments.generate(io.kubelite.api.KubeVersion.GIT_VERSION, servedKinds.builtInResources()),
                servedKinds::servedCrds);
        servedKinds.onServedChange(openapi::refresh);
        cache(CustomResourceDefinitionKind.RESOURCE).watch(-1, servedKinds);
        crdCleanup = new CustomResourceCleanup(store);
        crdCleanup.start();
        cache(CustomResourceDefinitionKind.RESOURCE).watch(-1, crdCleanup);
        readiness.add("watch-caches-synced", () -> caches.values().stream().allMatch(WatchCache::hasSynced));
        // kube's post-start hooks: readyz (and awaitSynced) wait for the objects every cluster has
        CompletableFuture<Void> namespaces = NamespaceBootstrap.createMissing(store);
        CompletableFuture<Void> storageClass = StorageClassBootstrap.createMissing(store);
        // kube's rbac/bootstrap-roles post-start hook
        CompletableFuture<Void> rbacPolicy = PolicyReconciler.reconcile(store);
        // kube's autoregister: a local APIService for each built-in group-version served here
        CompletableFuture<Void> localApiServices =
                LocalApiServices.sync(store.of(APIServiceKind.RESOURCE), servedKinds.builtInResources());

        // no file serving here: without class-path resolving and caching Vert.x creates no
        // /tmp/vertx-cache-* directory, which a killed process would leave behind
        vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(Math.max(2, config.eventLoops()))
                .setWorkerPoolSize(4)
                .setFileSystemOptions(new FileSystemOptions()
                        .setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false)));
        HttpClient kubeletClient = vertx.createHttpClient();
        ServiceAllocator allocator = new ServiceAllocator(new Reservations(ctx.etcd()), serviceRanges);
        serviceWrites = new ServiceWrites(allocator);
        AggregatedApis aggregated = new AggregatedApis(cache(APIServiceKind.RESOURCE));
        apiServiceAvailability = new ApiServiceAvailability(
                vertx,
                store.of(APIServiceKind.RESOURCE),
                cache(APIServiceKind.RESOURCE),
                cache(ServiceKind.RESOURCE),
                cache(EndpointSliceKind.RESOURCE),
                aggregated,
                apiServiceCheckInterval);
        Authorizer authorizer = Authorizer.ALWAYS_ALLOW;
        EscalationCheck escalation = null;
        if (config.authorizationMode() == AuthorizationMode.RBAC) {
            RbacAuthorizer rbac = new RbacAuthorizer(new WatchCachePolicy(
                    cache(RoleKind.RESOURCE),
                    cache(ClusterRoleKind.RESOURCE),
                    cache(RoleBindingKind.RESOURCE),
                    cache(ClusterRoleBindingKind.RESOURCE)));
            authorizer = rbac;
            escalation = new EscalationCheck(rbac);
        }
        LOG.info("authorization mode {}", config.authorizationMode());
        HandlerContext handlers = new HandlerContext(
                config,
                store,
                caches,
                vertx,
                kubeletClient,
                auth,
                servedKinds,
                serviceWrites,
                aggregated,
                authorizer,
                escalation,
                disabledAdmissionPlugins,
                serviceAccountIssuing);
        Auditing auditing = Auditing.disabled();
        if (auditConfig != null) {
            auditLog = new AuditLog(auditConfig.target(), AuditConfig.QUEUE_SIZE, registry).start();
            auditing = new Auditing(auditConfig.policy(), auditLog);
        }
        flowControl = new FlowController(config.maxInFlight(), config.flowControl(), registry);
        // a queued request's wait ends within this period after its limit
        timers.scheduleWithFixedDelay(flowControl::expireOverdue, 100, 100, TimeUnit.MILLISECONDS);
        routes = new ApiRoutes(
                handlers,
                auditing,
                new SystemEndpoints(handlers, registry, readiness, () -> closed, openapi, this::url),
                new AggregationProxy(handlers, aggregated, apiServiceAvailability),
                flowControl,
                registry);
        apiServiceAvailability.start();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.bindAddress())
                .setPort(config.port())
                .setCompressionSupported(false)
                .setIdleTimeout(0)
                // pods/exec and pods/attach: the remote-command protocols the kubelet-sim speaks
                .setWebSocketSubProtocols(PodExecProxy.SUBPROTOCOLS);
        if (config.tlsCertFile() != null) {
            options.setSsl(true).setKeyCertOptions(ServingCertificate.load(config.tlsCertFile(), config.tlsKeyFile()));
            if (clientCerts != null) {
                options.setClientAuth(ClientAuth.REQUEST)
                        .setTrustOptions(TrustOptions.wrap(clientCerts.handshakeTrust()));
            }
        }
        // one server instance per event loop, deployed together so that they share the port (Vert.x
        // spreads the connections over them). Instances do not share a port 0: pick a free one first.
        if (config.port() == 0 && config.eventLoops() > 1) {
            try (java.net.ServerSocket probe =
                    new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(config.bindAddress()))) {
                options.setPort(probe.getLocalPort());
            }
        }
        listen(options, Math.max(1, config.eventLoops()));
        port = servers.get(0).actualPort();
        if (servers.stream().anyMatch(x -> x.actualPort() != port)) {
            throw new IllegalStateException("HTTP server instances listen on different ports");
        }
        LOG.info("apiserver serving on {}", url());
        KubernetesService kubernetes = new KubernetesService(store, serviceWrites, config.bindAddress(), port);
        // asynchronous: the timer thread never waits on etcd; a reconcile is idempotent if two overlap
        CompletableFuture<Void> kubernetesService = kubernetes.reconcile();
        timers.scheduleWithFixedDelay(kubernetes::reconcile, 10, 10, TimeUnit.SECONDS);
        bootstrapped =
                CompletableFuture.allOf(namespaces, storageClass, kubernetesService, localApiServices, rbacPolicy);
        readiness.add("bootstrap-controller", bootstrapped::isDone);
        repairEvents = new EventRecorder(
                ctx.etcd(), "ipallocator-repair-controller", ctx.options().host());
        serviceRepair = new ServiceRepair(
                store.of(ServiceKind.RESOURCE), allocator, repairEvents, serviceRepairInterval, serviceLeakPasses);
        serviceRepair.start();
        ctx.mirrorPods().ifPresent(publisher -> {
            etcdPods = new EtcdMemberMirrorPods(
                    ctx.etcd(),
                    ctx.options().host(),
                    EtcdMemberMirrorPods.statusTimeout(ctx.options().mirrorPodLeaseDuration()));
            publisher.add(etcdPods);
        });
    }

    private void listen(HttpServerOptions options, int instances) throws Exception {
        vertx.deployVerticle(
                        () -> new io.vertx.core.VerticleBase() {
                            @Override
                            public io.vertx.core.Future<?> start() {
                                HttpServer s = vertx.createHttpServer(options).requestHandler(routes::handle);
                                synchronized (servers) {
                                    servers.add(s);
                                }
                                return s.listen();
                            }
                        },
                        new io.vertx.core.DeploymentOptions().setInstances(instances))
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    /**
     * Waits until every watch cache has its first list and the post-start writes are done (after
     * them the server writes nothing by itself for a while: tests may count etcd revisions).
     */
    public boolean awaitSynced(long timeoutMillis) {
        try {
            CompletableFuture.allOf(
                            caches.values().stream().map(WatchCache::synced).toArray(CompletableFuture[]::new))
                    .thenCompose(v -> bootstrapped)
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (etcdPods != null) {
            etcdPods.close();
        }
        if (compactor != null) {
            compactor.close();
        }
        if (crdCleanup != null) {
            crdCleanup.close(); // first: its worker writes through the store
        }
        if (serviceRepair != null) {
            serviceRepair.close();
        }
        if (apiServiceAvailability != null) {
            apiServiceAvailability.close();
        }
        if (repairEvents != null) {
            repairEvents.close();
        }
        caches.values().forEach(WatchCache::close);
        if (servedKinds != null) {
            servedKinds.close();
        }
        if (openapi != null) {
            openapi.close();
        }
        if (flowControl != null) {
            flowControl.close(); // queued requests get 503 while their connections are still open
        }
        for (HttpServer s : servers) {
            try {
                s.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("closing http server: {}", e.toString());
            }
        }
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("closing vertx: {}", e.toString());
            }
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (auditLog != null) {
            auditLog.close(); // last: the servers' final requests are written
        }
    }
}
