package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Condition;
import io.kubelite.api.IntOrString;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodDisruptionBudget;
import io.kubelite.api.PodDisruptionBudgetSpec;
import io.kubelite.api.PodDisruptionBudgetStatus;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ReplicaSet;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.policy.poddisruptionbudget.PodDisruptionBudgetKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The disruption controller alone ({@code --controllers=disruption}) in a controller-manager on
 * real etcd: the ReplicaSet and its pods are written straight to etcd, as the ReplicaSet
 * controller and the kubelet would, and the budgets' status is read back.
 */
@Timeout(120)
class DisruptionControllerTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** currentHealthy/desiredHealthy/expectedPods/disruptionsAllowed, as one string for readable polls. */
    private static String counts(PodDisruptionBudget p) {
        PodDisruptionBudgetStatus s = p == null ? PodDisruptionBudgetStatus.getDefaultInstance() : p.getStatus();
        return s.getCurrentHealthy() + "/" + s.getDesiredHealthy() + "/" + s.getExpectedPods() + "/"
                + s.getDisruptionsAllowed();
    }

    private static PodDisruptionBudget budget(String name, String app, PodDisruptionBudgetSpec.Builder spec) {
        return PodDisruptionBudget.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
                .setSpec(spec.setSelector(LabelSelector.newBuilder().putMatchLabels("app", app)))
                .build();
    }

    private static Pod pod(String name, String app, OwnerReference owner, boolean ready) {
        Pod.Builder b = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .putLabels("app", app)
                        .addAllOwnerReferences(owner == null ? List.of() : List.of(owner)))
                .setSpec(PodSpec.newBuilder().setNodeName("n1"));
        b.getStatusBuilder()
                .setPhase("Running")
                .addConditions(PodCondition.newBuilder().setType("Ready").setStatus(ready ? "True" : "False"));
        return b.build();
    }

    private static OwnerReference ownedBy(ReplicaSet rs) {
        return OwnerReference.newBuilder()
                .setApiVersion("apps/v1")
                .setKind(rs.getKind().isEmpty() ? "ReplicaSet" : rs.getKind())
                .setName(rs.getMetadata().getName())
                .setUid(rs.getMetadata().getUid())
                .setController(true)
                .build();
    }

    private static PodDisruptionBudget await(ControllerManagerUnderTest h, String name, String expected) {
        return Poll.until(
                WAIT,
                "pdb " + name + " currentHealthy/desiredHealthy/expectedPods/disruptionsAllowed = " + expected,
                () -> h.getOrNull(PodDisruptionBudgetKind.RESOURCE, "default", name),
                p -> counts(p).equals(expected)
                        && p.getStatus().getObservedGeneration()
                                == p.getMetadata().getGeneration());
    }

    private static Condition allowedCondition(PodDisruptionBudget p) {
        return p.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("DisruptionAllowed"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void statusFollowsReadyPodsAndTheReplicaSetsScale() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, "--controllers=disruption")) {
            ReplicaSet rs = h.join(h.of(ReplicaSetKind.RESOURCE).create(NodeLifecycleTest.rs("web", 4, 300)));
            for (int i = 0; i < 3; i++) {
                h.join(h.of(PodKind.RESOURCE).create(pod("web-" + i, "web", ownedBy(rs), true)));
            }
            h.join(h.of(PodDisruptionBudgetKind.RESOURCE)
                    .create(budget(
                            "web-max",
                            "web",
                            PodDisruptionBudgetSpec.newBuilder().setMaxUnavailable(IntOrString.of(1)))));
            h.join(h.of(PodDisruptionBudgetKind.RESOURCE)
                    .create(budget(
                            "web-min",
                            "web",
                            PodDisruptionBudgetSpec.newBuilder().setMinAvailable(IntOrString.of("50%")))));
            h.join(h.of(PodDisruptionBudgetKind.RESOURCE)
                    .create(budget(
                            "web-count",
                            "web",
                            PodDisruptionBudgetSpec.newBuilder().setMinAvailable(IntOrString.of(3)))));

            // maxUnavailable 1 of the ReplicaSet's 4: 3 must stay healthy, 3 are
            PodDisruptionBudget max = await(h, "web-max", "3/3/4/0");
            assertThat(allowedCondition(max).getReason()).isEqualTo("InsufficientPods");
            // 50% of 4, rounded up: 2
            PodDisruptionBudget min = await(h, "web-min", "3/2/4/1");
            assertThat(allowedCondition(min).getStatus()).isEqualTo("True");
            assertThat(allowedCondition(min).getReason()).isEqualTo("SufficientPods");
            // an integer minAvailable counts the selected pods
            await(h, "web-count", "3/3/3/0");

            // scaled down to 3: maxUnavailable allows one now
            h.join(h.of(ReplicaSetKind.RESOURCE)
                    .guaranteedUpdate(
                            "default",
                            "web",
                            r -> r.toBuilder()
                                    .setSpec(r.getSpec().toBuilder().setReplicas(3))
                                    .build()));
            await(h, "web-max", "3/2/3/1");

            // a pod going unready is not healthy
            h.join(h.of(PodKind.RESOURCE).guaranteedUpdate("default", "web-2", p -> {
                Pod.Builder b = p.toBuilder();
                b.getStatusBuilder()
                        .setConditions(
                                0, PodCondition.newBuilder().setType("Ready").setStatus("False"));
                return b.build();
            }));
            await(h, "web-max", "2/2/3/0");
            await(h, "web-min", "2/2/3/0");
        }
    }

    @Test
    void anEvictedPodIsNotCountedUntilItIsDeletingAndAnUnknownControllerFailsSafe() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, "--controllers=disruption")) {
            for (int i = 0; i < 3; i++) {
                h.join(h.of(PodKind.RESOURCE).create(pod("api-" + i, "api", null, true)));
            }
            h.join(h.of(PodDisruptionBudgetKind.RESOURCE)
                    .create(budget(
                            "api", "api", PodDisruptionBudgetSpec.newBuilder().setMinAvailable(IntOrString.of(1)))));
            await(h, "api", "3/1/3/2");

            // what the eviction subresource writes: one disruption spent on api-0
            h.join(h.of(PodDisruptionBudgetKind.RESOURCE)
                    .guaranteedUpdate(
                            "default",
                            "api",
                            p -> p.toBuilder()
                                    .setStatus(p.getStatus().toBuilder()
                                            .setDisruptionsAllowed(1)
                                            .putDisruptedPods("api-0", Times.nowSeconds()))
                                    .build()));
            PodDisruptionBudget spent = await(h, "api", "2/1/3/1");
            assertThat(spent.getStatus().getDisruptedPodsMap()).containsKey("api-0");

            // the pod's deletion shows: the entry is dropped, the pod still not counted
            h.join(h.of(PodKind.RESOURCE)
                    .guaranteedUpdate(
                            "default",
                            "api-0",
                            p -> p.toBuilder()
                                    .setMetadata(p.getMetadata().toBuilder().setDeletionTimestamp(Times.nowSeconds()))
                                    .build()));
            PodDisruptionBudget deleting = Poll.until(
                    WAIT,
                    "api-0 out of disruptedPods",
                    () -> h.getOrNull(PodDisruptionBudgetKind.RESOURCE, "default", "api"),
                    p -> p.getStatus().getDisruptedPodsCount() == 0);
            assertThat(counts(deleting)).isEqualTo("2/1/3/1");

            // a percentage needs the pods' controllers; a kind kubelite does not know fails safe
            OwnerReference statefulSet = OwnerReference.newBuilder()
                    .setApiVersion("apps/v1")
                    .setKind("StatefulSet")
                    .setName("db")
                    .setUid("db-uid")
                    .setController(true)
                    .build();
            h.join(h.of(PodKind.RESOURCE).create(pod("db-0", "db", statefulSet, true)));
            h.join(h.of(PodDisruptionBudgetKind.RESOURCE)
                    .create(budget(
                            "db",
                            "db",
                            PodDisruptionBudgetSpec.newBuilder().setMaxUnavailable(IntOrString.of("10%")))));
            PodDisruptionBudget failed = Poll.until(
                    WAIT,
                    "pdb db SyncFailed",
                    () -> h.getOrNull(PodDisruptionBudgetKind.RESOURCE, "default", "db"),
                    p -> p.getStatus().getConditionsCount() > 0
                            && allowedCondition(p).getReason().equals("SyncFailed"));
            assertThat(allowedCondition(failed).getMessage()).isEqualTo("found no controllers for pod \"db-0\"");
            assertThat(failed.getStatus().getDisruptionsAllowed()).isZero();
        }
    }
}
