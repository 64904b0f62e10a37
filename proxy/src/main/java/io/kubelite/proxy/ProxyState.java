package io.kubelite.proxy;

import io.kubelite.api.Node;
import io.kubelite.api.Service;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.informer.SharedInformerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules kube-proxy would have programmed on each of the nodes this process serves, kept
 * current from Service, EndpointSlice and Node informers.
 *
 * <p>Any change schedules one sync, at most once per {@code minSyncPeriod} (kube's
 * {@code --min-sync-period} debounce); a sync recomputes every served node's rules with
 * {@link IptablesRules} on the process's own sync thread, never on an informer thread. After
 * each sync, every EndpointSlice whose {@code endpoints.kubernetes.io/last-change-trigger-time}
 * was not yet seen records kube's {@code kubeproxy_network_programming_duration_seconds} (now minus that time),
 * as kube-proxy does. A sync that throws is logged and retried on the next change; it never
 * stops the process.
 */
public final class ProxyState implements AutoCloseable {
    /** The EndpointSlice annotation the controller-manager stamps with the triggering change. */
    public static final String TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

    private static final Logger log = LoggerFactory.getLogger(ProxyState.class);

    /**
     * What one completed sync did: its sequence number, how long computing the rules took,
     * how many nodes it served and how many distinct rule texts it rendered for them.
     */
    public record SyncReport(long number, Duration took, int nodes, int renderings) {}

    /** Told after each completed sync, on the sync thread (so it sees that sync's rules). */
    @FunctionalInterface
    public interface SyncListener {
        void synced(SyncReport report);
    }

    private final Set<String> fixedNodes;
    private final Optional<String> clusterCidr;
    private final Duration minSyncPeriod;
    private final Clock clock;
    private final Informer<Service> services;
    private final Informer<EndpointSlice> slices;
    private final Informer<Node> nodes;
    private final Timer programming;
    private final ScheduledExecutorService syncer;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Map<String, String> rulesByNode = new ConcurrentHashMap<>();
    private final Map<String, String> seenTriggers = new HashMap<>(); // sync thread only
    private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Instant lastSync = Instant.EPOCH;
    private volatile long syncs;
    private volatile boolean syncedFromFullCaches;

