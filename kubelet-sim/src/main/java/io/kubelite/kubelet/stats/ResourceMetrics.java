package io.kubelite.kubelet.stats;

import io.kubelite.kubelet.stats.SummaryApi.ContainerStats;
import io.kubelite.kubelet.stats.SummaryApi.NodeStats;
import io.kubelite.kubelet.stats.SummaryApi.PodStats;
import io.kubelite.kubelet.stats.SummaryApi.Summary;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /metrics/resource}: kube's resource metrics collector
 * ({@code pkg/kubelet/metrics/collectors/resource_metrics.go}, kube 1.32) over a node's
 * {@link Summary}, so the two endpoints agree. Names, HELP texts with kube's stability marker,
 * labels and the explicit sample timestamps (the stats' {@code time}) are kube's; container start
 * times carry none, as in kube. kube 1.32's swap metrics are there with the summary's 0.
 * {@code scrape_error} is not: kube deprecated it in 1.29 and hides it from 1.30 on (a metric
 * deprecated before the previous minor release is hidden), leaving {@code resource_scrape_error},
 * always 0 here (the samples cannot fail to be read). Pure function.
 */
public final class ResourceMetrics {
    private static final Labels NONE = Labels.EMPTY;

    private ResourceMetrics() {}

    public static MetricSnapshots of(Summary s) {
        MetricFamily nodeCpu = MetricFamily.counter(
                "node_cpu_usage_seconds", "[STABLE] Cumulative cpu time consumed by the node in core-seconds");
        MetricFamily nodeMemory = MetricFamily.gauge(
                "node_memory_working_set_bytes", "[STABLE] Current working set of the node in bytes");
        MetricFamily nodeSwap = MetricFamily.gauge(
                "node_swap_usage_bytes",
                "[ALPHA] Current swap usage of the node in bytes. Reported only on non-windows systems");
        MetricFamily startTime = MetricFamily.gauge(
                "container_start_time_seconds", "[STABLE] Start time of the container since unix epoch in seconds");
        MetricFamily containerCpu = MetricFamily.counter(
                "container_cpu_usage_seconds",
                "[STABLE] Cumulative cpu time consumed by the container in core-seconds");
        MetricFamily containerMemory = MetricFamily.gauge(
                "container_memory_working_set_bytes", "[STABLE] Current working set of the container in bytes");
        MetricFamily containerSwap = MetricFamily.gauge(
                "container_swap_usage_bytes",
                "[ALPHA] Current amount of the container swap usage in bytes. Reported only on non-windows systems");
        MetricFamily podCpu = MetricFamily.counter(
                "pod_cpu_usage_seconds", "[STABLE] Cumulative cpu time consumed by the pod in core-seconds");
        MetricFamily podMemory =
                MetricFamily.gauge("pod_memory_working_set_bytes", "[STABLE] Current working set of the pod in bytes");
        MetricFamily podSwap = MetricFamily.gauge(
                "pod_swap_usage_bytes",
                "[ALPHA] Current amount of the pod swap usage in bytes. Reported only on non-windows systems");
        MetricFamily scrapeError = MetricFamily.gauge(
                "resource_scrape_error",
                "[STABLE] 1 if there was an error while getting container metrics, 0 otherwise");

        NodeStats n = s.node();
        if (n.cpu() != null && n.cpu().usageCoreNanoSeconds() != null) {
            nodeCpu.add(
                    seconds(n.cpu().usageCoreNanoSeconds()),
                    NONE,
                    millis(n.cpu().time()));
        }
        if (n.memory() != null && n.memory().workingSetBytes() != null) {
            nodeMemory.add(n.memory().workingSetBytes(), NONE, millis(n.memory().time()));
        }
        if (n.swap() != null && n.swap().swapUsageBytes() != null && n.memory() != null) {
            // kube stamps the node's swap sample with its memory time
            nodeSwap.add(n.swap().swapUsageBytes(), NONE, millis(n.memory().time()));
        }
        for (PodStats p : s.pods()) {
            String pod = p.podRef().name();
            String ns = p.podRef().namespace();
            for (ContainerStats c : p.containers()) {
                Labels l = Labels.of("container", c.name(), "pod", pod, "namespace", ns);
                if (c.startTime() != null && c.startTime().getEpochSecond() > 0) {
                    startTime.add(c.startTime().toEpochMilli() / 1000.0, l, MetricFamily.NO_TIMESTAMP);
                }
                if (c.cpu() != null && c.cpu().usageCoreNanoSeconds() != null) {
                    containerCpu.add(
                            seconds(c.cpu().usageCoreNanoSeconds()),
                            l,
                            millis(c.cpu().time()));
                }
                if (c.memory() != null && c.memory().workingSetBytes() != null) {
                    containerMemory.add(
                            c.memory().workingSetBytes(), l, millis(c.memory().time()));
                }
                if (c.swap() != null && c.swap().swapUsageBytes() != null) {
                    containerSwap.add(
                            c.swap().swapUsageBytes(), l, millis(c.swap().time()));
                }
            }
            Labels l = Labels.of("pod", pod, "namespace", ns);
            if (p.cpu() != null && p.cpu().usageCoreNanoSeconds() != null) {
                podCpu.add(
                        seconds(p.cpu().usageCoreNanoSeconds()),
                        l,
                        millis(p.cpu().time()));
            }
            if (p.memory() != null && p.memory().workingSetBytes() != null) {
                podMemory.add(p.memory().workingSetBytes(), l, millis(p.memory().time()));
            }
            if (p.swap() != null && p.swap().swapUsageBytes() != null) {
                podSwap.add(p.swap().swapUsageBytes(), l, millis(p.swap().time()));
            }
        }
        scrapeError.add(0, NONE, MetricFamily.NO_TIMESTAMP);

        List<MetricSnapshot> out = new ArrayList<>();
        for (MetricFamily f : List.of(
                nodeCpu,
                nodeMemory,
                nodeSwap,
                startTime,
                containerCpu,
                containerMemory,
                containerSwap,
                podCpu,
                podMemory,
                podSwap,
                scrapeError)) {
            f.addTo(out);
        }
        return new MetricSnapshots(out);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static long millis(Instant t) {
        return t.toEpochMilli();
    }
}
