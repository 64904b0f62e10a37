package io.kubelite.controllers;

import io.kubelite.controllers.clusterroleaggregation.ClusterRoleAggregationController;
import io.kubelite.controllers.cronjob.CronJobController;
import io.kubelite.controllers.daemon.DaemonSetController;
import io.kubelite.controllers.deployment.DeploymentController;
import io.kubelite.controllers.disruption.DisruptionController;
import io.kubelite.controllers.endpoints.EndpointsController;
import io.kubelite.controllers.endpointslice.EndpointSliceController;
import io.kubelite.controllers.gc.GarbageCollector;
import io.kubelite.controllers.gc.PodGarbageCollector;
import io.kubelite.controllers.job.JobController;
import io.kubelite.controllers.namespace.NamespaceController;
import io.kubelite.controllers.namespace.ServiceAccountController;
import io.kubelite.controllers.namespace.ServiceAccountTokenController;
import io.kubelite.controllers.nodelifecycle.NodeIpamController;
import io.kubelite.controllers.nodelifecycle.NodeLifecycleController;
import io.kubelite.controllers.nodelifecycle.TaintEvictionController;
import io.kubelite.controllers.podautoscaler.ApiServicePodMetrics;
import io.kubelite.controllers.podautoscaler.HorizontalPodAutoscalerController;
import io.kubelite.controllers.replicaset.ReplicaSetController;
import io.kubelite.controllers.resourcequota.ResourceQuotaController;
import io.kubelite.controllers.rootcacert.RootCaCertPublisher;
import io.kubelite.controllers.statefulset.StatefulSetController;
import io.kubelite.controllers.ttlafterfinished.TtlAfterFinishedController;
import io.kubelite.controllers.volume.PersistentVolumeController;
import io.kubelite.store.Store;
import io.kubelite.store.election.Leadership;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.queue.WorkQueueMetrics;
import io.kubelite.store.reflector.ListerWatchers;
import io.kubelite.store.runtime.Component;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.ConcurrentClose;
import io.kubelite.store.runtime.RestClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller-manager {@link Component}: while leading, runs the enabled controllers
 * over one set of shared informers, every write fenced with the term's token.
 *
 * <p>Each leadership term builds everything afresh (informers, queues, expectations, the
 * CIDR allocation, node health) from etcd, so nothing a previous term or another
 * process believed is trusted; when the term ends everything is closed before the next
 * can start. A standby process only campaigns.
 */
