package io.kubelite.bench.metrics;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
     * them all {@code Running}; the watcher is closed before returning so it costs nothing later.
     *
     * @throws IllegalStateException if a create fails or not all are Running within {@code timeout}
     */
    void createAndAwaitRunning(int inflight, Duration timeout) throws Exception {
        ObjectStore<Pod> podStore = store.of(PodKind.RESOURCE);
        Set<String> running = ConcurrentHashMap.newKeySet();
        try (Informer<Pod> watcher = new Informer<>(podStore, NAMESPACE)) {
            watcher.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod p) {
                    seen(p);
                }

                @Override
                public void onUpdate(Pod o, Pod n) {
                    seen(n);
                }

                private void seen(Pod p) {
                    if (p.getStatus().getPhase().equals("Running")) {
                        running.add(p.getMetadata().getName());
                    }
                }
            });
            watcher.start();
            if (!watcher.awaitSynced(Duration.ofSeconds(60))) {
                throw new IllegalStateException("pod watcher did not sync in 60 s");
            }
            long t0 = System.nanoTime();
            Semaphore slots = new Semaphore(inflight);
            AtomicInteger failed = new AtomicInteger();
            AtomicReference<Throwable> firstError = new AtomicReference<>();
            for (int i = 0; i < pods; i++) {
                slots.acquire();
                podStore.create(pod(i)).whenComplete((p, e) -> {
                    slots.release();
                    if (e != null) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e);
                    }
                });
            }
            slots.acquire(inflight);
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " pod creates failed", firstError.get());
            }
            System.out.printf("created %d bound pods in %.1f s%n", pods, (System.nanoTime() - t0) / 1e9);
            long deadline = t0 + timeout.toNanos();
            long lastPrint = System.nanoTime();
            while (running.size() < pods) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + running.size() + " of " + pods + " pods Running");
                }
                if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
                    lastPrint = System.nanoTime();
                    System.out.printf("  %d/%d Running%n", running.size(), pods);
                }
                Thread.sleep(200);
            }
            System.out.printf(
                    "all %d pods Running %.1f s after the first create%n", pods, (System.nanoTime() - t0) / 1e9);
        }
    }
}
