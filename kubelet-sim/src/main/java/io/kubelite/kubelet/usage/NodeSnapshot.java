package io.kubelite.kubelet.usage;

/**
 * One node's usage as of its last sample: the sum of its running containers plus the node's
 * own processes ({@link NodeUsage#SYSTEM_BYTES}, {@link NodeUsage#SYSTEM_CORES}).
 *
 * @param cpuUsageCoreNanos CPU used since the node's accounting began, core-nanoseconds (simulated)
 * @param availableBytes memory capacity minus the working set: the eviction signal memory.available
 */
public record NodeSnapshot(
        String node,
        long timestampMillis,
        long cpuUsageCoreNanos,
        double cpuCores,
        long workingSetBytes,
        long capacityBytes,
        long availableBytes,
        boolean memoryPressure) {}
