package io.kubelite.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodStatus;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.ReplicaSetCondition;
import io.kubelite.api.ReplicaSetSpec;
import io.kubelite.api.ReplicaSetStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ReplicaSet status calculation as a pure function: no etcd, no controller. */
class ReplicaSetStatusesTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static ReplicaSet rs(int minReadySeconds, ReplicaSetStatus status) {
        return ReplicaSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web")
                        .setNamespace("default")
                        .setGeneration(3))
                .setSpec(ReplicaSetSpec.newBuilder()
                        .setMinReadySeconds(minReadySeconds)
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder()
                                        .putLabels("app", "web")
                                        .putLabels("tier", "fe"))))
                .setStatus(status)
                .build();
    }

    private static Pod pod(boolean allLabels, Instant readySince) {
        ObjectMeta.Builder m = ObjectMeta.newBuilder().putLabels("app", "web");
        if (allLabels) {
            m.putLabels("tier", "fe");
        }
        PodStatus.Builder st = PodStatus.newBuilder().setPhase("Running");
        if (readySince != null) {
            st.addConditions(PodCondition.newBuilder()
                    .setType("Ready")
                    .setStatus("True")
                    .setLastTransitionTime(Timestamp.newBuilder().setSeconds(readySince.getEpochSecond())));
        }
        return Pod.newBuilder().setMetadata(m).setStatus(st).build();
    }

    @Test
    void countsFullyLabeledReadyAndAvailablePods() {
        List<Pod> owned = List.of(pod(true, NOW.minusSeconds(60)), pod(false, NOW.minusSeconds(5)), pod(true, null));
        ReplicaSetStatus st =
                ReplicaSetStatuses.compute(rs(10, ReplicaSetStatus.getDefaultInstance()), owned, null, null, NOW);
        assertThat(st.getReplicas()).isEqualTo(3);
        assertThat(st.getFullyLabeledReplicas()).isEqualTo(2);
        assertThat(st.getReadyReplicas()).isEqualTo(2);
        assertThat(st.getAvailableReplicas()).as("ready for minReadySeconds=10").isEqualTo(1);
        assertThat(st.getObservedGeneration()).isEqualTo(3);
        assertThat(st.getConditionsList()).isEmpty();
    }

    @Test
    void aReplicaFailureKeepsItsTransitionTimeAndGoesWhenASyncSucceeds() {
        Timestamp since =
                Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 300).build();
        ReplicaSetStatus failing = ReplicaSetStatus.newBuilder()
                .addConditions(ReplicaSetCondition.newBuilder()
                        .setType("ReplicaFailure")
                        .setStatus("True")
                        .setReason("FailedCreate")
                        .setLastTransitionTime(since))
                .build();
        ReplicaSetStatus again =
                ReplicaSetStatuses.compute(rs(0, failing), List.of(), "FailedCreate", "quota exceeded", NOW);
        assertThat(again.getConditionsList()).singleElement().satisfies(c -> {
            assertThat(c.getLastTransitionTime()).isEqualTo(since);
            assertThat(c.getMessage()).isEqualTo("quota exceeded");
        });
        assertThat(ReplicaSetStatuses.compute(rs(0, failing), List.of(), null, null, NOW)
                        .getConditionsList())
                .isEmpty();
    }
}
