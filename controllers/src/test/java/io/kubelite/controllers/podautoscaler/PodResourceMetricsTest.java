package io.kubelite.controllers.podautoscaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.controllers.podautoscaler.PodMetricsSource.ContainerMetrics;
import io.kubelite.controllers.podautoscaler.PodMetricsSource.PodMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kube's resource metrics client: per-pod sums in milli-units, and which pods count as missing. */
class PodResourceMetricsTest {
    private static final Instant T = Instant.parse("2026-01-01T12:00:00Z");

    private static PodMetrics pod(String name, ContainerMetrics... cs) {
        return new PodMetrics(name, T, Duration.ofSeconds(15), List.of(cs));
    }

    @Test
    void sumsContainersInMilliUnits() throws Exception {
        var r = PodResourceMetrics.of(
                List.of(pod(
                        "a",
                        new ContainerMetrics("app", Map.of("cpu", "250000000n", "memory", "1Ki")),
                        new ContainerMetrics("sidecar", Map.of("cpu", "50m", "memory", "1Ki")))),
                "cpu",
                null);
        assertThat(r.byPod().get("a").milliValue()).isEqualTo(300);
        assertThat(r.timestamp()).isEqualTo(T);
        var mem = PodResourceMetrics.of(
                List.of(pod("a", new ContainerMetrics("app", Map.of("cpu", "1", "memory", "1Ki")))), "memory", null);
        assertThat(mem.byPod().get("a").milliValue()).isEqualTo(1024_000);
    }

    @Test
    void aPodLackingTheResourceOrContainersIsMissing() throws Exception {
        var r = PodResourceMetrics.of(
                List.of(
                        pod("a", new ContainerMetrics("app", Map.of("memory", "1Ki"))),
                        pod("b"),
                        pod("c", new ContainerMetrics("app", Map.of("cpu", "10m")))),
                "cpu",
                null);
        assertThat(r.byPod()).containsOnlyKeys("c");
    }

    @Test
    void aContainerMetricReadsTheNamedContainerOnly() throws Exception {
        var r = PodResourceMetrics.of(
                List.of(
                        pod(
                                "a",
                                new ContainerMetrics("app", Map.of("cpu", "100m")),
                                new ContainerMetrics("sidecar", Map.of("cpu", "900m"))),
                        pod("b", new ContainerMetrics("other", Map.of("cpu", "100m")))),
                "cpu",
                "app");
        assertThat(r.byPod()).containsOnlyKeys("a");
        assertThat(r.byPod().get("a").milliValue()).isEqualTo(100);
    }

    @Test
    void noItemsOrABadQuantityAreErrors() {
        assertThatThrownBy(() -> PodResourceMetrics.of(List.of(), "cpu", null))
                .hasMessage("no metrics returned from resource metrics API");
        assertThatThrownBy(() -> PodResourceMetrics.of(
                        List.of(pod("a", new ContainerMetrics("app", Map.of("cpu", "lots")))), "cpu", null))
                .hasMessageStartingWith("invalid quantity \"lots\" in metrics");
    }
}
