package io.kubelite.controllers.podautoscaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.controllers.podautoscaler.PodResourceMetrics.Sample;
import io.kubelite.controllers.util.ManualClock;
import io.kubelite.controllers.util.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kube's replica calculator on the cases of its {@code replica_calculator_test.go} (same pods, levels,
 * requests and expected counts), each with the arithmetic spelled out.
 */
class ReplicaCalculatorTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private final ManualClock clock = new ManualClock(NOW);
    private final ReplicaCalculator calc =
            new ReplicaCalculator(0.1, Duration.ofMinutes(5), Duration.ofSeconds(30), clock);

    /** A Running pod requesting {@code request} milli-units of CPU and of memory; Ready since long ago unless {@code ready} is false. */
    private static Pod pod(String name, long request, boolean ready) {
        Instant started = NOW.minus(Duration.ofMinutes(10));
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).setNamespace("ns"))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder()
                                .setName("c")
                                .setResources(ResourceRequirements.newBuilder()
                                        .putRequests("cpu", request + "m")
                                        .putRequests("memory", request + "m"))))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Running")
                        .setStartTime(Times.ts(started))
                        .addConditions(PodCondition.newBuilder()
                                .setType("Ready")
                                .setStatus(ready ? "True" : "False")
                                // kube's tests: an unready pod's condition changed at start, so it has never been ready
                                .setLastTransitionTime(Times.ts(ready ? started.plusSeconds(60) : started))))
                .build();
    }

    private static PodResourceMetrics.Result samples(Map<String, Long> milli) {
        Map<String, Sample> m = new HashMap<>();
        milli.forEach((k, v) -> m.put(k, new Sample(NOW.minusSeconds(5), Duration.ofSeconds(30), v)));
        return new PodResourceMetrics.Result(m, NOW.minusSeconds(5));
    }

    private static Map<String, Long> levels(long... values) {
        Map<String, Long> m = new HashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put("p" + i, values[i]);
        }
        return m;
    }

    private static List<Pod> pods(int n, long request) {
        List<Pod> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(pod("p" + i, request, true));
        }
        return out;
    }

    @Test
    void scaleUp() throws Exception {
        // TestReplicaCalcScaleUp: (300+500+700) / 3000 = 50% against 30%: ratio 1.67, ceil(3 * 1.67) = 5
        var p = calc.resourceReplicas(3, 30, "cpu", null, samples(levels(300, 500, 700)), pods(3, 1000));
        assertThat(p.replicas()).isEqualTo(5);
        assertThat(p.utilization()).isEqualTo(50);
        assertThat(p.rawAverage()).isEqualTo(500);
    }

    @Test
    void scaleUpWithAnUnreadyPodCountsItAsIdle() throws Exception {
        // TestReplicaCalcScaleUpUnreadyLessScale: ready 500+700 of 2000 = 60% against 30%, ratio 2 with an
        // unready pod: recomputed with it at 0, 1200/3000 = 40%, ratio 1.33, ceil(3 * 1.33) = 4
        List<Pod> ps = List.of(pod("p0", 1000, false), pod("p1", 1000, true), pod("p2", 1000, true));
        var p = calc.resourceReplicas(3, 30, "cpu", null, samples(levels(300, 500, 700)), ps);
        assertThat(p.replicas()).isEqualTo(4);
        assertThat(p.utilization()).isEqualTo(60);
    }

    @Test
    void scaleDownIgnoresUnreadyPods() throws Exception {
        // TestReplicaCalcScaleDownIgnoresUnreadyPods: 5 pods, 2 unready; ready (100+300+500)/3000 = 30%
        // against 50%: ratio 0.6 (a scale-down: unready pods are left out), ceil(3 * 0.6) = 2
        List<Pod> ps = List.of(
                pod("p0", 1000, true),
                pod("p1", 1000, true),
                pod("p2", 1000, true),
                pod("p3", 1000, false),
                pod("p4", 1000, false));
        var p = calc.resourceReplicas(5, 50, "cpu", null, samples(levels(100, 300, 500, 250, 250)), ps);
        assertThat(p.replicas()).isEqualTo(2);
        assertThat(p.utilization()).isEqualTo(30);
    }

    @Test
    void missingPodsOnAScaleUpCountAsIdle() throws Exception {
        // 2 of 3 pods sampled at 900 of 1000: 90% against 50%, ratio 1.8; the missing pod at 0:
        // 1800/3000 = 60%, ratio 1.2, ceil(3 * 1.2) = 4
        var p = calc.resourceReplicas(3, 50, "cpu", null, samples(levels(900, 900)), pods(3, 1000));
        assertThat(p.replicas()).isEqualTo(4);
    }

    @Test
    void missingPodsOnAScaleDownCountAsFullyUsed() throws Exception {
        // TestReplicaCalcMissingMetricsUnneededScaleDown-like: 4 pods, 3 sampled at 0; ratio 0 (a scale-down);
        // the missing pod at 100% of its request: 1000/4000 = 25% against 50%, ratio 0.5, ceil(4 * 0.5) = 2
        var p = calc.resourceReplicas(4, 50, "cpu", null, samples(levels(0, 0, 0)), pods(4, 1000));
        assertThat(p.replicas()).isEqualTo(2);
    }

    @Test
    void aRecomputeThatWouldReverseTheDirectionKeepsTheCount() throws Exception {
        // 4 pods, 3 sampled at 400 of 1000 = 40% against 50% (ratio 0.8, down); the missing pod at 100%:
        // 2200/4000 = 55%, ratio 1.1 (up): the direction flips, so the count stays 4
        var p = calc.resourceReplicas(4, 50, "cpu", null, samples(levels(400, 400, 400)), pods(4, 1000));
        assertThat(p.replicas()).isEqualTo(4);
    }

    @Test
    void withinToleranceKeepsTheCount() throws Exception {
        // TestReplicaCalcTolerance: (1010+1030+1020)/3000 = 102% against 100%: ratio 1.02, within 0.1
        var p = calc.resourceReplicas(3, 100, "cpu", null, samples(levels(1010, 1030, 1020)), pods(3, 1000));
        assertThat(p.replicas()).isEqualTo(3);
        assertThat(p.utilization()).isEqualTo(102);
    }

    @Test
    void averageValueTarget() throws Exception {
        // 3 pods averaging 300m against an average of 200m: ratio 1.5, ceil(3 * 1.5) = 5
        var p = calc.rawResourceReplicas(3, 200, "cpu", samples(levels(200, 300, 400)), pods(3, 1000));
        assertThat(p.replicas()).isEqualTo(5);
        assertThat(p.rawAverage()).isEqualTo(300);
    }

    @Test
    void deletedAndFailedPodsAreIgnored() throws Exception {
        // p3 deleting, p4 failed: only p0..p2 count, (500+500+500)/3000 = 50% against 50%
        List<Pod> ps = new ArrayList<>(pods(3, 1000));
        ps.add(pod("p3", 1000, true).toBuilder()
                .setMetadata(pod("p3", 1000, true).getMetadata().toBuilder().setDeletionTimestamp(Times.ts(NOW)))
                .build());
        Pod failed = pod("p4", 1000, true);
        ps.add(failed.toBuilder()
                .setStatus(failed.getStatus().toBuilder().setPhase("Failed"))
                .build());
        var p = calc.resourceReplicas(5, 50, "cpu", null, samples(levels(500, 500, 500, 4000, 4000)), ps);
        assertThat(p.replicas()).isEqualTo(5);
        assertThat(p.utilization()).isEqualTo(50);
    }

    @Test
    void memoryIgnoresReadiness() throws Exception {
        // only CPU skips unready pods: for memory all three count, (300+500+700)/3000 = 50% against 30% → 5
        List<Pod> ps = List.of(pod("p0", 1000, false), pod("p1", 1000, true), pod("p2", 1000, true));
        var p = calc.resourceReplicas(3, 30, "memory", null, samples(levels(300, 500, 700)), ps);
        assertThat(p.replicas()).isEqualTo(5);
    }

    @Test
    void aPodWithoutARequestIsAnError() {
        Pod noRequest = pod("p1", 1000, true).toBuilder()
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("app")))
                .build();
        assertThatThrownBy(() -> calc.resourceReplicas(
                        2, 50, "cpu", null, samples(levels(100, 100)), List.of(pod("p0", 1000, true), noRequest)))
                .hasMessage("missing request for cpu in container app of Pod p1");
    }

    @Test
    void noPodsOrNoReadySamplesAreErrors() {
        assertThatThrownBy(() -> calc.resourceReplicas(2, 50, "cpu", null, samples(levels(100)), List.of()))
                .hasMessage("no pods returned by selector while calculating replica count");
        assertThatThrownBy(() -> calc.resourceReplicas(
                        1, 50, "cpu", null, samples(levels(100)), List.of(pod("p0", 1000, false))))
                .hasMessage("did not receive metrics for targeted pods (pods might be unready)");
    }
}
