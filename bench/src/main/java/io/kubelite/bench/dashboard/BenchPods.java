package io.kubelite.bench.dashboard;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.bench.common.RunningPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import java.time.Duration;
import java.util.List;

/**
 * The benchmark's pods: one-container pods in namespace {@value #NAMESPACE}, written straight into
 * etcd already bound ({@code spec.nodeName}), so no scheduler runs and kubelet-sim starts them,
 * as the other benchmarks seed theirs. Each requests 100m CPU and 64Mi, which the overview sums.
 */
final class BenchPods {
    static final String NAMESPACE = "dbench";

    private final ObjectStore<Pod> pods;

    BenchPods(Store store) {
        this.pods = store.of(PodKind.RESOURCE);
    }

    static Pod pod(String name, String node) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setNamespace(NAMESPACE)
                        .putLabels("app", "dbench"))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName(node)
                        .setRestartPolicy("Always")
                        .addContainers(Container.newBuilder()
                                .setName("app")
                                .setImage("busybox")
                                .addAllCommand(List.of("sh", "-c", "sleep 86400"))
                                .setResources(ResourceRequirements.newBuilder()
                                        .putRequests("cpu", "100m")
                                        .putRequests("memory", "64Mi"))))
                .build();
    }

    ObjectStore<Pod> store() {
        return pods;
    }

    /** Creates {@code count} pods round-robin over the nodes and returns once all are Running. */
    void seed(int count, int nodes, int inflight, Duration timeout) throws Exception {
        RunningPods.createAndAwait(
                pods, NAMESPACE, i -> pod("p-" + i, BenchCluster.NODE_PREFIX + (i % nodes)), count, inflight, timeout);
    }
}
