package io.kubelite.controllers.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Affinity;
import io.kubelite.api.Container;
import io.kubelite.api.DaemonSet;
import io.kubelite.api.DaemonSetSpec;
import io.kubelite.api.DaemonSetUpdateStrategy;
import io.kubelite.api.IntOrString;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.Node;
import io.kubelite.api.NodeAffinity;
import io.kubelite.api.NodeSelector;
import io.kubelite.api.NodeSelectorRequirement;
import io.kubelite.api.NodeSelectorTerm;
import io.kubelite.api.NodeSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.RollingUpdateDaemonSet;
import io.kubelite.api.Taint;
import io.kubelite.api.Toleration;
import io.kubelite.kinds.apps.daemonset.DaemonSetKind;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DaemonSet controller's rules as pure functions: eligibility, the pods it makes, rolling-update steps, back-off. */
class DaemonSetRulesTest {
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    static DaemonSet ds(UnaryOp<PodSpec.Builder> spec, Object surge, Object unavailable) {
        RollingUpdateDaemonSet.Builder ru = RollingUpdateDaemonSet.newBuilder()
                .setMaxSurge(surge instanceof Integer i ? IntOrString.of(i) : IntOrString.of((String) surge))
                .setMaxUnavailable(
                        unavailable instanceof Integer i ? IntOrString.of(i) : IntOrString.of((String) unavailable));
        return DaemonSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("agent")
                        .setNamespace("default")
                        .setUid("ds-uid")
                        .putAnnotations(DaemonSetKind.TEMPLATE_GENERATION, "2"))
                .setSpec(DaemonSetSpec.newBuilder()
                        .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "agent"))
                        .setUpdateStrategy(DaemonSetUpdateStrategy.newBuilder()
                                .setType("RollingUpdate")
                                .setRollingUpdate(ru))
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().putLabels("app", "agent"))
                                .setSpec(spec.apply(PodSpec.newBuilder()
                                        .addContainers(Container.newBuilder()
                                                .setName("a")
                                                .setImage("agent:2"))))))
                .build();
    }

    interface UnaryOp<T> {
        T apply(T t);
    }

    static Node node(String name, Map<String, String> labels, Taint... taints) {
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).putAllLabels(labels))
                .setSpec(NodeSpec.newBuilder().addAllTaints(List.of(taints)))
                .build();
    }

    static Taint taint(String key, String effect) {
        return Taint.newBuilder().setKey(key).setEffect(effect).build();
    }

    @Test
    void eligibilityFollowsSelectorAffinityAndTaints() {
        DaemonSet plain = ds(s -> s, 0, 1);
        assertThat(NodeEligibility.of(node("a", Map.of()), plain)).isEqualTo(NodeEligibility.YES);
        DaemonSet ssd = ds(s -> s.putNodeSelector("disk", "ssd"), 0, 1);
        assertThat(NodeEligibility.of(node("a", Map.of("disk", "hdd")), ssd)).isEqualTo(NodeEligibility.NO);
        assertThat(NodeEligibility.of(node("a", Map.of("disk", "ssd")), ssd)).isEqualTo(NodeEligibility.YES);
        DaemonSet notB = ds(
                s -> s.setAffinity(Affinity.newBuilder()
                        .setNodeAffinity(NodeAffinity.newBuilder()
                                .setRequiredDuringSchedulingIgnoredDuringExecution(NodeSelector.newBuilder()
                                        .addNodeSelectorTerms(NodeSelectorTerm.newBuilder()
                                                .addMatchFields(NodeSelectorRequirement.newBuilder()
                                                        .setKey("metadata.name")
                                                        .setOperator("NotIn")
                                                        .addValues("b")))))),
                0,
                1);
        assertThat(NodeEligibility.of(node("a", Map.of()), notB).shouldRun()).isTrue();
        assertThat(NodeEligibility.of(node("b", Map.of()), notB).shouldRun()).isFalse();
        // NoSchedule: no new pod, a running one stays; NoExecute: neither
        assertThat(NodeEligibility.of(node("a", Map.of(), taint("x", "NoSchedule")), plain))
                .isEqualTo(new NodeEligibility(false, true));
        assertThat(NodeEligibility.of(node("a", Map.of(), taint("x", "NoExecute")), plain))
                .isEqualTo(NodeEligibility.NO);
        assertThat(NodeEligibility.of(node("a", Map.of(), taint("x", "PreferNoSchedule")), plain))
                .isEqualTo(NodeEligibility.YES);
        // the tolerations every DaemonSet pod gets
        for (String t : List.of(
                "node.kubernetes.io/disk-pressure",
                "node.kubernetes.io/memory-pressure",
                "node.kubernetes.io/pid-pressure",
                "node.kubernetes.io/unschedulable")) {
            assertThat(NodeEligibility.of(node("a", Map.of(), taint(t, "NoSchedule")), plain))
                    .as(t)
                    .isEqualTo(NodeEligibility.YES);
        }
        assertThat(NodeEligibility.of(node("a", Map.of(), taint("node.kubernetes.io/unreachable", "NoExecute")), plain))
                .isEqualTo(NodeEligibility.YES);
        Taint net = taint("node.kubernetes.io/network-unavailable", "NoSchedule");
        assertThat(NodeEligibility.of(node("a", Map.of(), net), plain).shouldRun())
                .isFalse();
        assertThat(NodeEligibility.of(node("a", Map.of(), net), ds(s -> s.setHostNetwork(true), 0, 1)))
                .isEqualTo(NodeEligibility.YES);
        DaemonSet tolerant =
                ds(s -> s.addTolerations(Toleration.newBuilder().setKey("x").setOperator("Exists")), 0, 1);
        assertThat(NodeEligibility.of(node("a", Map.of(), taint("x", "NoExecute")), tolerant))
                .isEqualTo(NodeEligibility.YES);
    }

    @Test
    void podsArePinnedLabelledAndRecognised() {
        DaemonSet d = ds(
                s -> s.setAffinity(Affinity.newBuilder()
                        .setNodeAffinity(NodeAffinity.newBuilder()
                                .setRequiredDuringSchedulingIgnoredDuringExecution(NodeSelector.newBuilder()
                                        .addNodeSelectorTerms(NodeSelectorTerm.newBuilder()
                                                .addMatchExpressions(NodeSelectorRequirement.newBuilder()
                                                        .setKey("disk")
                                                        .setOperator("Exists")))))),
                0,
                1);
        String hash = DaemonPods.hash(d);
        Pod p = DaemonPods.forNode(
                d, "n7", hash, OwnerReference.newBuilder().setUid("ds-uid").build());
        assertThat(p.getMetadata().getGenerateName()).isEqualTo("agent-");
        assertThat(p.getMetadata().getLabelsMap())
                .containsEntry("app", "agent")
                .containsEntry("pod-template-generation", "2")
                .containsEntry("controller-revision-hash", hash);
        // the template's required terms are replaced by the node's name
        assertThat(p.getSpec()
                        .getAffinity()
                        .getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()
                        .getNodeSelectorTermsList())
                .singleElement()
                .satisfies(t -> assertThat(t.getMatchExpressionsList()).isEmpty());
        assertThat(DaemonPods.targetNode(p)).isEqualTo("n7");
        assertThat(DaemonPods.isUpdated(p, hash, 2)).isTrue();
        assertThat(DaemonPods.isUpdated(p, "other", 2)).isTrue();
        assertThat(DaemonPods.isUpdated(p, "other", 3)).isFalse();
        // a template change changes the hash
        DaemonSet.Builder b = d.toBuilder();
        b.getSpecBuilder()
                .getTemplateBuilder()
                .getSpecBuilder()
                .getContainersBuilder(0)
                .setImage("agent:3");
        assertThat(DaemonPods.hash(b.build())).isNotEqualTo(hash);
    }

    static Pod pod(String name, String node, boolean updated, boolean ready) {
        Pod.Builder p = Pod.newBuilder()
                .setMetadata(
                        ObjectMeta.newBuilder().setName(name).putLabels("pod-template-generation", updated ? "2" : "1"))
                .setSpec(PodSpec.newBuilder().setNodeName(node));
        p.getStatusBuilder().setPhase("Running");
        if (ready) {
            p.getStatusBuilder()
                    .addConditions(PodCondition.newBuilder()
                            .setType("Ready")
                            .setStatus("True")
                            .setLastTransitionTime(io.kubelite.controllers.util.Times.ts(NOW.minusSeconds(60))));
        }
        return p.build();
    }

    @Test
    void rollingUpdateStepsRespectMaxUnavailableAndMaxSurge() {
        Map<String, List<Pod>> nodes = new LinkedHashMap<>();
        nodes.put("n1", List.of(pod("old1", "n1", false, true)));
        nodes.put("n2", List.of(pod("old2", "n2", false, true)));
        nodes.put("n3", List.of(pod("old3", "n3", false, false)));
        nodes.put("n4", List.of(pod("new4", "n4", true, true)));
        // maxUnavailable 1: the unavailable old pod goes at once, and it uses up the budget
        RollingUpdate.Step s = RollingUpdate.step(ds(x -> x, 0, 1), nodes, 4, "", 2, NOW);
        assertThat(s.delete()).extracting(p -> p.getMetadata().getName()).containsExactly("old3");
        assertThat(s.create()).isEmpty();
        // 50% of 4 nodes = 2
        s = RollingUpdate.step(ds(x -> x, 0, "50%"), nodes, 4, "", 2, NOW);
        assertThat(s.delete()).extracting(p -> p.getMetadata().getName()).containsExactly("old3", "old1");
        // maxSurge 1: a new pod beside an available old one on one node, at once beside the unavailable one
        s = RollingUpdate.step(ds(x -> x, 1, 0), nodes, 4, "", 2, NOW);
        assertThat(s.create()).containsExactly("n3", "n1");
        assertThat(s.delete()).isEmpty();
        // an available new pod beside an old one: the old one goes
        nodes.put("n1", List.of(pod("old1", "n1", false, true), pod("new1", "n1", true, true)));
        s = RollingUpdate.step(ds(x -> x, 1, 0), nodes, 4, "", 2, NOW);
        assertThat(s.delete()).extracting(p -> p.getMetadata().getName()).containsExactly("old1");
        assertThat(s.create()).containsExactly("n3", "n2");
        // percentages round up; both 0 of no nodes means 1 unavailable
        assertThat(RollingUpdate.limits(ds(x -> x, 0, "10%"), 11)).containsExactly(0, 2);
        assertThat(RollingUpdate.limits(ds(x -> x, "10%", 0), 0)).containsExactly(0, 1);
    }

    @Test
    void failedPodBackoffDoublesToFifteenMinutes() {
        java.time.Clock clock = java.time.Clock.fixed(NOW, ZoneOffset.UTC);
        FailedPodBackoff b = new FailedPodBackoff(clock);
        String k = FailedPodBackoff.key("uid", 1, "n1");
        assertThat(b.inBackoff(k, NOW)).isFalse();
        b.next(k, NOW);
        assertThat(b.delay(k)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.inBackoff(k, NOW.plusMillis(999))).isTrue();
        assertThat(b.inBackoff(k, NOW.plusSeconds(1))).isFalse();
        Instant t = NOW;
        for (int i = 0; i < 12; i++) {
            t = t.plusSeconds(1);
            b.next(k, t);
        }
        assertThat(b.delay(k)).isEqualTo(Duration.ofMinutes(15));
        // untouched for twice the maximum: starts over
        b.next(k, t.plus(Duration.ofMinutes(31)));
        assertThat(b.delay(k)).isEqualTo(Duration.ofSeconds(1));
    }
}
