package io.kubelite.kubelet.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.kubelet.usage.ContainerSnapshot;
import io.kubelite.kubelet.usage.NodeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The stats formats from fixed samples (pure functions, no process needed): the exact
 * {@code /metrics/resource} exposition, cAdvisor's cgroups and spec values for each QoS class, the
 * kubelet's CPU shares and quota, and the writers' content negotiation.
 */
class NodeStatsFormatsTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long AT = T0 + 5_250;
    private static final NodeSnapshot NODE =
            new NodeSnapshot("n", AT, 2_750_000_000L, 0.55, 100 << 20, 1L << 30, (1L << 30) - (100 << 20), false);

    static ContainerSnapshot container(String pod, String uid, String qos, long request, long limit, long memLimit) {
        return new ContainerSnapshot(
                "default",
                pod,
                uid,
                "app",
                "containerd://abc" + pod,
                T0 + 1_500,
                AT,
                2_500_000_000L,
                0.5,
                8 << 20,
                memLimit,
                40,
                30,
                1_200_000_000L,
                "docker.io/library/busybox:latest",
                qos,
                request,
                limit);
    }

    @Test
    void resourceMetricsAreKubesExposition() {
        ContainerSnapshot c = container("web", "u-1", "Burstable", 250, 500, 64 << 20);
        String text = write(
                ResourceMetrics.of(StatsSummary.of("n", Instant.ofEpochMilli(T0), Optional.of(NODE), List.of(c))));
        assertThat(text).isEqualTo("""
                # HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
                # TYPE container_cpu_usage_seconds_total counter
                container_cpu_usage_seconds_total{container="app",namespace="default",pod="web"} 2.5 1700000005250
                # HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes
                # TYPE container_memory_working_set_bytes gauge
                container_memory_working_set_bytes{container="app",namespace="default",pod="web"} 8388608.0 1700000005250
                # HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds
                # TYPE container_start_time_seconds gauge
                container_start_time_seconds{container="app",namespace="default",pod="web"} 1.7000000015E9
                # HELP container_swap_usage_bytes [ALPHA] Current amount of the container swap usage in bytes. Reported only on non-windows systems
                # TYPE container_swap_usage_bytes gauge
                container_swap_usage_bytes{container="app",namespace="default",pod="web"} 0.0 1700000005250
                # HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds
                # TYPE node_cpu_usage_seconds_total counter
                node_cpu_usage_seconds_total 2.75 1700000005250
                # HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes
                # TYPE node_memory_working_set_bytes gauge
                node_memory_working_set_bytes 1.048576E8 1700000005250
                # HELP node_swap_usage_bytes [ALPHA] Current swap usage of the node in bytes. Reported only on non-windows systems
                # TYPE node_swap_usage_bytes gauge
                node_swap_usage_bytes 0.0 1700000005250
                # HELP pod_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the pod in core-seconds
                # TYPE pod_cpu_usage_seconds_total counter
                pod_cpu_usage_seconds_total{namespace="default",pod="web"} 2.5 1700000005250
                # HELP pod_memory_working_set_bytes [STABLE] Current working set of the pod in bytes
                # TYPE pod_memory_working_set_bytes gauge
                pod_memory_working_set_bytes{namespace="default",pod="web"} 8388608.0 1700000005250
                # HELP pod_swap_usage_bytes [ALPHA] Current amount of the pod swap usage in bytes. Reported only on non-windows systems
                # TYPE pod_swap_usage_bytes gauge
                pod_swap_usage_bytes{namespace="default",pod="web"} 0.0 1700000005250
                # HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise
                # TYPE resource_scrape_error gauge
                resource_scrape_error 0.0
                """);
    }

    @Test
    void beforeTheFirstSampleOnlyTheScrapeErrorIsThere() {
        String text =
                write(ResourceMetrics.of(StatsSummary.of("n", Instant.ofEpochMilli(T0), Optional.empty(), List.of())));
        assertThat(text).isEqualTo("""
                # HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise
                # TYPE resource_scrape_error gauge
                resource_scrape_error 0.0
                """);
    }

    @Test
    void cadvisorCgroupsAndSpecFollowTheQosClass() {
        String guaranteed = "11111111-2222-3333-4444-555555555555";
        String text = write(CadvisorMetrics.of(
                Optional.of(NODE),
                List.of(
                        container("g", guaranteed, "Guaranteed", 1000, 1000, 64 << 20),
                        container("b", "u-b", "BestEffort", 0, 0, 0)),
                Optional.of(new NodeMachine("n", 4, 1L << 30, "m", "s", "b")),
                T0,
                AT + 100));
        String g = "/kubepods.slice/kubepods-pod11111111_2222_3333_4444_555555555555.slice";
        String gc = "{container=\"app\",id=\"" + g
                + "/cri-containerd-abcg.scope\",image=\"docker.io/library/busybox:latest\","
                + "name=\"abcg\",namespace=\"default\",pod=\"g\"}";
        String be = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podu_b.slice";
        String bc = "{container=\"app\",id=\"" + be
                + "/cri-containerd-abcb.scope\",image=\"docker.io/library/busybox:latest\","
                + "name=\"abcb\",namespace=\"default\",pod=\"b\"}";
        assertThat(text)
                .contains("container_spec_cpu_quota" + gc + " 100000.0\n")
                .contains("container_spec_cpu_shares" + gc + " 998.0\n")
                .contains("container_cpu_cfs_throttled_periods_total" + gc + " 30.0 1700000005250\n")
                .contains("container_cpu_cfs_throttled_seconds_total" + gc + " 1.2 1700000005250\n")
                .contains("container_spec_memory_limit_bytes{container=\"\",id=\"" + g
                        + "\",image=\"\",name=\"\",namespace=\"default\",pod=\"g\"} 6.7108864E7\n")
                .contains("container_spec_cpu_shares" + bc + " 2.0\n")
                .contains("container_spec_memory_limit_bytes" + bc + " 0.0\n")
                .doesNotContain("container_spec_cpu_quota" + bc)
                .doesNotContain("container_cpu_cfs_periods_total" + bc)
                .contains(
                        "container_cpu_usage_seconds_total{container=\"\",cpu=\"total\",id=\"/\",image=\"\",name=\"\","
                                + "namespace=\"\",pod=\"\"} 2.75 1700000005250\n")
                .contains("container_start_time_seconds{container=\"\",id=\"/\",image=\"\",name=\"\",namespace=\"\","
                        + "pod=\"\"} 1.7E9\n")
                .contains("container_last_seen" + bc + " 1.700000005E9 1700000005350\n")
                .contains("machine_cpu_cores{boot_id=\"b\",machine_id=\"m\",system_uuid=\"s\"} 4.0 1700000005250\n")
                .contains("machine_memory_bytes{boot_id=\"b\",machine_id=\"m\",system_uuid=\"s\"} 1.073741824E9");
    }

    @Test
    void sharesAndQuotaAreTheKubeletsReadBackAsCadvisorReadsThem() {
        assertThat(Cgroups.shares(0)).as("no request: kube's MinShares").isEqualTo(2);
        assertThat(Cgroups.shares(1)).isEqualTo(2);
        assertThat(Cgroups.shares(250)).isEqualTo(237);
        assertThat(Cgroups.shares(1000)).isEqualTo(998);
        assertThat(Cgroups.shares(1_000_000)).as("capped at MaxShares").isEqualTo(262_144);
        assertThat(Cgroups.quotaMicros(0)).isZero();
        assertThat(Cgroups.quotaMicros(1)).as("kube's minimum quota").isEqualTo(1_000);
        assertThat(Cgroups.quotaMicros(500)).isEqualTo(50_000);
        assertThat(Cgroups.pod("Burstable", "a-b"))
                .isEqualTo("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda_b.slice");
    }

    @Test
    void theAcceptHeaderPicksTheFormat() {
        PrometheusExposition e = new PrometheusExposition();
        var snapshots =
                ResourceMetrics.of(StatsSummary.of("n", Instant.ofEpochMilli(T0), Optional.of(NODE), List.of()));
        assertThat(e.write(snapshots, "application/json, */*").contentType())
                .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        PrometheusExposition.Body om = e.write(
                snapshots,
                "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertThat(om.contentType()).startsWith("application/openmetrics-text");
        assertThat(new String(om.bytes(), StandardCharsets.UTF_8))
                .contains("node_cpu_usage_seconds_total 2.75 1700000005.250")
                .endsWith("# EOF\n");
    }

    private static String write(MetricSnapshots s) {
        return new String(new PrometheusExposition().write(s, null).bytes(), StandardCharsets.UTF_8);
    }
}
