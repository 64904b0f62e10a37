package io.kubelite.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.Deployment;
import io.kubelite.api.DeploymentSpec;
import io.kubelite.api.DeploymentStrategy;
import io.kubelite.api.IntOrString;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.ReplicaSetSpec;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.api.RollingUpdateDeployment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Deployment controller's arithmetic as pure functions, with kube's own examples. */
class DeploymentMathTest {

    static Deployment rolling(int replicas, String surge, String unavailable) {
        return Deployment.newBuilder()
                .setSpec(DeploymentSpec.newBuilder()
                        .setReplicas(replicas)
                        .setStrategy(DeploymentStrategy.newBuilder()
                                .setType("RollingUpdate")
                                .setRollingUpdate(RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(value(surge))
                                        .setMaxUnavailable(value(unavailable)))))
                .build();
    }

    static com.google.protobuf.Value value(String s) {
        return s.endsWith("%") ? IntOrString.of(s) : IntOrString.of(Integer.parseInt(s));
    }

    static ReplicaSet rs(String name, int replicas, long created, String maxReplicasAnnotation) {
        ReplicaSet.Builder b = ReplicaSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setUid(name)
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(created)))
                .setSpec(ReplicaSetSpec.newBuilder().setReplicas(replicas));
        if (maxReplicasAnnotation != null) {
            b.getMetadataBuilder().putAnnotations(ReplicaSetHistory.MAX_REPLICAS, maxReplicasAnnotation);
        }
        return b.build();
    }

    @Test
    void percentagesRoundSurgeUpAndUnavailabilityDown() {
        assertThat(Fenceposts.of(rolling(3, "25%", "25%"))).isEqualTo(new Fenceposts(1, 0));
        assertThat(Fenceposts.of(rolling(10, "25%", "25%"))).isEqualTo(new Fenceposts(3, 2));
        assertThat(Fenceposts.of(rolling(4, "25%", "25%"))).isEqualTo(new Fenceposts(1, 1));
        // ResolveFenceposts: both resolve to 0 -> one may be unavailable
        assertThat(Fenceposts.of(rolling(2, "0%", "1%"))).isEqualTo(new Fenceposts(0, 1));
        assertThat(Fenceposts.of(rolling(2, "1%", "0%"))).isEqualTo(new Fenceposts(1, 0));
        // maxUnavailable never exceeds the replicas; nothing is unavailable of 0
        assertThat(Fenceposts.of(rolling(2, "0", "5"))).isEqualTo(new Fenceposts(0, 2));
        assertThat(Fenceposts.of(rolling(0, "25%", "25%")).maxUnavailable()).isZero();
        Deployment recreate = Deployment.newBuilder()
                .setSpec(DeploymentSpec.newBuilder()
                        .setReplicas(3)
                        .setStrategy(DeploymentStrategy.newBuilder().setType("Recreate")))
                .build();
        assertThat(Fenceposts.of(recreate)).isEqualTo(new Fenceposts(0, 0));
    }

    @Test
    void theNewReplicaSetGrowsWithinTheSurge() {
        Deployment d = rolling(10, "3", "2");
        ReplicaSet old = rs("old", 8, 1, null);
        ReplicaSet fresh = rs("new", 3, 2, null);
        // 8 + 3 = 11 of at most 13: two more
        assertThat(ReplicaSets.newRsNewReplicas(d, List.of(old, fresh), fresh)).isEqualTo(5);
        ReplicaSet full = rs("new", 5, 2, null);
        assertThat(ReplicaSets.newRsNewReplicas(d, List.of(old, full), full)).isEqualTo(5);
        // never beyond spec.replicas
        ReplicaSet nine = rs("new", 9, 2, null);
        assertThat(ReplicaSets.newRsNewReplicas(d, List.of(rs("old", 0, 1, null), nine), nine))
                .isEqualTo(10);
    }

    @Test
    void cleaningUpUnhealthyReplicasNeverScalesAnOldReplicaSetUp() {
        ReplicaSet old = rs("old", 100, 1, null).toBuilder()
                .setStatus(io.kubelite.api.ReplicaSetStatus.newBuilder().setAvailableReplicas(70))
                .build();
        // 30 unavailable, at most 20 may go
        assertThat(RollingUpdater.unhealthyToScaleDown(old, 20)).isEqualTo(20);
        assertThat(RollingUpdater.unhealthyToScaleDown(old, 50)).isEqualTo(30);
        ReplicaSet healthy = old.toBuilder()
                .setStatus(io.kubelite.api.ReplicaSetStatus.newBuilder().setAvailableReplicas(100))
                .build();
        assertThat(RollingUpdater.unhealthyToScaleDown(healthy, 50)).isZero();
        // just scaled down to 72, status still counting 100 available (seen in the rollout
        // benchmark, where it scaled the old ReplicaSet back up to 100): kube fails the sync
        ReplicaSet stale = rs("old", 72, 1, null).toBuilder()
                .setStatus(io.kubelite.api.ReplicaSetStatus.newBuilder().setAvailableReplicas(100))
                .build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RollingUpdater.unhealthyToScaleDown(stale, 50))
                .isInstanceOf(io.kubelite.store.queue.StaleCacheException.class)
                .hasMessageContaining("invalid request to scale down")
                .hasMessageContaining("72 -> 100");
    }

    @Test
    void scalingMidRolloutIsSharedInProportion() {
        // kube's docs: 8 old + 5 new sized for 10 (+3 surge = 13), scaled to 15 (18): +3 old, +2 new
        Deployment d = rolling(15, "3", "2");
        ReplicaSet old = rs("old", 8, 1, "13");
        ReplicaSet fresh = rs("new", 5, 2, "13");
        int toAdd = 18 - 13;
        int first = ReplicaSets.proportion(old, d, toAdd, 0);
        int second = ReplicaSets.proportion(fresh, d, toAdd, first);
        assertThat(first).isEqualTo(3);
        assertThat(second).isEqualTo(2);
        // scaling down to zero takes every replica
        Deployment zero = rolling(0, "3", "2");
        assertThat(ReplicaSets.proportion(old, zero, -13, 0)).isEqualTo(-8);
    }

    @Test
    void theHashIsStableSafeAndMovesWithTheTemplateAndTheCollisionCount() {
        assertThat(PodTemplateHash.safeEncode("0123456789")).isEqualTo("456789bcdf");
        PodTemplateSpec t = PodTemplateSpec.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().putLabels("app", "web").putLabels("tier", "front"))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("nginx").setImage("nginx:1.25")))
                .build();
        String h = PodTemplateHash.compute(t, null);
        assertThat(h).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
        // map order does not matter
        PodTemplateSpec reordered = t.toBuilder()
                .setMetadata(ObjectMeta.newBuilder().putLabels("tier", "front").putLabels("app", "web"))
                .build();
        assertThat(PodTemplateHash.compute(reordered, null)).isEqualTo(h);
        assertThat(PodTemplateHash.compute(t, 1)).isNotEqualTo(h);
        assertThat(PodTemplateHash.compute(t, 0)).isNotEqualTo(h);
        PodTemplateSpec other = t.toBuilder()
                .setSpec(t.getSpec().toBuilder()
                        .setContainers(
                                0, Container.newBuilder().setName("nginx").setImage("nginx:1.27")))
                .build();
        assertThat(PodTemplateHash.compute(other, null)).isNotEqualTo(h);
    }

    @Test
    void templatesCompareIgnoringTheHashLabelAndEmptyStructs() {
        PodTemplateSpec t = PodTemplateSpec.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().putLabels("app", "web"))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("nginx").setImage("nginx")))
                .build();
        PodTemplateSpec withHash = Templates.withHash(t, "abc");
        PodTemplateSpec viaKubectl = t.toBuilder()
                .setMetadata(t.getMetadata().toBuilder().setCreationTimestamp(Timestamp.getDefaultInstance()))
                .setSpec(t.getSpec().toBuilder()
                        .setContainers(
                                0,
                                t.getSpec().getContainers(0).toBuilder()
                                        .setResources(ResourceRequirements.getDefaultInstance())))
                .build();
        assertThat(Templates.equalIgnoreHash(withHash, t)).isTrue();
        assertThat(Templates.equalIgnoreHash(viaKubectl, withHash)).isTrue();
        PodTemplateSpec changed = t.toBuilder()
                .setMetadata(t.getMetadata().toBuilder().putLabels("tier", "x"))
                .build();
        assertThat(Templates.equalIgnoreHash(changed, t)).isFalse();
    }
}
