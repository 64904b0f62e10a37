package io.kubelite.store.runtime.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.kinds.core.pod.MirrorPods;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MirrorPodMerge}: the same state gives the same pod; transitions keep their times. */
class MirrorPodMergeTest {
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(30);

    private static Pod desired(boolean ready) {
        return MirrorPodTemplate.pod(new MirrorPodTemplate.Shape(
                "etcd-m1", "etcd", "host", "127.0.0.1", "etcd", List.of("etcd"), 0, false, ready, null));
    }

    private static PodCondition cond(Pod p, String type) {
        return p.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void keepsIdentityAndTransitionTimesAndIsStable() {
        Pod first = MirrorPodMerge.merge(null, desired(true), T0);
        assertThat(first.getMetadata().getUid()).isNotEmpty();
        assertThat(first.getMetadata().getAnnotationsMap()).containsKeys(MirrorPods.CONFIG_MIRROR);
        assertThat(first.getStatus().getStartTime())
                .isEqualTo(first.getMetadata().getCreationTimestamp());
        assertThat(MirrorPodMerge.merge(first, desired(true), T1))
                .as("unchanged state, same pod")
                .isEqualTo(first);

        Pod notReady = MirrorPodMerge.merge(first, desired(false), T1);
        assertThat(notReady.getMetadata().getUid())
                .isEqualTo(first.getMetadata().getUid());
        assertThat(cond(notReady, "Ready").getLastTransitionTime().getSeconds()).isEqualTo(T1.getEpochSecond());
        assertThat(cond(notReady, "PodScheduled").getLastTransitionTime())
                .isEqualTo(cond(first, "PodScheduled").getLastTransitionTime());
    }
}
