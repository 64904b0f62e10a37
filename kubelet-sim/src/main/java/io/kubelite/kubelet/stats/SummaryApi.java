package io.kubelite.kubelet.stats;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The kubelet's Summary API ({@code GET /stats/summary}), the part of kube's
 * {@code k8s.io/kubelet/pkg/apis/stats/v1alpha1} types kubelet-sim has values for, with kube's
 * JSON names: what metrics-server reads ({@code podRef}, {@code containers[].cpu.usageCoreNanoSeconds},
 * {@code memory.workingSetBytes}, {@code cpu.time}). Optional values are null and left out, as
 * kube's {@code omitempty} pointers are; a present 0 is written. Times are kube's
 * {@code metav1.Time}: RFC 3339 in UTC, whole seconds; they keep their milliseconds here for the
 * sample timestamps of {@code /metrics/resource}, which kube takes from the same values.
 */
public final class SummaryApi {
    private SummaryApi() {}

    /** The document: the node and its pods. */
    public record Summary(NodeStats node, List<PodStats> pods) {}

    /** Node-level stats; {@code systemContainers} holds the {@code pods} cgroup. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NodeStats(
            String nodeName,
            List<ContainerStats> systemContainers,
            @JsonSerialize(using = MetaTime.class) Instant startTime,
            CpuStats cpu,
            MemoryStats memory,
            SwapStats swap) {}

    /** One pod: its running containers and its cgroup's totals. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PodStats(
            PodReference podRef,
            @JsonSerialize(using = MetaTime.class) Instant startTime,
            List<ContainerStats> containers,
            CpuStats cpu,
            MemoryStats memory,
            SwapStats swap) {}

    public record PodReference(String name, String namespace, String uid) {}

    /** One container (or system container). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ContainerStats(
            String name,
            @JsonSerialize(using = MetaTime.class) Instant startTime,
            CpuStats cpu,
            MemoryStats memory,
            SwapStats swap) {}

    /**
     * @param usageNanoCores the CPU used over the last sample window, in billionths of a core
     * @param usageCoreNanoSeconds CPU used since the start, core-nanoseconds
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CpuStats(
            @JsonSerialize(using = MetaTime.class) Instant time, Long usageNanoCores, Long usageCoreNanoSeconds) {}

    /** @param availableBytes the limit (a node: its capacity) minus the working set; null without a limit */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MemoryStats(
            @JsonSerialize(using = MetaTime.class) Instant time,
            Long availableBytes,
            Long usageBytes,
            Long workingSetBytes,
            Long rssBytes,
            Long pageFaults,
            Long majorPageFaults) {}

    /** @param swapAvailableBytes null: no swap limit (kubelite nodes have no swap) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SwapStats(
            @JsonSerialize(using = MetaTime.class) Instant time, Long swapAvailableBytes, Long swapUsageBytes) {}

    /** kube's {@code metav1.Time} in JSON: {@code 2024-05-01T12:00:00Z}, UTC, whole seconds. */
    public static final class MetaTime extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(DateTimeFormatter.ISO_INSTANT.format(value.truncatedTo(ChronoUnit.SECONDS)));
        }
    }
}
