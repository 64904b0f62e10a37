package io.kubelite.scheduler.plugins;

import static io.kubelite.scheduler.NodeAndPodBuilders.boundTo;
import static io.kubelite.scheduler.NodeAndPodBuilders.node;
import static io.kubelite.scheduler.NodeAndPodBuilders.pod;
import static io.kubelite.scheduler.NodeAndPodBuilders.spread;
import static io.kubelite.scheduler.NodeAndPodBuilders.tolerate;
import static io.kubelite.scheduler.NodeAndPodBuilders.withAllocatable;
import static io.kubelite.scheduler.NodeAndPodBuilders.withTaint;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Affinity;
import io.kubelite.api.Container;
import io.kubelite.api.Node;
import io.kubelite.api.NodeSelector;
import io.kubelite.api.NodeSelectorRequirement;
import io.kubelite.api.NodeSelectorTerm;
import io.kubelite.api.Pod;
import io.kubelite.api.PreferredSchedulingTerm;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.api.Taint;
import io.kubelite.api.Toleration;
import io.kubelite.scheduler.framework.CycleState;
import io.kubelite.scheduler.framework.FitError;
import io.kubelite.scheduler.framework.Framework;
import io.kubelite.scheduler.framework.NodeInfo;
import io.kubelite.scheduler.framework.PodInfo;
import io.kubelite.scheduler.framework.Profile;
import io.kubelite.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Plugin and framework logic on NodeInfo objects (no etcd): Kubernetes' semantics, case by case. */
class FrameworkTest {
    private static final Map<String, String> FOO = Map.of("foo", "bar");

