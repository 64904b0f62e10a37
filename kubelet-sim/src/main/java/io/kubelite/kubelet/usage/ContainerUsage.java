package io.kubelite.kubelet.usage;

import io.kubelite.api.Container;
import io.kubelite.api.Quantity;
import io.kubelite.kubelet.runtime.ContainerRuntime;
import io.kubelite.kubelet.runtime.SimContainer;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The usage of one running container instance, sampled once per tick by its {@link NodeUsage}:
 * its idle usage ({@link IdleUsage}, or the annotations' {@link UsageSchedule}s instead), plus
 * what its programs demand ({@link ProgramLoad}), plus the tmpfs bytes it wrote. CPU above the
 * limit is throttled as CFS does with 100 ms periods: the excess demand counts as throttled time
 * and every period of the tick as throttled. Sampled by one thread at a time (the model's tick);
 * its counters are guarded by its monitor, so that {@link #snapshot} (built when asked for, not
 * on every tick) is safe from any thread.
 */
final class ContainerUsage {
    /** CFS's default period. */
    static final long CFS_PERIOD_NANOS = 100_000_000L;

    private final String namespace;
    private final String pod;
    private final String podUid;
    private final String qosClass;
    private final SimContainer instance;
    private final long identity;
    private final long cpuRequestMillis;
    private final long cpuLimitMillis;
    private final long memoryRequestBytes;
    private final long memoryLimitBytes;
    private final UsageSchedule cpuSchedule;
    private final UsageSchedule memorySchedule;
    private final LongSupplier tmpfsBytes;

    private long ticks;
    private long cpuNanos;
    private long periods;
    private long throttledPeriods;
    private long throttledNanos;
    private boolean oomReported;
    private long sampledAtMillis;
    private double cores;
    private long workingSet;

    ContainerUsage(
            String namespace,
            String pod,
            String podUid,
            String qosClass,
            Map<String, String> annotations,
            SimContainer instance,
            LongSupplier tmpfsBytes) {
        this.namespace = namespace;
        this.pod = pod;
        this.podUid = podUid;
        this.qosClass = qosClass;
        this.instance = instance;
        Container spec = instance.spec();
        this.identity = IdleUsage.identity(namespace + "/" + pod + "/" + spec.getName());
        Map<String, String> limits = spec.getResources().getLimitsMap();
        this.cpuRequestMillis = EffectiveRequests.cpuMillis(spec);
        this.cpuLimitMillis = limits.containsKey("cpu") ? Quantity.cpuMillis(limits.get("cpu")) : 0;
        this.memoryRequestBytes = EffectiveRequests.memoryBytes(spec);
        this.memoryLimitBytes = limits.containsKey("memory") ? Quantity.bytes(limits.get("memory")) : 0;
        this.cpuSchedule = UsageAnnotations.cpu(annotations, spec.getName());
        this.memorySchedule = UsageAnnotations.memory(annotations, spec.getName());
        this.tmpfsBytes = tmpfsBytes;
        this.sampledAtMillis = instance.startedAtMillis();
    }

    SimContainer instance() {
        return instance;
    }

    String name() {
        return instance.spec().getName();
    }

    long memoryRequestBytes() {
        return memoryRequestBytes;
    }

    long memoryLimitBytes() {
        return memoryLimitBytes;
    }

    synchronized long workingSetBytes() {
        return workingSet;
    }

    /** When the last sample was taken (the simulator's clock), or the instance started if none was. */
    synchronized long sampledAtMillis() {
        return sampledAtMillis;
    }

    synchronized double cpuCores() {
        return cores;
    }

    synchronized ContainerSnapshot snapshot() {
        return new ContainerSnapshot(
                namespace,
                pod,
                podUid,
                name(),
                instance.id(),
                instance.startedAtMillis(),
                sampledAtMillis,
                cpuNanos,
                cores,
                workingSet,
                memoryLimitBytes,
                periods,
                throttledPeriods,
                throttledNanos,
                ContainerRuntime.normalizeImage(instance.spec().getImage()),
                qosClass,
                cpuRequestMillis,
                cpuLimitMillis);
    }

    /**
     * Takes the next sample, at {@code nowMillis}, {@code sinceStartMillis} (simulated) after the
     * instance started, over the {@code elapsedNanos} (simulated) since its previous sample (or its
     * start): what a cgroup's counters grow by in that time, so a late tick does not lose usage.
     *
     * @return true the first time its working set is above its memory limit: it is to be OOM-killed
     */
    synchronized boolean sample(long seed, long nowMillis, long sinceStartMillis, long elapsedNanos) {
        long k = ticks++;
        double idleCores = cpuSchedule != null
                ? cpuSchedule.at(sinceStartMillis) / 1000.0
                : IdleUsage.cores(cpuRequestMillis, cpuLimitMillis, IdleUsage.noise(seed, identity, 2 * k));
        double demand = idleCores + instance.load().cores();
        double used = demand;
        long tickPeriods = Math.round((double) elapsedNanos / CFS_PERIOD_NANOS);
        if (demand > 0) {
            periods += tickPeriods;
        }
        if (cpuLimitMillis > 0 && demand > cpuLimitMillis / 1000.0) {
            used = cpuLimitMillis / 1000.0;
            throttledPeriods += tickPeriods;
            throttledNanos += (long) ((demand - used) * elapsedNanos);
        }
        cpuNanos += (long) (used * elapsedNanos);
        long idleBytes = memorySchedule != null
                ? memorySchedule.at(sinceStartMillis)
                : IdleUsage.bytes(memoryRequestBytes, memoryLimitBytes, IdleUsage.noise(seed, identity, 2 * k + 1));
        workingSet = IdleUsage.pages(idleBytes + instance.load().bytes()) + tmpfsBytes.getAsLong();
        cores = used;
        sampledAtMillis = nowMillis;
        if (memoryLimitBytes > 0 && workingSet > memoryLimitBytes && !oomReported) {
            oomReported = true;
            return true;
        }
        return false;
    }
}
