package io.kubelite.kubelet;

import io.kubelite.api.Lease;
import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.MirrorPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kubelet.clock.ScheduledTimers;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.config.ConfigObjects;
import io.kubelite.kubelet.config.InformerConfigObjects;
import io.kubelite.kubelet.config.ProjectedTokens;
import io.kubelite.kubelet.logging.NodeLogAgents;
import io.kubelite.kubelet.network.SimNetwork;
import io.kubelite.kubelet.node.NodeAgent;
import io.kubelite.kubelet.node.NodeConfigLoader;
import io.kubelite.kubelet.node.NodeEvents;
import io.kubelite.kubelet.node.NodeLeaseWriter;
import io.kubelite.kubelet.node.NodeTemplate;
import io.kubelite.kubelet.node.NodeTemplates;
import io.kubelite.kubelet.node.NodeTiming;
import io.kubelite.kubelet.pod.PodEvents;
import io.kubelite.kubelet.pod.PodIpAllocator;
import io.kubelite.kubelet.pod.PodManager;
import io.kubelite.kubelet.pod.PodSharing;
import io.kubelite.kubelet.pod.PodStatusWriter;
import io.kubelite.kubelet.runtime.ContainerLogStore;
import io.kubelite.kubelet.runtime.ContainerRuntime;
import io.kubelite.kubelet.runtime.LogServer;
import io.kubelite.kubelet.runtime.RunningContainers;
import io.kubelite.kubelet.stats.NodeMachine;
import io.kubelite.kubelet.stats.NodeStatsEndpoints;
import io.kubelite.kubelet.usage.UsageModel;
import io.kubelite.kubelet.usage.UsageSnapshots;
import io.kubelite.store.Etcd;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.reflector.ListerWatchers;
import io.kubelite.store.runtime.Component;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.RestClientMetrics;
import io.kubelite.store.serviceaccount.ServiceAccountTokenSigner;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet-sim component: many simulated nodes in one process. Start-up registers or
 * adopts every node (and its Lease), then starts one node informer and one pod informer
 * (indexed by spec.nodeName) whose events drive per-pod workers on shared timers.
 * Not leader-elected: each process owns its node names.
 */
