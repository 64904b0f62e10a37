package io.kubelite.kubelet.stats;

import io.kubelite.kubelet.stats.SummaryApi.ContainerStats;
import io.kubelite.kubelet.stats.SummaryApi.CpuStats;
import io.kubelite.kubelet.stats.SummaryApi.MemoryStats;
import io.kubelite.kubelet.stats.SummaryApi.NodeStats;
import io.kubelite.kubelet.stats.SummaryApi.PodReference;
import io.kubelite.kubelet.stats.SummaryApi.PodStats;
import io.kubelite.kubelet.stats.SummaryApi.Summary;
import io.kubelite.kubelet.stats.SummaryApi.SwapStats;
import io.kubelite.kubelet.usage.ContainerSnapshot;
import io.kubelite.kubelet.usage.NodeSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node's {@link Summary} built from its latest usage samples, as the kubelet's summary
 * provider builds it from cAdvisor: the node's totals, a {@code pods} system container (the sum of
 * its pods), and every pod with running containers, its cgroup's totals being the sum of those
 * containers. Memory has no page cache in the simulation, so usage, working set and RSS are the
 * same number; page faults are 0; swap usage is 0 with no swap limit (kubelite nodes have no
 * swap). A pod's start time is its earliest running container's, and its counters cover its
 * running container instances only: they fall back when a container restarts, where a real pod
 * cgroup's would not. Before the node's first sample the node has no cpu or memory. Pure function.
 */
public final class StatsSummary {
    private static final Comparator<ContainerSnapshot> ORDER = Comparator.comparing(ContainerSnapshot::namespace)
            .thenComparing(ContainerSnapshot::pod)
            .thenComparing(ContainerSnapshot::podUid)
            .thenComparing(ContainerSnapshot::container);

    private StatsSummary() {}

    /**
     * @param startTime when the node's accounting began (its counters count from there)
     * @param node the node's latest sample; empty before the first
     * @param containers the latest sample of every container instance running on it
     */
    public static Summary of(
            String nodeName, Instant startTime, Optional<NodeSnapshot> node, List<ContainerSnapshot> containers) {
        Map<String, List<ContainerSnapshot>> byPod = new LinkedHashMap<>();
        containers.stream()
                .sorted(ORDER)
                .forEach(c -> byPod.computeIfAbsent(c.podUid(), u -> new ArrayList<>())
                        .add(c));
        List<PodStats> pods = new ArrayList<>();
        byPod.values().forEach(cs -> pods.add(pod(cs)));
        return new Summary(node(nodeName, startTime, node, containers), pods);
    }

    private static NodeStats node(
            String nodeName, Instant startTime, Optional<NodeSnapshot> sample, List<ContainerSnapshot> containers) {
        if (sample.isEmpty()) {
            return new NodeStats(nodeName, List.of(), startTime, null, null, null);
        }
        NodeSnapshot n = sample.get();
        Instant at = Instant.ofEpochMilli(n.timestampMillis());
        CpuStats cpu = new CpuStats(at, nanoCores(n.cpuCores()), n.cpuUsageCoreNanos());
        MemoryStats memory = memory(at, n.workingSetBytes(), Math.max(0, n.availableBytes()));
        return new NodeStats(
                nodeName, List.of(podsContainer(startTime, at, n, containers)), startTime, cpu, memory, noSwap(at));
    }

    /**
     * The {@code pods} system container: what the node's pods use now. Its cumulative CPU is left
     * out: the sum of the running instances' counters would fall back whenever one ends.
     */
    private static ContainerStats podsContainer(
            Instant startTime, Instant at, NodeSnapshot n, List<ContainerSnapshot> containers) {
        double cores = 0;
        long bytes = 0;
        for (ContainerSnapshot c : containers) {
            cores += c.cpuCores();
            bytes += c.workingSetBytes();
        }
        return new ContainerStats(
                "pods",
                startTime,
                new CpuStats(at, nanoCores(cores), null),
                memory(at, bytes, Math.max(0, n.capacityBytes() - bytes)),
                null);
    }

    private static PodStats pod(List<ContainerSnapshot> cs) {
        ContainerSnapshot first = cs.get(0);
        List<ContainerStats> containers = new ArrayList<>();
        long start = Long.MAX_VALUE;
        long at = 0;
        double cores = 0;
        long cpuNanos = 0;
        long bytes = 0;
        long limit = 0;
        boolean limited = true;
        for (ContainerSnapshot c : cs) {
            containers.add(container(c));
            start = Math.min(start, c.startedAtMillis());
            at = Math.max(at, c.timestampMillis());
            cores += c.cpuCores();
            cpuNanos += c.cpuUsageCoreNanos();
            bytes += c.workingSetBytes();
            limited &= c.memoryLimitBytes() > 0;
            limit += c.memoryLimitBytes();
        }
        Instant time = Instant.ofEpochMilli(at);
        return new PodStats(
                new PodReference(first.pod(), first.namespace(), first.podUid()),
                Instant.ofEpochMilli(start),
                containers,
                new CpuStats(time, nanoCores(cores), cpuNanos),
                memory(time, bytes, limited ? Math.max(0, limit - bytes) : null),
                noSwap(time));
    }

    private static ContainerStats container(ContainerSnapshot c) {
        Instant at = Instant.ofEpochMilli(c.timestampMillis());
        Long available = c.memoryLimitBytes() > 0 ? Math.max(0, c.memoryLimitBytes() - c.workingSetBytes()) : null;
        return new ContainerStats(
                c.container(),
                Instant.ofEpochMilli(c.startedAtMillis()),
                new CpuStats(at, nanoCores(c.cpuCores()), c.cpuUsageCoreNanos()),
                memory(at, c.workingSetBytes(), available),
                noSwap(at));
    }

    private static MemoryStats memory(Instant at, long workingSet, Long available) {
        return new MemoryStats(at, available, workingSet, workingSet, workingSet, 0L, 0L);
    }

    private static SwapStats noSwap(Instant at) {
        return new SwapStats(at, null, 0L);
    }

    private static long nanoCores(double cores) {
        return Math.round(cores * 1e9);
    }
}
