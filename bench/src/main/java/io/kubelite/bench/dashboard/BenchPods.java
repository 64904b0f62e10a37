package io.kubelite.bench.dashboard;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
        Set<String> running = ConcurrentHashMap.newKeySet();
        try (Informer<Pod> watcher = new Informer<>(pods, NAMESPACE)) {
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
            for (int i = 0; i < count; i++) {
                slots.acquire();
                pods.create(pod("p-" + i, BenchCluster.NODE_PREFIX + (i % nodes)))
                        .whenComplete((p, e) -> {
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
            System.out.printf("created %d bound pods in %.1f s%n", count, (System.nanoTime() - t0) / 1e9);
            long deadline = t0 + timeout.toNanos();
            long lastPrint = System.nanoTime();
            while (running.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + running.size() + " of " + count + " pods Running");
                }
                if (System.nanoTime() - lastPrint > 10_000_000_000L) {
                    lastPrint = System.nanoTime();
                    System.out.printf("  %d/%d Running%n", running.size(), count);
                }
                Thread.sleep(200);
            }
            System.out.printf(
                    "all %d pods Running %.1f s after the first create%n", count, (System.nanoTime() - t0) / 1e9);
        }
    }
}