public final class KubeletSim implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(KubeletSim.class);
    public static final String NODE_INDEX = "spec.nodeName";
    private static final int MAX_REGISTRATIONS_IN_FLIGHT = 64;

    private final KubeletSimOptions options;
    private final List<NodeAgent> agents = new ArrayList<>();
    private final PodManager pods = new PodManager();
    private ScheduledTimers timers;
    private LogServer logServer;
    private SimNetwork network;
    private RestClientMetrics restMetrics = RestClientMetrics.NONE;
    private RunningContainers containers;
    private SharedInformerFactory informers;
    private PodStatusWriter writer;
    private EventRecorder recorder;
    private UsageModel usage;
    private NodeLeaseWriter leaseWriter;
    private MeterRegistry registry = new SimpleMeterRegistry();
    private NodeLogAgents logAgents;
    private volatile boolean started;
    private boolean closed;

    public KubeletSim(KubeletSimOptions options) {
        this.options = options;
    }

    @Override
    public void start(ComponentContext ctx) throws Exception {
        synchronized (this) {
            restMetrics = RestClientMetrics.of(ctx.meterRegistry());
            registry = ctx.meterRegistry();
        }
        start(ctx.etcd());
        ctx.readiness().add("nodes-registered", () -> started);
        Gauge.builder("kubelet_sim_nodes", agents, List::size).register(ctx.meterRegistry());
        Gauge.builder("kubelet_sim_pods", pods, PodManager::size).register(ctx.meterRegistry());
        pods.recordMetricsIn(ctx.meterRegistry());
        Gauge.builder("kubelet_sim_timer_queue", timers, ScheduledTimers::queued)
                .register(ctx.meterRegistry());
    }

    /** The meters (for tests started with {@link #start(Etcd)}: a registry of their own). */
    MeterRegistry meterRegistry() {
        return registry;
    }

    /** The process's pods (for tests: their metrics). */
    PodManager pods() {
        return pods;
    }

    /** Starts against an etcd connection (the caller owns it). */
    public synchronized void start(Etcd etcd) throws Exception {
        options.validate();
        TimeScale scale = new TimeScale(options.timeScale);
        timers = new ScheduledTimers("kubelet-sim", options.simThreads);
        ContainerLogStore logs = new ContainerLogStore(timers::nowMillis);
        containers = new RunningContainers();
        ContainerRuntime runtime = new ContainerRuntime(timers, scale, logs, containers);
        Store store = new Store(etcd);
        ObjectStore<Node> nodeStore = store.of(NodeKind.RESOURCE);
        ObjectStore<Lease> leaseStore = store.of(LeaseKind.RESOURCE);
        ObjectStore<Pod> podStore = store.of(PodKind.RESOURCE);
        NodeTiming timing = new NodeTiming(
                options.nodeLeaseDuration,
                options.nodeLeaseRenewInterval,
                options.nodeStatusUpdateFrequency,
                options.nodeStatusReportFrequency,
                scale);

        leaseWriter = NodeLeaseWriter.forRenewInterval(
                leaseStore, timers, options.nodeLeaseBatchSize, scale.millis(options.nodeLeaseRenewInterval));

        PodEvents events = PodEvents.NONE;
        if (options.eventQps > 0) {
            recorder = new EventRecorder(etcd, "kubelet", "kubelet-sim", options.eventQps, options.eventBurst);
            events = PodEvents.of(recorder);
        }

        EventRecorder r = recorder;
        NodeEvents nodeEvents = r == null
                ? NodeEvents.NONE
                : (node, reason, message) ->
                        r.event(node, EventRecorder.nodeRef(node, node), "Warning", reason, message);

        // ConfigMaps, Secrets and Services for containers' environments (and volumes): their
        // informers start with the node informer below
        informers = new SharedInformerFactory(ListerWatchers.etcd(store));
        ConfigObjects config = new InformerConfigObjects(informers);

        // the pod network finds a pod IP's node in the node informer's cache (every Node)
        Informer<Node> nodeInformer = informers.get(NodeKind.RESOURCE);
        network = new SimNetwork(options.dnsSettings(), options.kubeProxyAddress, nodeInformer::list, restMetrics);
        network.start();
        logServer = new LogServer(options.kubeletBindAddress, options.kubeletPort, logs, containers, network);
        logServer.start();
        LOG.info("container logs served on {}:{}", options.kubeletBindAddress, logServer.port());

        ProjectedTokens tokens = options.serviceAccountSigningKeyFile == null
                ? ProjectedTokens.UNSIGNED
                : new ProjectedTokens(ServiceAccountTokenSigner.fromFile(
                        options.serviceAccountIssuer, options.serviceAccountSigningKeyFile));
        if (options.serviceAccountSigningKeyFile == null) {
            LOG.info("no --service-account-signing-key-file: pods' service-account tokens are unsigned");
        }
        List<NodeTemplate> templates = templates();
        for (int i = 0; i < templates.size(); i++) {
            String fallback =
                    options.podCidrFallback == null ? null : PodIpAllocator.subnet(options.podCidrFallback, i, 24);
            NodeAgent a = new NodeAgent(
                    templates.get(i),
                    nodeStore,
                    leaseWriter,
                    timing,
                    runtime,
                    options.nodeAddress,
                    logServer.port(),
                    fallback,
                    pods,
                    events,
                    config,
                    options.configSyncPeriod);
            a.networking(network.forNode(a.name(), options.nodeAddress));
            a.nodeEvents(nodeEvents);
            a.projectedTokens(tokens);
            agents.add(a);
            pods.addAgent(a);
        }
        if (options.logStoreAddress != null) {
            startLogAgents(runtime, nodeEvents);
        }
        usage = new UsageModel(
                timers, scale, options.usageSeed, options.evictionHardMemoryAvailable, options.housekeepingInterval);
        agents.forEach(a -> a.simulateUsage(usage));
        registerAll();
        LOG.info("{} nodes registered", agents.size());

        Map<String, NodeAgent> byName = new LinkedHashMap<>();
        agents.forEach(a -> byName.put(a.name(), a));
        nodeInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                route(n);
            }

            @Override
            public void onUpdate(Node o, Node n) {
                route(n);
            }

            @Override
            public void onDelete(Node n) {
                NodeAgent a = byName.get(n.getMetadata().getName());
                if (a != null) {
                    a.onDeleted();
                }
            }

            private void route(Node n) {
                NodeAgent a = byName.get(n.getMetadata().getName());
                if (a != null) {
                    a.observe(n);
                }
            }
        });
        informers.start();
        if (!informers.waitForCacheSync(Duration.ofSeconds(60))) {
            throw new IllegalStateException("node informer did not sync within 60s");
        }

        // cache only the pods bound to this process's nodes; others cross the watch and are
        // dropped. Mirror pods are never run, whatever node name they carry.
        Informer<Pod> podInformer = informers.get(
                PodKind.RESOURCE,
                "own-nodes",
                p -> byName.containsKey(p.getSpec().getNodeName()) && !MirrorPods.isMirror(p));
        podInformer.addIndex(NODE_INDEX, p -> List.of(p.getSpec().getNodeName()));
        // one copy of each pod rather than three: versions share their unchanged spec, and the
        // status the watch echoes back is the worker's own instance
        podInformer.setTransform(new PodSharing(pods::worker, pods.messages()));
        writer = new PodStatusWriter(podStore, podInformer, pods::worker, options.statusWorkers);
        pods.setWriter(writer);
        podInformer.addHandler(pods);
        informers.start();
        if (!informers.waitForCacheSync(Duration.ofSeconds(120))) {
            throw new IllegalStateException("pod informer did not sync within 120s");
        }
        for (NodeAgent a : agents) {
            a.startStatusLoop();
        }
        long usageStart = timers.nowMillis(); // the nodes' usage counters count from here: their start time
        usage.start();
        // byName is complete and no longer written: the volatile hand-over publishes it to the workers
        logServer.serveStats(new NodeStatsEndpoints(
                usage,
                name -> Optional.ofNullable(byName.get(name))
                        .map(NodeAgent::node)
                        .map(NodeMachine::of),
                timers::nowMillis,
                usageStart));
        LOG.info("node metrics and stats served on {}:{}", options.kubeletBindAddress, logServer.port());
        started = true;
        LOG.info("kubelet-sim running {} nodes", agents.size());
    }

    /** One log agent per node, spooling before any container runs (a restart resumes the spools). */
    private void startLogAgents(ContainerRuntime runtime, NodeEvents nodeEvents) throws java.io.IOException {
        logAgents = new NodeLogAgents(
                new NodeLogAgents.Config(
                        options.logStoreAddress,
                        options.logSpoolDir(),
                        options.logSpoolBytes(),
                        options.logFlushInterval),
                registry,
                nodeEvents);
        for (NodeAgent a : agents) {
            logAgents.addNode(a.name());
        }
        runtime.captureLogsWith(logAgents);
        logAgents.start();
    }

    private List<NodeTemplate> templates() throws Exception {
        Map<String, String> capacity = new LinkedHashMap<>();
        capacity.put("cpu", options.cpu);
        capacity.put("memory", options.memory);
        capacity.put("pods", Integer.toString(options.maxPods));
        capacity.put("ephemeral-storage", options.ephemeralStorage);
        List<NodeTemplate> out = new ArrayList<>();
        List<String> zones = options.zones.stream()
                .map(String::trim)
                .filter(z -> !z.isEmpty())
                .toList();
        if (options.nodeConfig != null) {
            List<Node> configured = NodeConfigLoader.load(options.nodeConfig);
            for (int i = 0; i < configured.size(); i++) {
                out.add(NodeConfigLoader.template(
                        configured.get(i), capacity, zones.isEmpty() ? "" : zones.get(i % zones.size())));
            }
        }
        out.addAll(NodeTemplates.generated(options.nodes(), options.nodeNamePrefix, zones, capacity));
        return out;
    }

    private void registerAll() throws InterruptedException {
        Semaphore permits = new Semaphore(MAX_REGISTRATIONS_IN_FLIGHT);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (NodeAgent a : agents) {
            permits.acquire();
            all.add(registerWithRetry(a, 0).whenComplete((v, e) -> permits.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    private CompletableFuture<Void> registerWithRetry(NodeAgent a, int attempt) {
        return a.register().exceptionallyCompose(e -> {
            if (attempt >= 5) {
                return CompletableFuture.failedFuture(new IllegalStateException("cannot register node " + a.name(), e));
            }
            LOG.warn("node {}: registration failed, retrying: {}", a.name(), e.getMessage());
            CompletableFuture<Void> f = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(200L << attempt, TimeUnit.MILLISECONDS)
                    .execute(() -> registerWithRetry(a, attempt + 1).whenComplete((v, e2) -> {
                        if (e2 != null) {
                            f.completeExceptionally(e2);
                        } else {
                            f.complete(null);
                        }
                    }));
            return f;
        });
    }

    /** The port of the container-log endpoint (valid after start). */
    public int kubeletPort() {
        return logServer.port();
    }

    /** The current instance of a container on this process's nodes (what exec reaches), for tests and embedding. */
    public java.util.Optional<io.kubelite.kubelet.runtime.SimContainer> container(
            String namespace, String pod, String container) {
        return containers == null ? java.util.Optional.empty() : containers.get(namespace, pod, container);
    }

    public List<String> nodeNames() {
        return agents.stream().map(NodeAgent::name).toList();
    }

    /** The simulated usage of this process's nodes and containers (valid after start). */
    public UsageSnapshots usage() {
        return usage;
    }

    public int podCount() {
        return pods.size();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (NodeAgent a : agents) {
            a.stop();
        }
        if (leaseWriter != null) {
            leaseWriter.close();
        }
        if (informers != null) {
            informers.close(); // the pod informer, then the node informer
        }
        pods.close();
        if (usage != null) {
            usage.close();
        }
        if (writer != null) {
            writer.close();
        }
        if (timers != null) {
            timers.close();
        }
        if (logAgents != null) {
            logAgents.close(); // after the timers: no container writes any more
        }
        if (logServer != null) {
            logServer.close();
        }
        if (network != null) {
            network.close();
        }
        if (recorder != null) {
            recorder.close();
        }
    }
}