    /** node1, node2 in zoneA; node3, node4 in zoneB; foo=bar pods on node1, node2, node3. */
    private static List<NodeInfo> fourNodes() {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            String name = "node" + i;
            NodeInfo n = NodeInfo.of(node(name, Map.of("zone", i <= 2 ? "zoneA" : "zoneB", "node", name))
                    .build());
            if (i <= 3) {
                n.addPod(new PodInfo(boundTo(pod("p" + i, FOO, null), name).build()));
            }
            nodes.add(n);
        }
        return nodes;
    }

    /** Every node the framework may choose for {@code p}, over many attempts (ties are random). */
    private static Set<String> choices(Pod p, List<NodeInfo> nodes) {
        Framework f = defaults();
        Set<String> out = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Framework.Result r = f.schedule(new PodInfo(p), nodes);
            if (r.scheduled()) {
                out.add(r.nodeName());
            }
        }
        return out;
    }

    private static Set<String> feasible(Pod p, List<NodeInfo> nodes) {
        Framework f = defaults();
        Set<String> out = new HashSet<>();
        // filter each node alone: the feasible set, independent of scores
        for (NodeInfo n : nodes) {
            List<NodeInfo> all = nodes;
            CycleState s = new CycleState();
            PodInfo pi = new PodInfo(p);
            PodTopologySpread spread = new PodTopologySpread();
            NodeAffinity aff = new NodeAffinity();
            aff.preFilter(s, pi, all);
            Status pre = spread.preFilter(s, pi, all);
            boolean ok = new NodeUnschedulable().filter(s, pi, n).isSuccess()
                    && new TaintToleration().filter(s, pi, n).isSuccess()
                    && aff.filter(s, pi, n).isSuccess()
                    && new NodeResourcesFit().filter(s, pi, n).isSuccess()
                    && (pre.isSkip() || spread.filter(s, pi, n).isSuccess());
            if (ok) {
                out.add(n.name());
            }
        }
        assertThat(f).isNotNull();
        return out;
    }

    @Test
    void spreadMaxSkew1OnZoneGoesToZoneB() {
        Pod p = spread(pod("p4", FOO, null), 1, "zone", "DoNotSchedule", FOO).build();
        assertThat(feasible(p, fourNodes())).containsExactlyInAnyOrder("node3", "node4");
        assertThat(choices(p, fourNodes())).isSubsetOf("node3", "node4").isNotEmpty();
    }

    @Test
    void spreadMaxSkew2AllowsEitherZone() {
        Pod p = spread(pod("p4", FOO, null), 2, "zone", "DoNotSchedule", FOO).build();
        assertThat(feasible(p, fourNodes())).containsExactlyInAnyOrder("node1", "node2", "node3", "node4");
    }

    @Test
    void spreadOnZoneAndNodeGoesToNode4() {
        Pod.Builder b = spread(pod("p4", FOO, null), 1, "zone", "DoNotSchedule", FOO);
        Pod p = spread(b, 1, "node", "DoNotSchedule", FOO).build();
        assertThat(feasible(p, fourNodes())).containsExactly("node4");
        assertThat(choices(p, fourNodes())).containsExactly("node4");
    }

    @Test
    void spreadWithNodeAffinityIgnoresExcludedZone() {
        List<NodeInfo> nodes = fourNodes();
        // zoneC has two empty nodes: counted, they would make min 0 and rule out zoneB's node3/node4 too
        nodes.add(NodeInfo.of(
                node("node5", Map.of("zone", "zoneC", "node", "node5")).build()));
        nodes.add(NodeInfo.of(
                node("node6", Map.of("zone", "zoneC", "node", "node6")).build()));
        Pod.Builder withoutAffinity = spread(pod("p4", FOO, null), 1, "zone", "DoNotSchedule", FOO);
        assertThat(feasible(withoutAffinity.build(), nodes)).containsExactlyInAnyOrder("node5", "node6");

        Pod.Builder b = spread(pod("p4", FOO, null), 1, "zone", "DoNotSchedule", FOO);
        b.getSpecBuilder()
                .setAffinity(Affinity.newBuilder()
                        .setNodeAffinity(io.kubelite.api.NodeAffinity.newBuilder()
                                .setRequiredDuringSchedulingIgnoredDuringExecution(NodeSelector.newBuilder()
                                        .addNodeSelectorTerms(NodeSelectorTerm.newBuilder()
                                                .addMatchExpressions(req("zone", "NotIn", "zoneC"))))));
        assertThat(feasible(b.build(), nodes)).containsExactlyInAnyOrder("node3", "node4");
    }

    @Test
    void nodesWithoutTheTopologyKeyAreNotCandidates() {
        List<NodeInfo> nodes = fourNodes();
        nodes.add(NodeInfo.of(node("bare").build()));
        Pod p = spread(pod("p4", FOO, null), 5, "zone", "DoNotSchedule", FOO).build();
        assertThat(feasible(p, nodes)).doesNotContain("bare").hasSize(4);
        Pod soft =
                spread(pod("p5", FOO, null), 1, "zone", "ScheduleAnyway", FOO).build();
        assertThat(feasible(soft, nodes)).contains("bare").hasSize(5);
    }

    @Test
    void minDomainsTreatsMissingDomainsAsZero() {
        // both zones hold one pod: skew 1 everywhere is fine, unless 3 domains are required
        List<NodeInfo> nodes = new ArrayList<>();
        nodes.add(NodeInfo.of(
                node("a", Map.of("zone", "A")).build(),
                new PodInfo(boundTo(pod("x", FOO, null), "a").build())));
        nodes.add(NodeInfo.of(
                node("b", Map.of("zone", "B")).build(),
                new PodInfo(boundTo(pod("y", FOO, null), "b").build())));
        Pod.Builder b = spread(pod("p", FOO, null), 1, "zone", "DoNotSchedule", FOO);
        assertThat(feasible(b.build(), nodes)).containsExactlyInAnyOrder("a", "b");
        b.getSpecBuilder().getTopologySpreadConstraintsBuilder(0).setMinDomains(3);
        Pod p = b.build();
        assertThat(feasible(p, nodes)).isEmpty();
        Framework.Result r = defaults().schedule(new PodInfo(p), nodes);
        assertThat(r.fitError().message())
                .isEqualTo("0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints.");
    }

    @Test
    void scheduleAnywayPrefersTheEmptierDomainButNeverFilters() {
        Pod p = spread(pod("p4", FOO, null), 1, "zone", "ScheduleAnyway", FOO).build();
        assertThat(feasible(p, fourNodes())).hasSize(4);
        assertThat(choices(p, fourNodes())).isSubsetOf("node3", "node4").isNotEmpty();
    }

    @Test
    void fitErrorMessageSortsLikeKubeScheduler() {
        List<NodeInfo> nodes = fourNodes();
        // zoneB's nodes are full on cpu; zoneA's are ruled out by the spread constraint
        NodeInfo n3 = NodeInfo.of(
                withAllocatable(node("node3", Map.of("zone", "zoneB", "node", "node3")), "1", "8Gi", "110")
                        .build(),
                new PodInfo(boundTo(pod("p3", FOO, "1"), "node3").build()));
        NodeInfo n4 = NodeInfo.of(
                withAllocatable(node("node4", Map.of("zone", "zoneB", "node", "node4")), "1", "8Gi", "110")
                        .build(),
                new PodInfo(boundTo(pod("other", Map.of(), "1"), "node4").build()));
        nodes.set(2, n3);
        nodes.set(3, n4);
        Pod p = spread(pod("p4", FOO, "500m"), 1, "zone", "DoNotSchedule", FOO).build();
        Framework.Result r = defaults().schedule(new PodInfo(p), nodes);
        assertThat(r.scheduled()).isFalse();
        assertThat(r.fitError().message())
                .isEqualTo(
                        "0/4 nodes are available: 2 Insufficient cpu, 2 node(s) didn't match pod topology spread constraints.");
        assertThat(r.fitError().unschedulablePlugins())
                .containsExactlyInAnyOrder("NodeResourcesFit", "PodTopologySpread");
        assertThat(new FitError(0, Map.of(), Set.of(), "").message()).isEqualTo("no nodes available to schedule pods");
        // counts sort as strings, as Go's sort.Strings does
        assertThat(new FitError(12, Map.of("Insufficient cpu", 10, "Insufficient memory", 2), Set.of(), "").message())
                .isEqualTo("0/12 nodes are available: 10 Insufficient cpu, 2 Insufficient memory.");
    }

    @Test
    void resourcesFitCountsInitContainersAndPodCount() {
        Pod.Builder b = pod("big", Map.of(), "1");
        b.getSpecBuilder()
                .addInitContainers(Container.newBuilder()
                        .setName("init")
                        .setResources(ResourceRequirements.newBuilder()
                                .putRequests("cpu", "3")
                                .putRequests("memory", "1Gi")));
        b.getSpecBuilder()
                .addContainers(Container.newBuilder()
                        .setName("c2")
                        .setResources(ResourceRequirements.newBuilder().putLimits("memory", "2Gi")));
        PodInfo pi = new PodInfo(b.build());
        assertThat(pi.request().milliCpu).isEqualTo(3000);
        assertThat(pi.request().memory).isEqualTo(2L << 30);

        NodeInfo n = NodeInfo.of(withAllocatable(node("n"), "2", "4Gi", "1").build());
        Status s = new NodeResourcesFit().filter(new CycleState(), pi, n);
        assertThat(s.reasons()).containsExactly("Insufficient cpu");
        n.addPod(new PodInfo(boundTo(pod("small"), "n").build()));
        s = new NodeResourcesFit().filter(new CycleState(), pi, n);
        assertThat(s.reasons()).containsExactly("Too many pods", "Insufficient cpu");
        // a pod that requests nothing still needs a pod slot
        assertThat(new NodeResourcesFit()
                        .filter(new CycleState(), new PodInfo(pod("none").build()), n)
                        .reasons())
                .containsExactly("Too many pods");
    }

    @Test
    void taintsAndTolerations() {
        Taint noSchedule = Taint.newBuilder()
                .setKey("dedicated")
                .setValue("gpu")
                .setEffect("NoSchedule")
                .build();
        assertThat(TaintToleration.tolerates(tol("dedicated", "Equal", "gpu", "NoSchedule"), noSchedule))
                .isTrue();
        assertThat(TaintToleration.tolerates(tol("dedicated", "Equal", "cpu", "NoSchedule"), noSchedule))
                .isFalse();
        assertThat(TaintToleration.tolerates(tol("dedicated", "", "gpu", ""), noSchedule))
                .isTrue();
        assertThat(TaintToleration.tolerates(tol("dedicated", "Exists", "", ""), noSchedule))
                .isTrue();
        assertThat(TaintToleration.tolerates(tol("dedicated", "Exists", "", "NoExecute"), noSchedule))
                .isFalse();
        assertThat(TaintToleration.tolerates(tol("", "Exists", "", ""), noSchedule))
                .isTrue();
        assertThat(TaintToleration.tolerates(tol("other", "Exists", "", ""), noSchedule))
                .isFalse();

        NodeInfo tainted = NodeInfo.of(
                withTaint(node("t"), "dedicated", "gpu", "NoExecute").build());
        Status s = new TaintToleration().filter(new CycleState(), new PodInfo(pod("p").build()), tainted);
        assertThat(s.reasons()).containsExactly("node(s) had untolerated taint {dedicated: gpu}");
        assertThat(new TaintToleration()
                        .filter(
                                new CycleState(),
                                new PodInfo(tolerate(pod("p"), "dedicated", "Exists", "", "")
                                        .build()),
                                tainted)
                        .isSuccess())
                .isTrue();
        // PreferNoSchedule never filters, it scores
        NodeInfo soft =
                NodeInfo.of(withTaint(node("s"), "spot", "", "PreferNoSchedule").build());
        assertThat(new TaintToleration()
                        .filter(new CycleState(), new PodInfo(pod("p").build()), soft)
                        .isSuccess())
                .isTrue();
        assertThat(choices(
                        pod("p").build(),
                        List.of(soft, NodeInfo.of(node("plain").build()))))
                .containsExactly("plain");
    }

    @Test
    void notReadyNodesAreTaintedUnlessTolerated() {
        Node.Builder nb = node("down");
        nb.getStatusBuilder().getConditionsBuilder(0).setStatus("False");
        NodeInfo down = NodeInfo.of(nb.build());
        Node.Builder ub = node("gone");
        ub.getStatusBuilder().getConditionsBuilder(0).setStatus("Unknown");
        NodeInfo gone = NodeInfo.of(ub.build());
        Framework.Result r = defaults().schedule(new PodInfo(pod("p").build()), List.of(down, gone));
        assertThat(r.fitError().message())
                .isEqualTo("0/2 nodes are available: "
                        + "1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, "
                        + "1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.");
        Pod tolerant = tolerate(pod("p"), "node.kubernetes.io/not-ready", "Exists", "", "NoSchedule")
                .build();
        assertThat(defaults()
                        .schedule(new PodInfo(tolerant), List.of(down, gone))
                        .nodeName())
                .isEqualTo("down");
        // the controller's own NoExecute taint is not tolerated by a NoSchedule toleration
        NodeInfo evicting = NodeInfo.of(withTaint(node("evicting"), "node.kubernetes.io/unreachable", "", "NoExecute")
                .build());
        Pod noSchedOnly = tolerate(pod("p"), "node.kubernetes.io/unreachable", "Exists", "", "NoSchedule")
                .build();
        assertThat(defaults()
                        .schedule(new PodInfo(noSchedOnly), List.of(evicting))
                        .scheduled())
                .isFalse();
        Node.Builder cordoned = node("cordoned");
        cordoned.getSpecBuilder().setUnschedulable(true);
        assertThat(defaults()
                        .schedule(new PodInfo(pod("p").build()), List.of(NodeInfo.of(cordoned.build())))
                        .fitError()
                        .message())
                .isEqualTo("0/1 nodes are available: 1 node(s) were unschedulable.");
    }

    @Test
    void nodeAffinityOperatorsTermsAndSelector() {
        List<NodeInfo> nodes = List.of(
                NodeInfo.of(node("a", Map.of("disk", "ssd", "cores", "8")).build()),
                NodeInfo.of(node("b", Map.of("disk", "hdd", "cores", "2")).build()),
                NodeInfo.of(node("c", Map.of("cores", "x")).build()));
        assertThat(feasible(affinity(term(req("disk", "In", "ssd", "nvme"))), nodes))
                .containsExactly("a");
        assertThat(feasible(affinity(term(req("disk", "NotIn", "ssd"))), nodes)).containsExactlyInAnyOrder("b", "c");
        assertThat(feasible(affinity(term(req("disk", "Exists"))), nodes)).containsExactlyInAnyOrder("a", "b");
        assertThat(feasible(affinity(term(req("disk", "DoesNotExist"))), nodes)).containsExactly("c");
        assertThat(feasible(affinity(term(req("cores", "Gt", "4"))), nodes)).containsExactly("a");
        assertThat(feasible(affinity(term(req("cores", "Lt", "4"))), nodes)).containsExactly("b");
        // expressions ANDed, terms ORed
        assertThat(feasible(affinity(term(req("disk", "Exists"), req("cores", "Lt", "4"))), nodes))
                .containsExactly("b");
        assertThat(feasible(affinity(term(req("disk", "In", "ssd")), term(req("disk", "DoesNotExist"))), nodes))
                .containsExactlyInAnyOrder("a", "c");
        Pod.Builder sel = pod("p");
        sel.getSpecBuilder().putNodeSelector("disk", "hdd");
        assertThat(feasible(sel.build(), nodes)).containsExactly("b");
        Framework.Result r = defaults().schedule(new PodInfo(affinity(term(req("disk", "In", "tape")))), nodes);
        assertThat(r.fitError().message())
                .isEqualTo("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
    }

    /** A DaemonSet pod: the controller pins it with {@code matchFields metadata.name In [node]}; the scheduler binds it there. */
    @Test
    void matchFieldsOnMetadataNamePinsADaemonSetPod() {
        List<NodeInfo> nodes = List.of(
                NodeInfo.of(node("a", Map.of("disk", "ssd")).build()),
                NodeInfo.of(node("b", Map.of("disk", "ssd")).build()),
                NodeInfo.of(node("c", Map.of()).build()));
        NodeSelectorTerm pinB = NodeSelectorTerm.newBuilder()
                .addMatchFields(req("metadata.name", "In", "b"))
                .build();
        assertThat(feasible(affinity(pinB), nodes)).containsExactly("b");
        assertThat(choices(affinity(pinB), nodes)).containsExactly("b");
        // fields and expressions of one term are ANDed
        NodeSelectorTerm pinC = NodeSelectorTerm.newBuilder()
                .addMatchFields(req("metadata.name", "In", "c"))
                .addMatchExpressions(req("disk", "Exists"))
                .build();
        assertThat(feasible(affinity(pinC), nodes)).isEmpty();
        // only metadata.name is a node field selector: any other field matches nothing
        NodeSelectorTerm other = NodeSelectorTerm.newBuilder()
                .addMatchFields(req("metadata.uid", "In", "b"))
                .build();
        assertThat(feasible(affinity(other), nodes)).isEmpty();
    }

    @Test
    void preferredNodeAffinityWins() {
        Pod.Builder b = pod("p");
        b.getSpecBuilder()
                .setAffinity(Affinity.newBuilder()
                        .setNodeAffinity(io.kubelite.api.NodeAffinity.newBuilder()
                                .addPreferredDuringSchedulingIgnoredDuringExecution(PreferredSchedulingTerm.newBuilder()
                                        .setWeight(50)
                                        .setPreference(term(req("disk", "In", "ssd"))))));
        List<NodeInfo> nodes = List.of(
                NodeInfo.of(node("a", Map.of("disk", "ssd")).build()),
                NodeInfo.of(node("b", Map.of("disk", "hdd")).build()),
                NodeInfo.of(node("c").build()));
        assertThat(choices(b.build(), nodes)).containsExactly("a");
    }

    @Test
    void leastAllocatedSpreadsLoad() {
        NodeInfo busy = NodeInfo.of(
                node("busy").build(),
                new PodInfo(boundTo(pod("x", Map.of(), "3"), "busy").build()));
        NodeInfo idle = NodeInfo.of(node("idle").build());
        assertThat(choices(pod("p", Map.of(), "500m").build(), List.of(busy, idle)))
                .containsExactly("idle");
    }

    @Test
    void onlyEnoughFeasibleNodesAreEvaluatedOnLargeClusters() {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            nodes.add(NodeInfo.of(node(String.format("n%04d", i)).build()));
        }
        Framework f = defaults();
        Framework.Result r = f.schedule(new PodInfo(pod("p").build()), nodes);
        // 1000 nodes: 50% - 1000/125 = 42% -> 420 nodes
        assertThat(r.evaluatedNodes()).isEqualTo(420);
        assertThat(r.feasibleNodes()).isEqualTo(420);
    }

    private static Toleration tol(String key, String op, String value, String effect) {
        return Toleration.newBuilder()
                .setKey(key)
                .setOperator(op)
                .setValue(value)
                .setEffect(effect)
                .build();
    }

    static NodeSelectorRequirement req(String key, String op, String... values) {
        return NodeSelectorRequirement.newBuilder()
                .setKey(key)
                .setOperator(op)
                .addAllValues(List.of(values))
                .build();
    }

    static NodeSelectorTerm term(NodeSelectorRequirement... reqs) {
        return NodeSelectorTerm.newBuilder()
                .addAllMatchExpressions(List.of(reqs))
                .build();
    }

    static Pod affinity(NodeSelectorTerm... terms) {
        Pod.Builder b = pod("p");
        b.getSpecBuilder()
                .setAffinity(Affinity.newBuilder()
                        .setNodeAffinity(io.kubelite.api.NodeAffinity.newBuilder()
                                .setRequiredDuringSchedulingIgnoredDuringExecution(
                                        NodeSelector.newBuilder().addAllNodeSelectorTerms(List.of(terms)))));
        return b.build();
    }

    private static Framework defaults() {
        return InTreePlugins.defaultProfile().build(InTreePlugins.registry(), 0);
    }

    @Test
    void aProfileNamingAnUnknownPluginIsRefusedWithTheKnownNames() {
        Profile p = new Profile(java.util.List.of("NodeUnschedulable", "NodePorts"), java.util.Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.build(InTreePlugins.registry(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown scheduler plugin 'NodePorts'; known: [NodeAffinity, ");
    }
}
