package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.ReplicaSetSpec;
import io.kubelite.api.Toleration;
import io.kubelite.controllers.nodelifecycle.Taints;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Node health, NoExecute taints, eviction, replacement and recovery, with compressed timings. */
class NodeLifecycleTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String[] FLAGS = {
        "--node-monitor-period",
        "500ms",
        "--node-monitor-grace-period",
        "3s",
        "--node-startup-grace-period",
        "3s",
        "--node-eviction-rate",
        "10",
        "--pod-gc-period",
        "1s"
    };

    static ReplicaSet rs(String name, int replicas, long tolerationSeconds) {
        var labels = java.util.Map.of("app", name);
        PodSpec.Builder spec = PodSpec.newBuilder()
                .setTerminationGracePeriodSeconds(0)
                .addContainers(Container.newBuilder().setName("c").setImage("nginx"));
        for (String key : List.of(Taints.NOT_READY, Taints.UNREACHABLE)) {
            spec.addTolerations(Toleration.newBuilder()
                    .setKey(key)
                    .setOperator("Exists")
                    .setEffect("NoExecute")
                    .setTolerationSeconds(tolerationSeconds));
        }
        return ReplicaSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
                .setSpec(ReplicaSetSpec.newBuilder()
                        .setReplicas(replicas)
                        .setSelector(LabelSelector.newBuilder().putAllMatchLabels(labels))
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().putAllLabels(labels))
                                .setSpec(spec)))
                .build();
    }

    static NodeCondition ready(Node n) {
        return n.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("Ready"))
                .findFirst()
                .orElseThrow();
    }

    static List<Pod> runningOn(ControllerManagerUnderTest h, String node) {
        return h.list(PodKind.RESOURCE, "default").stream()
                .filter(p -> p.getSpec().getNodeName().equals(node) && Pods.isActive(p))
                .toList();
    }

    @Test
    void silentNodeGoesUnknownIsTaintedEvictedReplacedAndRecovers() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, FLAGS);
                FakeKubelets k = new FakeKubelets(h, 300, "n1", "n2", "n3")) {
            h.join(h.of(ReplicaSetKind.RESOURCE).create(rs("web", 6, 2)));
            Poll.until(
                    Duration.ofSeconds(20),
                    "6 ready pods, 2 on n1",
                    () -> h.list(PodKind.RESOURCE, "default").stream()
                                            .filter(Pods::isReady)
                                            .count()
                                    == 6
                            && runningOn(h, "n1").size() == 2);
            List<String> onN1 = runningOn(h, "n1").stream()
                    .map(p -> p.getMetadata().getName())
                    .toList();

            k.stop("n1");
            Instant lastRenew = Times.instant(h.getOrNull(LeaseKind.RESOURCE, "kube-node-lease", "n1")
                    .getSpec()
                    .getRenewTime());
            Poll.until(
                    Duration.ofSeconds(10),
                    "n1 Ready=Unknown",
                    () -> ready(h.getOrNull(NodeKind.RESOURCE, null, "n1"))
                            .getStatus()
                            .equals("Unknown"));
            Duration took = Duration.between(lastRenew, Instant.now());
            assertThat(took)
                    .as("Unknown within grace 3s + period 0.5s + 1s")
                    .isLessThanOrEqualTo(Duration.ofMillis(4500 + 300));
            Node n1 = h.getOrNull(NodeKind.RESOURCE, null, "n1");
            for (NodeCondition c : n1.getStatus().getConditionsList()) {
                assertThat(c.getStatus()).isEqualTo("Unknown");
                assertThat(c.getMessage())
                        .isIn("Kubelet stopped posting node status.", "Kubelet never posted node status.");
            }
            assertThat(ready(n1).getReason()).isEqualTo("NodeStatusUnknown");
            Poll.until(
                    Duration.ofSeconds(5),
                    "unreachable:NoExecute taint on n1",
                    () -> Taints.has(
                            h.getOrNull(NodeKind.RESOURCE, null, "n1"), Taints.UNREACHABLE, Taints.NO_EXECUTE));
            Poll.until(
                    Duration.ofSeconds(5),
                    "NodeNotReady event",
                    () -> !h.events("NodeNotReady").isEmpty());
            // pods on n1 are marked not ready before their 2 s toleration runs out
            Poll.until(
                    Duration.ofSeconds(5),
                    "n1's pods not ready or gone",
                    () -> h.list(PodKind.RESOURCE, "default").stream()
                            .filter(p -> onN1.contains(p.getMetadata().getName()))
                            .noneMatch(Pods::isReady));
            // evicted after the toleration; force-deleted by the pod GC (dead kubelet); replaced on n2/n3
            Poll.until(
                    Duration.ofSeconds(15),
                    "n1's pods evicted and gone",
                    () -> h.list(PodKind.RESOURCE, "default").stream()
                            .noneMatch(p -> onN1.contains(p.getMetadata().getName())));
            Poll.until(
                    Duration.ofSeconds(5),
                    "a TaintManagerEviction event per evicted pod (written asynchronously)",
                    () -> h.events("TaintManagerEviction").stream()
                            .map(e -> e.getInvolvedObject().getName())
                            .toList()
                            .containsAll(onN1));
            Poll.until(Duration.ofSeconds(15), "6 ready replacements on n2/n3", () -> {
                List<Pod> ps = h.list(PodKind.RESOURCE, "default");
                return ps.size() == 6
                        && ps.stream().allMatch(Pods::isReady)
                        && ps.stream().noneMatch(p -> p.getSpec().getNodeName().equals("n1"));
            });

            k.resume("n1");
            Poll.until(Duration.ofSeconds(5), "n1 recovered: Ready=True, no controller taints", () -> {
                Node n = h.getOrNull(NodeKind.RESOURCE, null, "n1");
                return ready(n).getStatus().equals("True")
                        && !Taints.has(n, Taints.UNREACHABLE, Taints.NO_EXECUTE)
                        && !Taints.has(n, Taints.UNREACHABLE, Taints.NO_SCHEDULE);
            });
        }
    }

    @Test
    void noEvictionWhenEveryNodeGoesSilent() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, FLAGS);
                FakeKubelets k = new FakeKubelets(h, 300, "a1", "a2", "a3")) {
            h.join(h.of(ReplicaSetKind.RESOURCE).create(rs("db", 3, 1)));
            Poll.until(
                    Duration.ofSeconds(20),
                    "3 ready pods",
                    () -> h.list(PodKind.RESOURCE, "default").stream()
                                    .filter(Pods::isReady)
                                    .count()
                            == 3);
            List<String> before = h.list(PodKind.RESOURCE, "default").stream()
                    .map(p -> p.getMetadata().getName())
                    .sorted()
                    .toList();
            for (String n : List.of("a1", "a2", "a3")) {
                k.stop(n);
            }
            Poll.until(
                    Duration.ofSeconds(10),
                    "all nodes Unknown",
                    () -> h.list(NodeKind.RESOURCE, null).stream()
                            .allMatch(n -> ready(n).getStatus().equals("Unknown")));
            // well past the 1 s toleration plus a few monitor periods: nothing may be evicted
            Poll.holds(Duration.ofSeconds(4), "no eviction", () -> {
                List<Pod> ps = h.list(PodKind.RESOURCE, "default");
                assertThat(ps).as("no pod deleted or terminating").allMatch(Pods::isActive);
                assertThat(ps.stream()
                                .map(p -> p.getMetadata().getName())
                                .sorted()
                                .toList())
                        .isEqualTo(before);
            });
            assertThat(h.list(NodeKind.RESOURCE, null))
                    .noneMatch(n -> Taints.has(n, Taints.UNREACHABLE, Taints.NO_EXECUTE));
            assertThat(h.events("TaintManagerEviction")).isEmpty();
        }
    }
}
