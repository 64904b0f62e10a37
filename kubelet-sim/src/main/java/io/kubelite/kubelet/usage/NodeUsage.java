package io.kubelite.kubelet.usage;

import io.kubelite.api.Pod;
import io.kubelite.api.QosClass;
import io.kubelite.kubelet.runtime.SimContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's usage: its running container instances ({@link #track}), sampled every tick of
 * its {@link UsageModel}, summed with the node's own processes; the OOM killer for an instance
 * above its memory limit; and the eviction manager's memory pass: every
 * {@link UsageModel#EVICTION_INTERVAL} it compares memory.available (capacity minus working
 * set) with the hard threshold and, when below, reports MemoryPressure and evicts one pod
 * ({@link MemoryPressureEviction}). The condition stays for
 * {@link UsageModel#PRESSURE_TRANSITION_PERIOD} after the threshold was last met, as the
 * kubelet's evictionPressureTransitionPeriod keeps it. Kills and evictions are handed to the
 * model's timers: the tick never waits on a pod. Thread-safe.
 */
public final class NodeUsage implements UsageTracker {
    /** What the node's own processes (kubelet, runtime, system daemons) hold. */
    public static final long SYSTEM_BYTES = 64L * 1024 * 1024;
    /** What the node's own processes use of its CPU. */
    public static final double SYSTEM_CORES = 0.05;

    private static final Logger LOG = LoggerFactory.getLogger(NodeUsage.class);

    private final String name;
    private final long capacityBytes;
    private final UsageModel model;
    private final Map<String, PodUsage> pods = new ConcurrentHashMap<>();
    private long cpuNanos;
    private long lastTickMillis = Long.MIN_VALUE;
    private long lastPressureMillis = Long.MIN_VALUE;
    private volatile NodeSnapshot snapshot;

    NodeUsage(String name, long capacityBytes, UsageModel model) {
        this.name = name;
        this.capacityBytes = capacityBytes;
        this.model = model;
    }

    public String name() {
        return name;
    }

    /**
     * Samples {@code instance} from now until it exits, as a container of {@code pod} (its
     * annotations, requests and limits, priority), charged {@code tmpfsBytes} of memory-backed
     * emptyDir it wrote; {@code evict} fails the pod with the eviction message.
     */
    @Override
    public void track(Pod pod, Consumer<String> evict, SimContainer instance, LongSupplier tmpfsBytes) {
        String uid = pod.getMetadata().getUid();
        ContainerUsage c = new ContainerUsage(
                pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(),
                uid,
                QosClass.of(pod.getSpec()),
                pod.getMetadata().getAnnotationsMap(),
                instance,
                tmpfsBytes);
        pods.computeIfAbsent(uid, u -> new PodUsage(pod, evict)).add(c);
        instance.whenExited(() -> pods.computeIfPresent(uid, (u, p) -> p.remove(c) ? null : p));
    }

    /** True while the node reports MemoryPressure. */
    public boolean memoryPressure() {
        NodeSnapshot s = snapshot;
        return s != null && s.memoryPressure();
    }

    NodeSnapshot snapshot() {
        return snapshot;
    }

    List<ContainerSnapshot> containers() {
        List<ContainerSnapshot> out = new ArrayList<>();
        for (PodUsage p : pods.values()) {
            for (ContainerUsage c : p.containers()) {
                out.add(c.snapshot());
            }
        }
        return out;
    }

    /** One tick: samples every instance, OOM-kills those above their limit, and on an eviction tick, evicts. */
    void tick(long nowMillis, boolean evictionPass) {
        long workingSet = SYSTEM_BYTES;
        double cores = SYSTEM_CORES;
        for (PodUsage p : pods.values()) {
            for (ContainerUsage c : p.containers()) {
                long since = model.simulatedSince(c.instance().startedAtMillis(), nowMillis);
                long elapsedNanos = model.simulatedSince(c.sampledAtMillis(), nowMillis) * 1_000_000L;
                if (c.sample(model.seed(), nowMillis, since, elapsedNanos)) {
                    LOG.info(
                            "pod {}: container {} exceeded its memory limit ({} > {} bytes): OOM-killed",
                            p.key(),
                            c.name(),
                            c.workingSetBytes(),
                            c.memoryLimitBytes());
                    model.dispatch(c.instance()::oomKill);
                }
                workingSet += c.workingSetBytes();
                cores += c.cpuCores();
            }
        }
        // the node's counter grows by what its cgroups used since its previous tick
        long elapsedNanos = lastTickMillis == Long.MIN_VALUE
                ? model.tickInterval().toNanos()
                : model.simulatedSince(lastTickMillis, nowMillis) * 1_000_000L;
        lastTickMillis = nowMillis;
        cpuNanos += (long) (cores * elapsedNanos);
        long available = capacityBytes - workingSet;
        if (evictionPass && available < model.thresholdBytes()) {
            lastPressureMillis = nowMillis;
            evictOne(available);
        }
        boolean pressure = lastPressureMillis != Long.MIN_VALUE
                && model.simulatedSince(lastPressureMillis, nowMillis)
                        < UsageModel.PRESSURE_TRANSITION_PERIOD.toMillis();
        NodeSnapshot before = snapshot;
        if (before != null && before.memoryPressure() != pressure) {
            LOG.info("node {}: MemoryPressure {} (available {} bytes)", name, pressure, available);
        }
        snapshot = new NodeSnapshot(name, nowMillis, cpuNanos, cores, workingSet, capacityBytes, available, pressure);
    }

    private void evictOne(long available) {
        List<PodUsage> candidates = new ArrayList<>();
        for (PodUsage p : pods.values()) {
            if (p.evicted()) {
                return; // as kube waits for an evicted pod's cleanup before it evicts the next
            }
            candidates.add(p);
        }
        PodUsage victim = MemoryPressureEviction.victim(candidates);
        if (victim == null) {
            return;
        }
        String message = MemoryPressureEviction.message(victim, model.thresholdBytes(), available);
        LOG.info("pod {}: evicted, node {} low on memory: {}", victim.key(), name, message);
        victim.evict(message, model::dispatch);
    }
}
