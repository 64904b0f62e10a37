package io.kubelite.bench.dashboard;

import io.kubelite.api.Pod;
import io.kubelite.store.ObjectStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pod changes at a fixed rate, each one visible on the overview as a node's pod count: half are
 * creates of a pod bound to node {@code k % nodes} (its count goes up by one), half deletes of the
 * pod created {@code deleteAfter} creates earlier (its node's count goes back down). Both
 * are written straight into etcd (a delete removes the object at once, without the kubelet's
 * graceful stop, so what is measured is the dashboard, not the simulated container's shutdown).
 * Every change records its node, the count it leaves and the wall-clock time its write was
 * acknowledged.
 */
final class PodChurn {
    /** One acknowledged change: node {@code node} should now show {@code expectedPods}. */
    record Change(String node, int expectedPods, long writtenAtMillis) {}

    private final ObjectStore<Pod> pods;
    private final int nodes;
    private final int basePerNode;
    private final List<Change> changes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger failures = new AtomicInteger();
    private final java.util.Map<String, Integer> perNode = new java.util.HashMap<>(); // churn pods per node, as issued

    PodChurn(ObjectStore<Pod> pods, int nodes, int basePerNode) {
        this.pods = pods;
        this.nodes = nodes;
        this.basePerNode = basePerNode;
    }

    /**
     * Runs {@code perSecond} changes a second for {@code seconds} (paced by the clock, so a slow
     * write does not lower the rate), then waits for the last acknowledgements.
     */
    void run(int perSecond, int seconds, int deleteAfter) throws InterruptedException {
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long start = System.nanoTime();
        int total = perSecond * seconds;
        int created = 0;
        int deleted = 0;
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            boolean delete = i % 2 == 1 && created - deleted > deleteAfter;
            int k = delete ? deleted++ : created++;
            String node = BenchCluster.NODE_PREFIX + (k % nodes);
            String name = "churn-" + k;
            int expected = perNode.merge(node, delete ? -1 : 1, Integer::sum) + basePerNode;
            var write = delete
                    ? pods.delete(BenchPods.NAMESPACE, name).thenApply(d -> expected)
                    : pods.create(BenchPods.pod(name, node)).thenApply(p -> expected);
            write.whenComplete((shown, e) -> {
                if (e != null) {
                    failures.incrementAndGet();
                } else {
                    changes.add(new Change(node, shown, System.currentTimeMillis()));
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (changes.size() + failures.get() < total && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    List<Change> changes() {
        synchronized (changes) {
            return List.copyOf(changes);
        }
    }

    int failures() {
        return failures.get();
    }
}
