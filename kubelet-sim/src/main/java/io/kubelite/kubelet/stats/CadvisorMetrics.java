package io.kubelite.kubelet.stats;

import io.kubelite.kubelet.usage.ContainerSnapshot;
import io.kubelite.kubelet.usage.NodeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /metrics/cadvisor}: the container metrics cAdvisor's Prometheus collector
 * ({@code cadvisor/metrics/prometheus.go}, {@code prometheus_machine.go}) gives the kubelet,
 * with the kubelet's label function (every series has {@code container}, {@code id},
 * {@code image}, {@code name}, {@code namespace}, {@code pod}; blank where a cgroup has no such
 * thing). Three kinds of cgroup are listed, named as the systemd driver on cgroup v2 names them
 * ({@link Cgroups}): the root {@code /} (the node: its usage and start time), each pod's cgroup
 * (the sum of its running containers; its spec from their requests and limits as the kubelet
 * sizes a pod cgroup) and each container's ({@code name} is the container ID, cAdvisor's first
 * alias for a containerd container). Only the usage families kubelet-sim simulates are there:
 * CPU (one {@code cpu="total"} series: the kubelet turns per-CPU usage off), CFS (for cgroups
 * with a quota; a pod cgroup's own throttling is not simulated, so pods have none), memory
 * (usage = working set = RSS; no page cache, no swap) and the spec; the QoS-class slices, the
 * pause containers and system services are not simulated. Samples carry the cgroup's sample
 * time as their timestamp, as cAdvisor's do; {@code container_last_seen} is now. Pure function.
 */
public final class CadvisorMetrics {
    private static final Comparator<ContainerSnapshot> ORDER = Comparator.comparing(ContainerSnapshot::namespace)
            .thenComparing(ContainerSnapshot::pod)
            .thenComparing(ContainerSnapshot::podUid)
            .thenComparing(ContainerSnapshot::container);

    /** One cgroup as cAdvisor describes it; {@code cpuSpec} false for the root, whose spec is not simulated. */
    private record Cgroup(
            String id,
            String container,
            String image,
            String name,
            String namespace,
            String pod,
            long startedAtMillis,
            long timestampMillis,
            long cpuNanos,
            long workingSetBytes,
            boolean spec,
            long shares,
            long quotaMicros,
            long memoryLimitBytes,
            ContainerSnapshot cfs) {
        Labels labels() {
            return Labels.of(
                    "container", container, "id", id, "image", image, "name", name, "namespace", namespace, "pod", pod);
        }
    }

    private CadvisorMetrics() {}

    /**
     * @param node the node's latest sample; empty before the first (then no root cgroup)
     * @param machine the node as registered; empty before registration (then no machine metrics)
     * @param nodeStartMillis when the node's accounting began: the root cgroup's start time
     * @param nowMillis the scrape's time, for {@code container_last_seen}
     */
    public static MetricSnapshots of(
            Optional<NodeSnapshot> node,
            List<ContainerSnapshot> containers,
            Optional<NodeMachine> machine,
            long nodeStartMillis,
            long nowMillis) {
        List<Cgroup> cgroups = cgroups(node, containers, nodeStartMillis);

        MetricFamily lastSeen =
                MetricFamily.gauge("container_last_seen", "Last time a container was seen by the exporter");
        MetricFamily cpu =
                MetricFamily.counter("container_cpu_usage_seconds", "Cumulative cpu time consumed in seconds.");
        MetricFamily periods =
                MetricFamily.counter("container_cpu_cfs_periods", "Number of elapsed enforcement period intervals.");
        MetricFamily throttledPeriods =
                MetricFamily.counter("container_cpu_cfs_throttled_periods", "Number of throttled period intervals.");
        MetricFamily throttledSeconds = MetricFamily.counter(
                "container_cpu_cfs_throttled_seconds", "Total time duration the container has been throttled.");
        MetricFamily cache = MetricFamily.gauge("container_memory_cache", "Number of bytes of page cache memory.");
        MetricFamily rss = MetricFamily.gauge("container_memory_rss", "Size of RSS in bytes.");
        MetricFamily swap = MetricFamily.gauge("container_memory_swap", "Container swap usage in bytes.");
        MetricFamily usage = MetricFamily.gauge(
                "container_memory_usage_bytes",
                "Current memory usage in bytes, including all memory regardless of when it was accessed");
        MetricFamily workingSet =
                MetricFamily.gauge("container_memory_working_set_bytes", "Current working set in bytes.");
        MetricFamily startTime = MetricFamily.gauge(
                "container_start_time_seconds", "Start time of the container since unix epoch in seconds.");
        MetricFamily period = MetricFamily.gauge("container_spec_cpu_period", "CPU period of the container.");
        MetricFamily quota = MetricFamily.gauge("container_spec_cpu_quota", "CPU quota of the container.");
        MetricFamily shares = MetricFamily.gauge("container_spec_cpu_shares", "CPU share of the container.");
        MetricFamily memoryLimit =
                MetricFamily.gauge("container_spec_memory_limit_bytes", "Memory limit for the container.");
        MetricFamily reservation = MetricFamily.gauge(
                "container_spec_memory_reservation_limit_bytes", "Memory reservation limit for the container.");
        MetricFamily swapLimit =
                MetricFamily.gauge("container_spec_memory_swap_limit_bytes", "Memory swap limit for the container.");
        MetricFamily scrapeError = MetricFamily.gauge(
                "container_scrape_error", "1 if there was an error while getting container metrics, 0 otherwise");

        for (Cgroup g : cgroups) {
            Labels l = g.labels();
            long at = g.timestampMillis();
            startTime.add(g.startedAtMillis() / 1000, l, MetricFamily.NO_TIMESTAMP);
            if (g.spec()) {
                period.add(Cgroups.CPU_PERIOD_MICROS, l, MetricFamily.NO_TIMESTAMP);
                if (g.quotaMicros() != 0) {
                    quota.add(g.quotaMicros(), l, MetricFamily.NO_TIMESTAMP);
                }
                shares.add(g.shares(), l, MetricFamily.NO_TIMESTAMP);
                memoryLimit.add(g.memoryLimitBytes(), l, MetricFamily.NO_TIMESTAMP);
                swapLimit.add(0, l, MetricFamily.NO_TIMESTAMP);
                reservation.add(0, l, MetricFamily.NO_TIMESTAMP);
            }
            lastSeen.add(nowMillis / 1000, l, nowMillis);
            if (g.cpuNanos() > 0) {
                cpu.add(g.cpuNanos() / 1e9, l.add("cpu", "total"), at);
            }
            if (g.quotaMicros() != 0 && g.cfs() != null) {
                periods.add(g.cfs().cpuPeriods(), l, at);
                throttledPeriods.add(g.cfs().cpuThrottledPeriods(), l, at);
                throttledSeconds.add(g.cfs().cpuThrottledNanos() / 1e9, l, at);
            }
            cache.add(0, l, at);
            rss.add(g.workingSetBytes(), l, at);
            swap.add(0, l, at);
            usage.add(g.workingSetBytes(), l, at);
            workingSet.add(g.workingSetBytes(), l, at);
        }
        scrapeError.add(0, Labels.EMPTY, MetricFamily.NO_TIMESTAMP);

        List<MetricSnapshot> out = new ArrayList<>();
        for (MetricFamily f : List.of(
                lastSeen,
                cpu,
                periods,
                throttledPeriods,
                throttledSeconds,
                cache,
                rss,
                swap,
                usage,
                workingSet,
                startTime,
                period,
                quota,
                shares,
                memoryLimit,
                reservation,
                swapLimit,
                scrapeError)) {
            f.addTo(out);
        }
        machine.ifPresent(
                m -> machineMetrics(m, node.map(NodeSnapshot::timestampMillis).orElse(nowMillis), out));
        return new MetricSnapshots(out);
    }

    /** cAdvisor's machine collector: cores and memory, labelled with the machine's identities. */
    private static void machineMetrics(NodeMachine m, long at, List<MetricSnapshot> out) {
        Labels l = Labels.of("boot_id", m.bootId(), "machine_id", m.machineId(), "system_uuid", m.systemUuid());
        MetricFamily.gauge("machine_cpu_cores", "Number of logical CPU cores.")
                .add(m.cores(), l, at)
                .addTo(out);
        MetricFamily.gauge("machine_memory_bytes", "Amount of memory installed on the machine.")
                .add(m.memoryBytes(), l, at)
                .addTo(out);
        MetricFamily.gauge(
                        "machine_scrape_error", "1 if there was an error while getting machine metrics, 0 otherwise.")
                .add(0, Labels.EMPTY, MetricFamily.NO_TIMESTAMP)
                .addTo(out);
    }

    private static List<Cgroup> cgroups(
            Optional<NodeSnapshot> node, List<ContainerSnapshot> containers, long nodeStartMillis) {
        List<Cgroup> out = new ArrayList<>();
        node.ifPresent(n -> out.add(new Cgroup(
                "/",
                "",
                "",
                "",
                "",
                "",
                nodeStartMillis,
                n.timestampMillis(),
                n.cpuUsageCoreNanos(),
                n.workingSetBytes(),
                false,
                0,
                0,
                0,
                null)));
        Map<String, List<ContainerSnapshot>> byPod = new LinkedHashMap<>();
        containers.stream()
                .sorted(ORDER)
                .forEach(c -> byPod.computeIfAbsent(c.podUid(), u -> new ArrayList<>())
                        .add(c));
        for (List<ContainerSnapshot> cs : byPod.values()) {
            out.add(podCgroup(cs));
            String podId = Cgroups.pod(cs.get(0).qosClass(), cs.get(0).podUid());
            for (ContainerSnapshot c : cs) {
                out.add(new Cgroup(
                        Cgroups.container(podId, c.containerId()),
                        c.container(),
                        c.image(),
                        Cgroups.bareId(c.containerId()),
                        c.namespace(),
                        c.pod(),
                        c.startedAtMillis(),
                        c.timestampMillis(),
                        c.cpuUsageCoreNanos(),
                        c.workingSetBytes(),
                        true,
                        Cgroups.shares(c.cpuRequestMillis()),
                        Cgroups.quotaMicros(c.cpuLimitMillis()),
                        c.memoryLimitBytes(),
                        c));
            }
        }
        return out;
    }

    /**
     * A pod's cgroup as the kubelet sizes it from its containers (here: the running ones): shares
     * from the sum of CPU requests; a quota and a memory limit only when every container has a
     * limit, the sum of them.
     */
    private static Cgroup podCgroup(List<ContainerSnapshot> cs) {
        ContainerSnapshot first = cs.get(0);
        long start = Long.MAX_VALUE;
        long at = 0;
        long cpuNanos = 0;
        long bytes = 0;
        long requests = 0;
        long cpuLimits = 0;
        long memoryLimits = 0;
        boolean cpuLimited = true;
        boolean memoryLimited = true;
        for (ContainerSnapshot c : cs) {
            start = Math.min(start, c.startedAtMillis());
            at = Math.max(at, c.timestampMillis());
            cpuNanos += c.cpuUsageCoreNanos();
            bytes += c.workingSetBytes();
            requests += c.cpuRequestMillis();
            cpuLimits += c.cpuLimitMillis();
            memoryLimits += c.memoryLimitBytes();
            cpuLimited &= c.cpuLimitMillis() > 0;
            memoryLimited &= c.memoryLimitBytes() > 0;
        }
        return new Cgroup(
                Cgroups.pod(first.qosClass(), first.podUid()),
                "",
                "",
                "",
                first.namespace(),
                first.pod(),
                start,
                at,
                cpuNanos,
                bytes,
                true,
                Cgroups.shares(requests),
                cpuLimited ? Cgroups.quotaMicros(cpuLimits) : 0,
                memoryLimited ? memoryLimits : 0,
                null);
    }
}
