package io.kubelite.kubelet.usage;

import io.kubelite.api.Quantity;
import java.util.Comparator;
import java.util.List;

/**
 * Which pod the kubelet's eviction manager evicts when the node is short of memory, and what it
 * says (kube's {@code rankMemoryPressure} and {@code evictionMessage}): first the pods whose
 * working set exceeds their requests (BestEffort ones always do), then the lower priority, then
 * the larger usage above requests. Pure functions.
 */
final class MemoryPressureEviction {
    static final String REASON = "Evicted";

    private MemoryPressureEviction() {}

    /** kube's order: exceedMemoryRequests, then priority, then memory usage above requests. */
    static final Comparator<PodUsage> RANKING = Comparator.<PodUsage>comparingInt(p -> exceedsRequests(p) ? 0 : 1)
            .thenComparingInt(PodUsage::priority)
            .thenComparingLong(p -> -(p.workingSetBytes() - p.memoryRequestBytes()));

    private static boolean exceedsRequests(PodUsage p) {
        return p.workingSetBytes() > p.memoryRequestBytes();
    }

    /** The first to evict of {@code candidates}, or null when there is none. */
    static PodUsage victim(List<PodUsage> candidates) {
        return candidates.stream().min(RANKING).orElse(null);
    }

    /**
     * kube's message: the starved resource, the threshold and what was available, then every
     * container using more memory than it requests.
     */
    static String message(PodUsage victim, long thresholdBytes, long availableBytes) {
        StringBuilder m = new StringBuilder("The node was low on resource: memory. ")
                .append("Threshold quantity: ")
                .append(Quantity.formatBytes(thresholdBytes))
                .append(", available: ")
                .append(Quantity.formatBytes(availableBytes))
                .append(". ");
        for (ContainerUsage c : victim.containers()) {
            long used = c.workingSetBytes();
            if (used > c.memoryRequestBytes()) {
                m.append("Container ")
                        .append(c.name())
                        .append(" was using ")
                        .append(Quantity.formatBytes(used))
                        .append(", request is ")
                        .append(Quantity.formatBytes(c.memoryRequestBytes()))
                        .append(", has larger consumption of memory. ");
            }
        }
        return m.toString();
    }
}
