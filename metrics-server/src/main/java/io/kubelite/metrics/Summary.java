package io.kubelite.metrics;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The part of the kubelet's Summary API answer ({@code GET /stats/summary}, kube's
 * {@code k8s.io/kubelet/pkg/apis/stats/v1alpha1.Summary}) that metrics-server reads, with kube's
 * JSON field names. Unknown fields (network, filesystem, volumes, ...) are ignored; every field
 * may be absent (null), as kube's pointers and omitempty allow, and the decoder decides what an
 * absent value means. Timestamps stay strings here; {@link SummaryDecoder} parses them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Summary(NodeStats node, List<PodStats> pods) {
    /** {@code NodeStats}: the node's own usage. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NodeStats(String nodeName, String startTime, CpuStats cpu, MemoryStats memory) {}

    /** {@code PodStats}: one pod's reference and its containers. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PodStats(
            PodReference podRef, String startTime, List<ContainerStats> containers, CpuStats cpu, MemoryStats memory) {}

    /** {@code PodReference}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PodReference(String name, String namespace, String uid) {}

    /** {@code ContainerStats}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ContainerStats(String name, String startTime, CpuStats cpu, MemoryStats memory) {}

    /** {@code CPUStats}: {@code usageCoreNanoSeconds} is cumulative since the container (or node) started. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CpuStats(String time, Long usageNanoCores, Long usageCoreNanoSeconds) {}

    /** {@code MemoryStats}; metrics-server reads {@code workingSetBytes}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MemoryStats(
            String time,
            Long availableBytes,
            Long usageBytes,
            Long workingSetBytes,
            Long rssBytes,
            Long pageFaults,
            Long majorPageFaults) {}
}
