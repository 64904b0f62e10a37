package io.kubelite.bench.common;

import io.kubelite.api.Pod;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Seeds a benchmark's pods: creates {@code count} pods (already bound, as the scheduler would
 * leave them), {@code inflight} creates at a time, and returns once a watcher has seen every one
 * {@code Running}, printing progress every 10 s. The watcher is closed before returning, so it
 * costs nothing during the measurement that follows.
 */
public final class RunningPods {
    private RunningPods() {}

    /**
     * @param pod the {@code i}-th pod to create, in {@code namespace}
     * @throws IllegalStateException if a create fails or not all are Running within {@code timeout}
     */
    public static void createAndAwait(
            ObjectStore<Pod> pods, String namespace, IntFunction<Pod> pod, int count, int inflight, Duration timeout)
            throws Exception {
        Set<String> running = ConcurrentHashMap.newKeySet();
        try (Informer<Pod> watcher = new Informer<>(pods, namespace)) {
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
                pods.create(pod.apply(i)).whenComplete((p, e) -> {
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
                if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
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
