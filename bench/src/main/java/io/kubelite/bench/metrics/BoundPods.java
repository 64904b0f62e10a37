package io.kubelite.bench.metrics;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.bench.common.RunningPods;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Store;
import java.time.Duration;
import java.util.List;

/**
 * The benchmark's workload: {@code pods} one-container pods in namespace {@value #NAMESPACE},
 * written straight into etcd already bound ({@code spec.nodeName}) round-robin to the nodes a
 * kubelet-sim registered, so no scheduler runs. Each container requests 100m CPU and 64Mi, which
 * is what kubelet-sim's simulated idle usage is a share of. No probes: the benchmark is about
 * the usage pipeline, not the probe timers.
 */
final class BoundPods {
    static final String NAMESPACE = "mbench";

    private final Store store;
    private final String nodePrefix;
    private final int nodes;
    private final int pods;

    BoundPods(Store store, String nodePrefix, int nodes, int pods) {
        this.store = store;
        this.nodePrefix = nodePrefix;
        this.nodes = nodes;
        this.pods = pods;
    }

    static String podName(int i) {
        return "mb-" + i;
    }

    private Pod pod(int i) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(podName(i))
                        .setNamespace(NAMESPACE)
                        .putLabels("app", "mbench"))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName(nodePrefix + (i % nodes))
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

    /**
     * Creates every pod, {@code inflight} creates at a time, and returns once a watcher has seen
     * them all {@code Running} ({@link RunningPods}).
     */
    void createAndAwaitRunning(int inflight, Duration timeout) throws Exception {
        RunningPods.createAndAwait(store.of(PodKind.RESOURCE), NAMESPACE, this::pod, pods, inflight, timeout);
    }
}
