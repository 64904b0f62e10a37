package io.kubelite.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.Poll;
import io.kubelite.store.watch.ResourceWatch;
import io.kubelite.store.watch.WatchEvent;
import io.kubelite.store.watch.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Recording and checking helpers for watch tests. */
final class WatchTesting {
    private WatchTesting() {}

    /** Records what a watch delivered. */
    static class Recorder implements WatchListener<Pod> {
        final List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
        final List<WatchEvent<Pod>> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<ExpiredException> expired = new AtomicReference<>();
        final AtomicReference<Long> progress = new AtomicReference<>(0L);

        @Override
        public void onEvent(WatchEvent<Pod> e) {
            revisions.add(e.revision());
            events.add(e);
        }

        @Override
        public void onProgress(long revision) {
            progress.set(revision);
        }

        @Override
        public void onExpired(ExpiredException error) {
            expired.set(error);
        }
    }

    /** Writes one pod update after another, remembering each acknowledged revision. */
    static final class Writer implements AutoCloseable {
        final List<Long> acked = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger failures = new AtomicInteger();
        final Thread thread;

        Writer(ObjectStore<Pod> pods) {
            thread = new Thread(
                    () -> {
                        int i = 0;
                        while (!stop.get()) {
                            String name = "w" + (i % 10);
                            try {
                                Pod p = pods.create(TestObjects.pod("default", name + "-" + i))
                                        .join();
                                acked.add(Long.parseLong(p.getMetadata().getResourceVersion()));
                                Deleted<Pod> d =
                                        pods.delete("default", name + "-" + i).join();
                                acked.add(d.revision());
                            } catch (RuntimeException e) {
                                // etcd member down: this write may or may not have happened; the watch check uses
                                // etcd's history
                                failures.incrementAndGet();
                            }
                            i++;
                        }
                    },
                    "writer");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(30_000);
        }
    }

    static void assertStrictlyIncreasing(List<Long> revs) {
        List<Long> copy;
        synchronized (revs) {
            copy = new ArrayList<>(revs);
        }
        for (int i = 1; i < copy.size(); i++) {
            assertThat(copy.get(i))
                    .as("event %d after revision %d", i, copy.get(i - 1))
                    .isGreaterThan(copy.get(i - 1));
        }
    }

    /** Every revision of the test prefix in etcd's history between from and to, read with etcdctl-free jetcd. */
    static List<Long> historyRevisions(Etcd etcd, String prefix, long from, long to) {
        // a fresh watch from `from` on a healthy cluster replays the history exactly; use it as the oracle
        Recorder oracle = new Recorder();
        ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
        try (ResourceWatch<Pod> w = pods.watch(null, from, oracle)) {
            Poll.until(
                    Duration.ofSeconds(30),
                    "oracle watch replays up to " + to,
                    () -> !oracle.revisions.isEmpty() && oracle.revisions.get(oracle.revisions.size() - 1) >= to);
        }
        List<Long> out = new ArrayList<>();
        synchronized (oracle.revisions) {
            for (long r : oracle.revisions) {
                if (r <= to) {
                    out.add(r);
                }
            }
        }
        return out;
    }
}
