package io.kubelite.kubelet;

import static io.kubelite.kubelet.SimHarness.container;
import static io.kubelite.kubelet.SimHarness.pod;
import static io.kubelite.kubelet.SimHarness.sh;
import static io.kubelite.kubelet.SimHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.kubelite.api.Lease;
import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.Pod;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class NodeAgentTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration T = Duration.ofSeconds(20);

    private static NodeCondition cond(Node n, String type) {
        return n.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void registersNodesWithLabelsCapacityConditionsAndRenewsLeases() throws Exception {
        try (SimHarness h = new SimHarness(
                ETCD,
                new KubeletSimOptions()
                        .nodes(3)
                        .zones(List.of("a", "b"))
                        .timeScale(10)
                        .cpu("4")
                        .memory("16Gi")
                        .maxPods(50))) {
            List<Node> nodes = h.listNodes();
            assertThat(nodes)
                    .extracting(n -> n.getMetadata().getName())
                    .containsExactlyInAnyOrder("sim-node-0", "sim-node-1", "sim-node-2");
            Node n1 = h.nodes.get(null, "sim-node-1").join();
            assertThat(n1.getMetadata().getLabelsMap())
                    .containsEntry("kubernetes.io/hostname", "sim-node-1")
                    .containsEntry("topology.kubernetes.io/zone", "b");
            assertThat(h.nodes.get(null, "sim-node-2").join().getMetadata().getLabelsMap())
                    .containsEntry("topology.kubernetes.io/zone", "a");
            assertThat(n1.getStatus().getCapacityMap())
                    .containsEntry("cpu", "4")
                    .containsEntry("memory", "16Gi")
                    .containsEntry("pods", "50");
            assertThat(n1.getStatus().getAllocatableMap()).containsEntry("cpu", "4");
            assertThat(cond(n1, "Ready").getStatus()).isEqualTo("True");
            assertThat(cond(n1, "Ready").getReason()).isEqualTo("KubeletReady");
            for (String t : List.of("MemoryPressure", "DiskPressure", "PIDPressure")) {
                assertThat(cond(n1, t).getStatus()).isEqualTo("False");
                assertThat(cond(n1, t).hasLastHeartbeatTime()).isTrue();
                assertThat(cond(n1, t).hasLastTransitionTime()).isTrue();
            }
            assertThat(n1.getStatus().getAddressesList())
                    .anyMatch(a ->
                            a.getType().equals("InternalIP") && a.getAddress().equals("127.0.0.1"));
            assertThat(n1.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort())
                    .isEqualTo(h.sim.kubeletPort());
            assertThat(n1.getStatus().getNodeInfo().getKubeletVersion()).isNotEmpty();

            Lease l = h.leases.get("kube-node-lease", "sim-node-1").join();
            assertThat(l.getSpec().getHolderIdentity()).isEqualTo("sim-node-1");
            assertThat(l.getSpec().getLeaseDurationSeconds()).isEqualTo(4); // 40 s at scale 10
            assertThat(l.getMetadata().getOwnerReferences(0).getUid())
                    .isEqualTo(n1.getMetadata().getUid());
            long renew1 = Timestamps.toMillis(l.getSpec().getRenewTime());
            Poll.until(
                    T,
                    "lease renewed (every 1 s at scale 10)",
                    () -> Timestamps.toMillis(h.leases
                                    .get("kube-node-lease", "sim-node-1")
                                    .join()
                                    .getSpec()
                                    .getRenewTime())
                            > renew1);

            // the controller-manager marks the node Unknown: the next status check restores True with a new transition
            // time
            long t1 = Timestamps.toMillis(cond(n1, "Ready").getLastTransitionTime());
            h.nodes
                    .guaranteedUpdate(null, "sim-node-1", n -> {
                        var b = n.toBuilder();
                        var st = b.getStatusBuilder();
                        for (int i = 0; i < st.getConditionsCount(); i++) {
                            if (st.getConditions(i).getType().equals("Ready")) {
                                st.setConditions(
                                        i,
                                        st.getConditions(i).toBuilder()
                                                .setStatus("Unknown")
                                                .setReason("NodeStatusUnknown")
                                                .setMessage("Kubelet stopped posting node status."));
                            }
                        }
                        return b.build();
                    })
                    .join();
            Node back = Poll.value(T, "Ready True again", () -> {
                Node n = h.nodes.get(null, "sim-node-1").join();
                return cond(n, "Ready").getStatus().equals("True") ? n : null;
            });
            assertThat(Timestamps.toMillis(cond(back, "Ready").getLastTransitionTime()))
                    .isGreaterThan(t1);
        }
    }

    @Test
    void restartAdoptsNodesKeepingUidAndPodCidrWithoutDuplicates() throws Exception {
        String prefix = ETCD.newPrefix();
        KubeletSimOptions opts = new KubeletSimOptions().nodes(2).timeScale(10);
        String uid;
        try (SimHarness h = new SimHarness(ETCD, prefix, opts)) {
            uid = h.nodes.get(null, "sim-node-0").join().getMetadata().getUid();
            // what the controller-manager would do
            h.nodes
                    .guaranteedUpdate(
                            null,
                            "sim-node-0",
                            n -> n.toBuilder()
                                    .setSpec(n.getSpec().toBuilder().setPodCidr("10.244.7.0/24"))
                                    .build())
                    .join();
        }
        try (SimHarness h =
                new SimHarness(ETCD, prefix, new KubeletSimOptions().nodes(2).timeScale(10))) {
            assertThat(h.listNodes()).hasSize(2);
            Node n = h.nodes.get(null, "sim-node-0").join();
            assertThat(n.getMetadata().getUid()).isEqualTo(uid);
            assertThat(n.getSpec().getPodCidr()).isEqualTo("10.244.7.0/24");
            h.create(pod("p", "sim-node-0", "Always", sh("c", "sleep 600")));
            Pod p = h.awaitPhase("p", "Running", T);
            assertThat(p.getStatus().getPodIp()).startsWith("10.244.7.");
        }
    }

    @Test
    void withoutPodCidrPodsWaitInContainerCreating(@TempDir Path dir) throws Exception {
        try (SimHarness h =
                new SimHarness(ETCD, new KubeletSimOptions().nodes(1).timeScale(10))) {
            h.create(pod("waits", "sim-node-0", "Always", sh("c", "sleep 600")));
            Pod p = h.await("waits", T, "waiting", x -> status(x, "c") != null);
            assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
            assertThat(status(p, "c").getState().getWaiting().getReason()).isEqualTo("ContainerCreating");
            assertThat(p.getStatus().getPodIp()).isEmpty();
            h.nodes
                    .guaranteedUpdate(
                            null,
                            "sim-node-0",
                            n -> n.toBuilder()
                                    .setSpec(n.getSpec().toBuilder().setPodCidr("10.9.0.0/24"))
                                    .build())
                    .join();
            assertThat(h.awaitPhase("waits", "Running", T).getStatus().getPodIp())
                    .startsWith("10.9.0.");
        }
    }

    @Test
    void nodeConfigGivesHeterogeneousNodesAndNoExecuteTaintsRejectPods(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("nodes.yaml");
        Files.writeString(cfg, """
                apiVersion: v1
                kind: Node
                metadata:
                  name: gpu-0
                  labels:
                    accelerator: nvidia
                spec:
                  taints:
                  - key: dedicated
                    value: gpu
                    effect: NoExecute
                status:
                  capacity:
                    cpu: "32"
                    nvidia.com/gpu: "4"
                ---
                apiVersion: v1
                kind: Node
                metadata:
                  name: small-0
                status:
                  capacity:
                    cpu: "1"
                    pods: "2"
                """);
        try (SimHarness h = new SimHarness(
                ETCD, new KubeletSimOptions().nodeConfig(cfg).timeScale(10).podCidrFallback("10.201.0.0/16"))) {
            Node gpu = h.nodes.get(null, "gpu-0").join();
            assertThat(gpu.getMetadata().getLabelsMap())
                    .containsEntry("accelerator", "nvidia")
                    .containsEntry("kubernetes.io/hostname", "gpu-0");
            assertThat(gpu.getStatus().getCapacityMap())
                    .containsEntry("cpu", "32")
                    .containsEntry("nvidia.com/gpu", "4")
                    .containsEntry("memory", "32Gi");
            assertThat(gpu.getSpec().getTaints(0).getEffect()).isEqualTo("NoExecute");
            assertThat(h.nodes.get(null, "small-0").join().getStatus().getCapacityMap())
                    .containsEntry("pods", "2");

            h.create(pod("intolerant", "gpu-0", "Always", container("c", "nginx")));
            Pod rejected = h.awaitPhase("intolerant", "Failed", T);
            assertThat(rejected.getStatus().getMessage())
                    .isEqualTo("Pod was rejected: Predicate TaintToleration failed");
            var tolerant = pod("tolerant", "gpu-0", "Always", container("c", "nginx"));
            tolerant.getSpecBuilder()
                    .addTolerations(io.kubelite.api.Toleration.newBuilder()
                            .setKey("dedicated")
                            .setOperator("Equal")
                            .setValue("gpu")
                            .setEffect("NoExecute"));
            h.create(tolerant);
            h.awaitPhase("tolerant", "Running", T);

            h.create(pod("s1", "small-0", "Always", container("c", "nginx")));
            h.create(pod("s2", "small-0", "Always", container("c", "nginx")));
            h.awaitPhase("s1", "Running", T);
            h.awaitPhase("s2", "Running", T);
            h.create(pod("s3", "small-0", "Always", container("c", "nginx")));
            Pod full = h.awaitPhase("s3", "Failed", T);
            assertThat(full.getStatus().getReason()).isEqualTo("OutOfpods");
            assertThat(full.getStatus().getMessage())
                    .isEqualTo(
                            "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2");
            assertThat(Map.of()).isEmpty();
        }
    }
}
