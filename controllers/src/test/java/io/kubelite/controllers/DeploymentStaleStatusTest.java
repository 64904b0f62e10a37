package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Deployment;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.ReplicaSetSpec;
import io.kubelite.api.ReplicaSetStatus;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Deployment controller alone (no ReplicaSet controller to refresh statuses), over ReplicaSets
 * written by hand mid-rollout, the old one's status from before its last scale-down: spec 6 but 8
 * available. kube's {@code cleanupUnhealthyReplicas} refuses to "clean up" a negative number of
 * unhealthy replicas; taking it would scale the old ReplicaSet up past replicas + maxSurge (seen
 * in e2e's DeploymentRolloutFailoverTest as a sum of 113 for 100 + 5).
 */
@Timeout(120)
class DeploymentStaleStatusTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void anOldReplicaSetsStaleStatusNeverScalesItUp() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, "--controllers=deployment")) {
            // replicas 10, maxSurge 2, maxUnavailable 2: at most 12 in spec, at least 8 available; paused
            // while the ReplicaSets are put in place, so the controller creates none of its own
            Deployment d = DeploymentTest.deployment(
                    "stale", 10, "new", s -> DeploymentTest.rolling(s, 2, 2).setPaused(true));
            d = ControllerManagerUnderTest.join(h.of(DeploymentKind.RESOURCE).create(d));
            ReplicaSet old = replicaSet(d, "stale-old", "old", "1", 6, 8);
            ReplicaSet neu = replicaSet(d, "stale-new", "new", "2", 6, 6);
            ControllerManagerUnderTest.join(h.of(ReplicaSetKind.RESOURCE).create(old));
            ControllerManagerUnderTest.join(h.of(ReplicaSetKind.RESOURCE).create(neu));

            ControllerManagerUnderTest.join(h.of(DeploymentKind.RESOURCE).guaranteedUpdate("default", "stale", x -> {
                Deployment.Builder b = x.toBuilder();
                b.getSpecBuilder().setPaused(false);
                return b.build();
            }));
            // new at 6 of 12 in spec, all available; the old one's 8 "available" are 2 more than it wants:
            // a cleanup of -2 unhealthy replicas would take it to 8 (a sum of 14)
            // (the bad step lasts a few milliseconds, until the same sync's scale-down: so the events tell)
            Poll.holds(
                    Duration.ofSeconds(3),
                    "the old ReplicaSet stays at 6, the sum at most 12 (ScalingReplicaSet events)",
                    () -> {
                        assertThat(h.events("ScalingReplicaSet").stream()
                                        .map(e -> e.getMessage())
                                        .filter(m -> m.contains("Scaled up replica set stale-old")))
                                .isEmpty();
                        ReplicaSet o = h.getOrNull(ReplicaSetKind.RESOURCE, "default", "stale-old");
                        ReplicaSet n = h.getOrNull(ReplicaSetKind.RESOURCE, "default", "stale-new");
                        assertThat(o.getSpec().getReplicas())
                                .as("old spec.replicas")
                                .isLessThanOrEqualTo(6);
                        assertThat(o.getSpec().getReplicas() + n.getSpec().getReplicas())
                                .as("sum of spec.replicas")
                                .isLessThanOrEqualTo(12);
                    });
        }
    }

    /** A ReplicaSet of {@code d} with {@code image}, sized {@code replicas}, its status saying {@code available}. */
    private static ReplicaSet replicaSet(
            Deployment d, String name, String image, String revision, int replicas, int available) {
        var template = d.getSpec().getTemplate().toBuilder();
        template.getSpecBuilder().getContainersBuilder(0).setImage(image);
        template.getMetadataBuilder().putLabels("pod-template-hash", name);
        return ReplicaSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .putAllLabels(template.getMetadata().getLabelsMap())
                        .putAllAnnotations(Map.of(
                                "deployment.kubernetes.io/revision", revision,
                                "deployment.kubernetes.io/desired-replicas", "10",
                                "deployment.kubernetes.io/max-replicas", "12"))
                        .addOwnerReferences(OwnerReference.newBuilder()
                                .setApiVersion("apps/v1")
                                .setKind("Deployment")
                                .setName(d.getMetadata().getName())
                                .setUid(d.getMetadata().getUid())
                                .setController(true)
                                .setBlockOwnerDeletion(true)))
                .setSpec(ReplicaSetSpec.newBuilder()
                        .setReplicas(replicas)
                        .setSelector(d.getSpec().getSelector().toBuilder().putMatchLabels("pod-template-hash", name))
                        .setTemplate(template))
                .setStatus(ReplicaSetStatus.newBuilder()
                        .setReplicas(available)
                        .setFullyLabeledReplicas(available)
                        .setReadyReplicas(available)
                        .setAvailableReplicas(available)
                        .setObservedGeneration(1))
                .build();
    }
}
