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
 * @param image the image as the runtime names it ({@code docker.io/library/busybox:latest})
 * @param qosClass the pod's QoS class, which decides its cgroup ({@code Guaranteed}, {@code Burstable}, {@code BestEffort})
 * @param cpuRequestMillis the CPU request as kube defaults it (the limit when only a limit is set), 0 for none: the cgroup's CPU shares
 * @param cpuLimitMillis the CPU limit, 0 for none: the cgroup's CFS quota
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
        long cpuThrottledNanos,
        String image,
        String qosClass,
        long cpuRequestMillis,
        long cpuLimitMillis) {}
