package io.kubelite.kubelet.usage;

/**
 * One running container instance's usage as of its last sample, in the units the kubelet's
 * summary API and cAdvisor's metrics use.
 *
 * @param cpuUsageCoreNanos CPU used since the instance started, in core-nanoseconds (simulated time)
 * @param cpuCores CPU used over the last tick, in cores
 * @param workingSetBytes memory working set (its programs, idle usage, tmpfs it wrote)
 * @param cpuPeriods CFS periods (100 ms) in which it ran ({@code container_cpu_cfs_periods_total})
 * @param cpuThrottledPeriods of those, the ones it was throttled in ({@code container_cpu_cfs_throttled_periods_total})
 * @param cpuThrottledNanos how long it was throttled ({@code container_cpu_cfs_throttled_seconds_total}, in nanoseconds)
 * @param timestampMillis when the sample was taken (the simulator's clock)
 */
public record ContainerSnapshot(
        String namespace,
        String pod,
        String podUid,
        String container,
        String containerId,
        long startedAtMillis,
        long timestampMillis,
        long cpuUsageCoreNanos,
        double cpuCores,
        long workingSetBytes,
        long memoryLimitBytes,
        long cpuPeriods,
        long cpuThrottledPeriods,
        long cpuThrottledNanos) {}