    /**
     * @param nodes the nodes to serve; empty means every Node in the cluster
     * @param clusterCidr kube-proxy's {@code --cluster-cidr}, for the off-cluster masquerade rules
     */
    public ProxyState(
            SharedInformerFactory informers,
            Set<String> nodes,
            Optional<String> clusterCidr,
            Duration minSyncPeriod,
            MeterRegistry registry,
            Clock clock) {
        this.fixedNodes = Set.copyOf(nodes);
        this.clusterCidr = clusterCidr;
        this.minSyncPeriod = minSyncPeriod;
        this.clock = clock;
        this.services = informers.get(ServiceKind.RESOURCE);
        this.slices = informers.get(EndpointSliceKind.RESOURCE);
        this.nodes = informers.get(NodeKind.RESOURCE);
        this.programming = Timer.builder("kubeproxy_network_programming_duration")
                .description(
                        "Time from an endpoints change (last-change-trigger-time) to its rules being" + " programmed")
                .publishPercentileHistogram()
                .register(registry);
        this.syncer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kube-proxy-sync");
            t.setDaemon(true);
            return t;
        });
        services.addHandler(ResourceEventHandler.onAnyChange(o -> requestSync()));
        slices.addHandler(ResourceEventHandler.onAnyChange(o -> requestSync()));
        this.nodes.addHandler(ResourceEventHandler.onAnyChange(o -> requestSync()));
        requestSync(); // an empty cluster still gets its (service-less) rules
    }

    /** Schedules one sync no sooner than {@code minSyncPeriod} after the last one. */
    public void requestSync() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        long wait = Math.max(
                0,
                Duration.between(clock.instant(), lastSync.plus(minSyncPeriod)).toMillis());
        try {
            syncer.schedule(this::sync, wait, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            scheduled.set(false);
        }
    }

    /** Adds a listener told after every later sync (for benchmarks and tests waiting on rules). */
    public void addSyncListener(SyncListener l) {
        listeners.add(l);
    }

    private void sync() {
        scheduled.set(false);
        lastSync = clock.instant();
        long started = System.nanoTime();
        // rules from half-filled caches are not the cluster's: sync again until all three are full
        boolean cachesSynced = services.hasSynced() && slices.hasSynced() && nodes.hasSynced();
        try {
            List<Service> svcs = services.list();
            List<EndpointSlice> all = slices.list();
            // by namespace and service-name label: a namespace's every slice per Service is quadratic
            Map<String, List<EndpointSlice>> byService = new HashMap<>();
            for (EndpointSlice s : all) {
                String svc = s.getMetadata().getLabelsMap().get(ServicePortInfo.SERVICE_NAME_LABEL);
                if (svc != null) {
                    byService
                            .computeIfAbsent(
                                    Informer.keyOf(s.getMetadata().getNamespace(), svc), k -> new ArrayList<>())
                            .add(s);
                }
            }
            List<ServicePortInfo> ports = new ArrayList<>();
            for (Service svc : svcs) {
                ports.addAll(
                        ServicePortInfo.of(svc, byService.getOrDefault(Informer.keyOf(svc.getMetadata()), List.of())));
            }
            Set<String> served = servedNodes();
            // nodes with the same local view get the same text: render it once and share the String
            Map<LocalView, String> rendered = new HashMap<>();
            for (Map.Entry<String, LocalView> e : LocalView.of(served, ports).entrySet()) {
                String node = e.getKey();
                rulesByNode.put(
                        node,
                        rendered.computeIfAbsent(e.getValue(), v -> IptablesRules.forNode(node, ports, clusterCidr)));
            }
            rulesByNode.keySet().retainAll(served);
            recordProgrammingDurations(all);
            syncs++;
            tell(new SyncReport(syncs, Duration.ofNanos(System.nanoTime() - started), served.size(), rendered.size()));
            if (cachesSynced) {
                syncedFromFullCaches = true;
            } else {
                requestSync();
            }
            log.debug("synced rules for {} nodes, {} service ports", served.size(), ports.size());
        } catch (RuntimeException e) {
            log.warn("kube-proxy sync failed; retrying on the next change", e);
        }
    }

    private void tell(SyncReport report) {
        for (SyncListener l : listeners) {
            try {
                l.synced(report);
            } catch (RuntimeException e) {
                log.warn("a sync listener failed", e);
            }
        }
    }

    private void recordProgrammingDurations(List<EndpointSlice> all) {
        Instant now = clock.instant();
        Map<String, String> current = new HashMap<>();
        for (EndpointSlice s : all) {
            String key = Informer.keyOf(s.getMetadata());
            String trigger = s.getMetadata().getAnnotationsMap().get(TRIGGER_TIME_ANNOTATION);
            if (trigger == null) {
                continue;
            }
            current.put(key, trigger);
            if (trigger.equals(seenTriggers.get(key))) {
                continue;
            }
            try {
                Duration d = Duration.between(Instant.parse(trigger), now);
                if (!d.isNegative()) {
                    programming.record(d);
                }
            } catch (DateTimeParseException e) {
                log.warn("endpointslice {}: unparseable {} {}", key, TRIGGER_TIME_ANNOTATION, trigger);
            }
        }
        seenTriggers.clear();
        seenTriggers.putAll(current);
    }

    private Set<String> servedNodes() {
        if (!fixedNodes.isEmpty()) {
            return fixedNodes;
        }
        Set<String> names = new TreeSet<>();
        for (Node n : nodes.list()) {
            names.add(n.getMetadata().getName());
        }
        return names;
    }

    /** The node's rules as of the last sync, if this process serves it. */
    public Optional<String> rules(String node) {
        return Optional.ofNullable(rulesByNode.get(node));
    }

    /** The nodes whose rules are known, sorted. */
    public Set<String> nodes() {
        return new TreeSet<>(rulesByNode.keySet());
    }

    /** Completed syncs so far. */
    public long syncs() {
        return syncs;
    }

    /** Whether a sync ran on fully synced informer caches: the rules reflect the cluster. */
    public boolean hasSyncedRules() {
        return syncedFromFullCaches;
    }

    @Override
    public void close() {
        syncer.shutdownNow();
        try {
            syncer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
