package io.kubelite.controllers.podautoscaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.autoscaling.v2.HPAScalingPolicy;
import io.kubelite.api.autoscaling.v2.HPAScalingRules;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.kubelite.controllers.util.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** kube's normalization: stabilization windows, policy limits and their periods, on a manual clock. */
class ScaleNormalizerTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T12:00:00Z"));
    private final ScaleNormalizer n = new ScaleNormalizer(Duration.ofMinutes(5), clock);

    private static HPAScalingPolicy policy(String type, int value, int period) {
        return HPAScalingPolicy.newBuilder()
                .setType(type)
                .setValue(value)
                .setPeriodSeconds(period)
                .build();
    }

    /** kube's defaults: up max(100%, 4 pods) per 15 s with no window; down 100% per 15 s, window from the flag. */
    private static HorizontalPodAutoscalerBehavior defaults() {
        return HorizontalPodAutoscalerBehavior.newBuilder()
                .setScaleUp(HPAScalingRules.newBuilder()
                        .setStabilizationWindowSeconds(0)
                        .setSelectPolicy("Max")
                        .addPolicies(policy("Pods", 4, 15))
                        .addPolicies(policy("Percent", 100, 15)))
                .setScaleDown(
                        HPAScalingRules.newBuilder().setSelectPolicy("Max").addPolicies(policy("Percent", 100, 15)))
                .build();
    }

    @Test
    void defaultScaleUpIsTheLargerOfDoubleAndFourPods() {
        n.recordInitial("k", 1);
        // from 1: max(1 + 4, 1 * 2) = 5
        var r = n.withBehavior("k", defaults(), 1, 20, 1, 100);
        assertThat(r.limited().replicas()).isEqualTo(5);
        assertThat(r.limited().reason()).isEqualTo("ScaleUpLimit");
        n.recordScale("k", defaults(), 1, 5);
        // 5 s later, within the 15 s period: the period started at 1, so still 5
        clock.advance(Duration.ofSeconds(5));
        assertThat(n.withBehavior("k", defaults(), 5, 20, 1, 100).limited().replicas())
                .isEqualTo(5);
        // after the period: from 5, max(9, 10) = 10
        clock.advance(Duration.ofSeconds(11));
        assertThat(n.withBehavior("k", defaults(), 5, 20, 1, 100).limited().replicas())
                .isEqualTo(10);
    }

    @Test
    void selectPolicyMinAndDisabled() {
        var b = defaults().toBuilder();
        b.getScaleUpBuilder().setSelectPolicy("Min");
        n.recordInitial("k", 10);
        // Min of (10 + 4, 10 * 2) = 14
        assertThat(n.withBehavior("k", b.build(), 10, 50, 1, 100).limited().replicas())
                .isEqualTo(14);
        b.getScaleUpBuilder().setSelectPolicy("Disabled");
        var r = n.withBehavior("k", b.build(), 10, 50, 1, 100);
        assertThat(r.limited().replicas()).isEqualTo(10);
        assertThat(r.limited().reason()).isEqualTo("ScaleUpLimit");
    }

    @Test
    void scaleDownWindowKeepsTheHighestRecentRecommendation() {
        var b = defaults().toBuilder();
        b.getScaleDownBuilder().setStabilizationWindowSeconds(60);
        n.recordInitial("k", 10);
        var r = n.withBehavior("k", b.build(), 10, 2, 1, 100);
        assertThat(r.stabilized()).isEqualTo(10);
        assertThat(r.ableToScale().reason()).isEqualTo("ScaleDownStabilized");
        clock.advance(Duration.ofSeconds(30));
        assertThat(n.withBehavior("k", b.build(), 10, 3, 1, 100).stabilized()).isEqualTo(10);
        // the initial 10 has left the window; 2 and 3 remain: the highest, 3
        clock.advance(Duration.ofSeconds(31));
        var later = n.withBehavior("k", b.build(), 10, 2, 1, 100);
        assertThat(later.stabilized()).isEqualTo(3);
        assertThat(later.limited().replicas()).isEqualTo(3);
    }

    @Test
    void scaleDownPercentPolicyRoundsDown() {
        var b = defaults().toBuilder();
        b.getScaleDownBuilder().setStabilizationWindowSeconds(0).clearPolicies().addPolicies(policy("Percent", 10, 60));
        n.recordInitial("k", 10);
        // 10 * (1 - 0.1) = 9
        var r = n.withBehavior("k", b.build(), 10, 1, 1, 100);
        assertThat(r.limited().replicas()).isEqualTo(9);
        assertThat(r.limited().reason()).isEqualTo("ScaleDownLimit");
        n.recordScale("k", b.build(), 10, 9);
        // within the minute the period started at 10: int(10 * 0.9) = 9, no further step
        clock.advance(Duration.ofSeconds(20));
        assertThat(n.withBehavior("k", b.build(), 9, 1, 1, 100).limited().replicas())
                .isEqualTo(9);
    }

    @Test
    void withoutBehaviorScaleUpIsCappedAtDoubleOrFour() {
        n.recordInitial("k", 3);
        var r = n.withoutBehavior("k", 3, 20, 1, 100);
        assertThat(r.limited().replicas()).isEqualTo(6);
        assertThat(r.limited().reason()).isEqualTo("ScaleUpLimit");
        var max = n.withoutBehavior("k", 3, 20, 1, 5);
        assertThat(max.limited().replicas()).isEqualTo(5);
        assertThat(max.limited().reason()).isEqualTo("TooManyReplicas");
    }
}
