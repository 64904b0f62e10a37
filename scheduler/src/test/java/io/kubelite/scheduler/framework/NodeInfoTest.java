package io.kubelite.scheduler.framework;

import static io.kubelite.scheduler.NodeAndPodBuilders.boundTo;
import static io.kubelite.scheduler.NodeAndPodBuilders.node;
import static io.kubelite.scheduler.NodeAndPodBuilders.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.Pod;
import io.kubelite.api.ResourceRequirements;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the scheduler reads of a node: its labels one by one, and the sums of its pods' requests. */
class NodeInfoTest {
    private static Pod podRequesting(String name, String cpu, String memory) {
        Pod.Builder b = boundTo(pod(name), "n1");
        b.getSpecBuilder()
                .setContainers(
                        0,
                        Container.newBuilder()
                                .setName("c")
                                .setImage("busybox")
                                .setResources(ResourceRequirements.newBuilder()
                                        .putRequests("cpu", cpu)
                                        .putRequests("memory", memory)));
        return b.build();
    }

    @Test
    void labelFollowsRelabelsWhateverInstanceOfTheKeyIsAsked() {
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            labels.put("key" + i, "v" + i);
        }
        labels.put("topology.kubernetes.io/zone", "zone-a");
        NodeInfo n = NodeInfo.of(node("n1", labels).build());
        // more keys than the memo holds, asked for twice in turn, each time by a fresh instance
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 8; i++) {
                assertThat(n.label(new String("key" + i))).isEqualTo("v" + i);
                assertThat(n.label("key" + i)).isEqualTo("v" + i);
            }
        }
        String zone = "topology.kubernetes.io/zone".intern();
        assertThat(n.label(zone)).isEqualTo("zone-a");
        assertThat(n.label("missing")).isNull();
        assertThat(n.label("missing")).isNull();

        labels.put("topology.kubernetes.io/zone", "zone-b");
        labels.remove("key3");
        n.setNode(node("n1", labels).build());
        assertThat(n.label(zone)).as("after the node moved zones").isEqualTo("zone-b");
        assertThat(n.label("key3")).as("a removed label").isNull();
        assertThat(n.label("key4")).isEqualTo("v4");

        // every node's value of a label is one instance (spread counts look domains up by it)
        NodeInfo other = NodeInfo.of(node("n2", Map.of("topology.kubernetes.io/zone", new String("zone-b")))
                .build());
        assertThat(other.label(zone)).isSameAs(n.label(zone));
    }

    @Test
    void requestSumsFollowPodsAddedReplacedAndRemoved() {
        NodeInfo n = NodeInfo.of(node("n1").build()); // 4 cpu, 8Gi, 110 pods
        assertThat(n.allocatableMilliCpu()).isEqualTo(4000);
        assertThat(n.allocatableMemory()).isEqualTo(8L << 30);
        assertThat(n.allocatablePods()).isEqualTo(110);

        n.addPod(new PodInfo(podRequesting("a", "500m", "1Gi")));
        n.addPod(new PodInfo(boundTo(pod("b"), "n1").build())); // requests nothing
        assertThat(n.requestedMilliCpu()).isEqualTo(500);
        assertThat(n.requestedMemory()).isEqualTo(1L << 30);
        assertThat(n.requestedPods()).isEqualTo(2);
        // b counts with kube's defaults for scoring: 100m and 200Mi
        assertThat(n.nonZeroRequestedMilliCpu()).isEqualTo(600);
        assertThat(n.nonZeroRequestedMemory()).isEqualTo((1L << 30) + (200L << 20));

        n.addPod(new PodInfo(podRequesting("a", "1", "2Gi"))); // a again, resized
        assertThat(n.requestedMilliCpu()).isEqualTo(1000);
        assertThat(n.requestedMemory()).isEqualTo(2L << 30);
        assertThat(n.requestedPods()).isEqualTo(2);

        assertThat(n.removePod("default/b")).isTrue();
        assertThat(n.removePod("default/b")).isFalse();
        assertThat(n.requestedPods()).isEqualTo(1);
        assertThat(n.nonZeroRequestedMilliCpu()).isEqualTo(1000);
        ResourceAmounts copy = n.requested();
        assertThat(copy.toString()).isEqualTo("cpu=1000m memory=" + (2L << 30) + " pods=1");
        copy.milliCpu = 0; // a copy: the node's sum stays
        assertThat(n.requestedMilliCpu()).isEqualTo(1000);
    }
}