public final class ControllerManager implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);
    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);

    private final ControllerOptions options;
    private final ExecutorService termThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "controller-manager-term");
        t.setDaemon(true);
        return t;
    });
    private ComponentContext ctx;
    private EventRecorder recorder;
    private Term term; // guarded by this
    private boolean closed;

    public ControllerManager(ControllerOptions options) {
        this.options = options;
    }

    /**
     * What the leader's shared informer of {@code r} holds under {@code namespace/name} now; empty
     * when this manager does not lead. For tests that must not act before the controllers have
     * seen an object (a watch event may reach them after the test's next write).
     */
    synchronized <T extends com.google.protobuf.Message> java.util.Optional<T> cached(
            io.kubelite.kinds.Resource<T> r, String namespace, String name) {
        Term t = term;
        return t == null ? java.util.Optional.empty() : t.informers.get(r).get(namespace, name);
    }

    /** One leadership term: its informers and controllers. */
    private final class Term {
        final Leadership leadership;
        final SharedInformerFactory informers;
        final List<Controller> controllers = new ArrayList<>();
        volatile boolean stopped;
        volatile boolean running;

        Term(Leadership leadership) {
            this.leadership = leadership;
            Store plain = new Store(ctx.etcd());
            this.informers = new SharedInformerFactory(ListerWatchers.etcd(plain));
            ControllerContext cc = new ControllerContext(
                    plain.withFence(leadership.fence()),
                    informers,
                    recorder,
                    options,
                    WorkQueueMetrics.of(ctx.meterRegistry()));
            add("nodeipam", options.allocateNodeCidrs, c -> new NodeIpamController(withRecorder(c, "cidrAllocator")));
            add("nodelifecycle", true, c -> new NodeLifecycleController(withRecorder(c, "node-controller")));
            add(
                    "taint-eviction-controller",
                    true,
                    c -> new TaintEvictionController(withRecorder(c, "taint-eviction-controller")));
            add("podgc", true, PodGarbageCollector::new);
            add("replicaset", true, c -> new ReplicaSetController(withRecorder(c, "replicaset-controller")));
            add("deployment", true, c -> new DeploymentController(withRecorder(c, "deployment-controller")));
            add("statefulset", true, c -> new StatefulSetController(withRecorder(c, "statefulset-controller")));
            add(
                    "daemonset",
                    true,
                    c -> new DaemonSetController(withRecorder(c, "daemonset-controller"), options.clock));
            add("namespace", true, c -> new NamespaceController(withRecorder(c, "namespace-controller")));
            add("serviceaccount", true, ServiceAccountController::new);
            add(
                    "serviceaccount-token",
                    true,
                    c -> new ServiceAccountTokenController(c, legacyTokenSigner(options), rootCa(options)));
            // kube runs it only with a root CA to publish; so here, without --root-ca-file
            add(
                    RootCaCertPublisher.NAME,
                    options.rootCaFile != null,
                    c -> new RootCaCertPublisher(c, rootCa(options).toStringUtf8()));
            add("endpoint", true, c -> new EndpointsController(withRecorder(c, "endpoint-controller")));
            add("endpointslice", true, c -> new EndpointSliceController(withRecorder(c, "endpoint-slice-controller")));
            add("garbagecollector", true, c -> new GarbageCollector(withRecorder(c, "garbage-collector-controller")));
            add("disruption", true, c -> new DisruptionController(withRecorder(c, "controllermanager")));
            add("job", true, c -> new JobController(withRecorder(c, "job-controller"), options.clock));
            add("cronjob", true, c -> new CronJobController(withRecorder(c, "cronjob-controller"), options.clock));
            add("ttl-after-finished", true, c -> new TtlAfterFinishedController(c, options.clock));
            add("clusterrole-aggregation", true, ClusterRoleAggregationController::new);
            add(
                    "persistentvolume-binder",
                    true,
                    c -> new PersistentVolumeController(withRecorder(c, "persistentvolume-controller")));
            add("resourcequota", true, ResourceQuotaController::new);
            add(
                    "horizontalpodautoscaling",
                    true,
                    c -> new HorizontalPodAutoscalerController(
                            withRecorder(c, "horizontal-pod-autoscaler"),
                            options.podMetricsSource != null
                                    ? options.podMetricsSource
                                    : new ApiServicePodMetrics(
                                            c.informers(), RestClientMetrics.of(ctx.meterRegistry()))));
            this.cc = cc;
        }

        private ControllerContext cc;

        private void add(String name, boolean wanted, Function<ControllerContext, Controller> make) {
            if (wanted && options.enabled(name)) {
                pending.add(new Pending(name, make));
            }
        }

        private final List<Pending> pending = new ArrayList<>();

        void run() {
            for (Pending p : pending) {
                controllers.add(p.make.apply(cc));
            }
            informers.start();
            long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
            while (!stopped && !informers.waitForCacheSync(Duration.ofMillis(200))) {
                if (System.nanoTime() > deadline) {
                    ctx.fatal("informers did not sync within " + SYNC_TIMEOUT, null);
                    return;
                }
            }
            synchronized (ControllerManager.this) {
                if (stopped) {
                    return;
                }
                for (Controller c : controllers) {
                    c.start();
                    LOG.info("started controller {}", c.name());
                }
                running = true;
            }
            LOG.info(
                    "controller-manager leading (token {}): {} controllers running",
                    leadership.token(),
                    controllers.size());
        }

        void stop() {
            stopped = true;
            // all at once: each close may wait for an in-flight sync, and the next term waits for this
            ConcurrentClose.closeAll(controllers, Controller::name);
            informers.close();
        }
    }

    private record Pending(String name, Function<ControllerContext, Controller> make) {}

    private ControllerContext withRecorder(ControllerContext c, String component) {
        return c.withRecorder(recorder.forComponent(component));
    }

    @Override
    public void start(ComponentContext context) {
        options.validate();
        this.ctx = context;
        this.recorder = new EventRecorder(context.etcd(), "controller-manager", context.identity());
        context.readiness().add("controllers", () -> {
            synchronized (this) {
                return term == null || term.running;
            }
        });
    }

    @Override
    public synchronized void onStartedLeading(Leadership leadership) {
        if (closed) {
            return;
        }
        stopTerm();
        recorder.setFence(leadership.fence());
        Term t = new Term(leadership);
        term = t;
        termThread.submit(() -> {
            try {
                t.run();
            } catch (RuntimeException e) {
                LOG.error("controller-manager term failed to start", e);
                ctx.fatal("controllers failed to start: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public synchronized void onStoppedLeading() {
        stopTerm();
    }

    private void stopTerm() {
        Term t = term;
        term = null;
        if (t != null) {
            LOG.info("stopping controllers (term {} over)", t.leadership.token());
            t.stopped = true;
            // run() may be between creating and starting; wait for it so nothing starts after stop
            try {
                termThread.submit(() -> {}).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("waiting for the term to settle: {}", e.toString());
            }
            t.stop();
        }
    }

    /** The running controller of a type, for tests. */
    public synchronized <C extends Controller> Optional<C> controller(Class<C> type) {
        if (term == null) {
            return Optional.empty();
        }
        for (Controller c : term.controllers) {
            if (type.isInstance(c)) {
                return Optional.of(type.cast(c));
            }
        }
        return Optional.empty();
    }

    /** True while leading with every controller started. */
    public synchronized boolean running() {
        return term != null && term.running;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopTerm();
        }
        termThread.shutdownNow();
        if (recorder != null) {
            recorder.close();
        }
    }

    /** The signer of legacy Secret tokens; null without {@code --service-account-private-key-file}. */
    private static io.kubelite.store.serviceaccount.ServiceAccountTokenSigner legacyTokenSigner(
            ControllerOptions options) {
        if (options.serviceAccountPrivateKeyFile == null) {
            return null;
        }
        try {
            // legacy tokens carry kube's fixed legacy issuer, whatever the API servers' is
            return io.kubelite.store.serviceaccount.ServiceAccountTokenSigner.fromFile(
                    io.kubelite.store.serviceaccount.TokenClaims.LEGACY_ISSUER, options.serviceAccountPrivateKeyFile);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--service-account-private-key-file: " + e.getMessage(), e);
        }
    }

    /** {@code --root-ca-file}'s bytes; empty without it. */
    private static com.google.protobuf.ByteString rootCa(ControllerOptions options) {
        if (options.rootCaFile == null) {
            return com.google.protobuf.ByteString.EMPTY;
        }
        try {
            return com.google.protobuf.ByteString.copyFrom(java.nio.file.Files.readAllBytes(options.rootCaFile));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--root-ca-file: cannot read " + options.rootCaFile, e);
        }
    }
}
