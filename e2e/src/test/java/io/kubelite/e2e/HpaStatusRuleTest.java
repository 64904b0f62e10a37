package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.e2e.HorizontalPodAutoscalerE2eTest.Step;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rule {@link HorizontalPodAutoscalerE2eTest} holds every observed HPA status to (target 50%,
 * min 1, max 4, a 15 s scale-down window, 1 s sync): the sequence a correct controller produces
 * passes, and each way of breaking kube's rule is reported: a wrong scale-up, a scale-down before the
 * window, a hold beyond it, and a scale-down that was never held. No cluster: pure checks on made-up
 * sequences, so that a pass of the e2e test means something.
 */
class HpaStatusRuleTest {
    private static Step at(double secs, int current, Integer utilization, int desired) {
        return new Step((long) (secs * 1e9), current, utilization, desired, new LinkedHashSet<>());
    }

    /** What the e2e test saw on a quiet machine. */
    private static List<Step> good(double scaleDownAt) {
        return List.of(
                at(0.1, 0, null, 0),
                at(0.5, 2, 90, 4),
                at(1.5, 4, 90, 4),
                at(41.9, 4, 50, 4),
                at(48.0, 4, 10, 4),
                at(scaleDownAt, 4, 10, 1),
                at(scaleDownAt + 1, 1, 10, 1));
    }

    @Test
    void aCorrectSequencePasses() {
        assertThat(HorizontalPodAutoscalerE2eTest.checkSteps(good(62.3), (long) 70e9))
                .isEmpty();
    }

    @Test
    void aScaleUpOtherThanTheFormulaIsReported() {
        List<Step> s = List.of(at(0.5, 2, 90, 3), at(1.5, 3, 90, 4));
        assertThat(HorizontalPodAutoscalerE2eTest.checkSteps(s, (long) 3e9))
                .anyMatch(v -> v.contains("(R=2 U=90% D=3): expected desiredReplicas 4"));
    }

    @Test
    void aScaleDownBeforeTheWindowIsReported() {
        assertThat(HorizontalPodAutoscalerE2eTest.checkSteps(good(55.0), (long) 70e9))
                .anyMatch(v -> v.contains("scaled down to 1 7.0 s after the last recommendation above it"))
                .anyMatch(v -> v.contains("must apply the window's highest recommendation"));
    }

    @Test
    void aHoldBeyondTheWindowIsReported() {
        assertThat(HorizontalPodAutoscalerE2eTest.checkSteps(good(70.0), (long) 80e9))
                .anyMatch(v -> v.contains("(R=4 U=10% D=4): still 4 at"));
    }

    @Test
    void aScaleDownThatWasNeverHeldIsReported() {
        List<Step> s = List.of(at(1.5, 4, 90, 4), at(41.9, 4, 50, 4), at(48.0, 4, 10, 1), at(49.0, 1, 10, 1));
        assertThat(HorizontalPodAutoscalerE2eTest.checkSteps(s, (long) 60e9))
                .contains("no scale-down was ever held by the stabilization window");
    }
}
