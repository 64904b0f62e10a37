package io.kubelite.store.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ExpiredException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import io.kubelite.store.TestObjects;
import io.kubelite.store.testing.EtcdExtension;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CompactorTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.managed(1);

    private static long write(ObjectStore<Pod> pods, String name) {
        return Long.parseLong(pods.create(TestObjects.pod("default", name))
                .join()
                .getMetadata()
                .getResourceVersion());
    }

    @Test
    void twoCompactorsKeepOneIntervalOfHistoryAndCompactOncePerRound() {
        String prefix = ETCD.newPrefix();
        Etcd a = ETCD.connect(prefix);
        Etcd b = ETCD.connect(prefix);
        ObjectStore<Pod> pods = new Store(a).of(PodKind.RESOURCE);
        // manual rounds (tick) instead of timers: each tick is "one interval later"
        try (Compactor ca = new Compactor(a, java.time.Duration.ofHours(1));
                Compactor cb = new Compactor(b, java.time.Duration.ofHours(1))) {
            long r1 = write(pods, "p1");
            ca.tick(); // a wins the first round (version 0 -> 1) and records the revision; nothing compacted at start
            cb.tick(); // b loses, learns version 1
            assertThat(ca.lastCompacted()).isZero();
            assertThat(cb.lastCompacted()).isZero();
            long r2 = write(pods, "p2");
            ca.tick(); // a wins again and compacts to what it recorded in round 1 (>= r1)
            long compactedTo = ca.lastCompacted();
            assertThat(compactedTo).isGreaterThanOrEqualTo(r1).isLessThan(r2);
            cb.tick(); // b loses this round: exactly one compaction per round
            assertThat(cb.lastCompacted()).isZero();

            Throwable old = catchThrowable(
                    () -> pods.list(ListOptions.<Pod>all().atRevision(r1 - 1)).join());
            assertThat(StoreException.unwrap(old)).isInstanceOf(ExpiredException.class);
            // history of the last round is still there
            assertThat(pods.list(ListOptions.<Pod>all().atRevision(r2)).join().items())
                    .hasSize(2);

            // a stops (crashes): b takes over within two rounds
            ca.close();
            long r3 = write(pods, "p3");
            cb.tick();
            cb.tick();
            assertThat(cb.lastCompacted()).isGreaterThanOrEqualTo(r2 - 1);
            write(pods, "p4");
            assertThat(pods.list(ListOptions.all()).join().items()).hasSize(4);
            assertThat(r3).isGreaterThan(r2);
        }
    }

    @Test
    void etcdDownMakesARoundFailQuietlyAndTheNextOneWorks() {
        try (Etcd e = Etcd.connect(ETCD.config(ETCD.newPrefix()).withRequestTimeout(java.time.Duration.ofSeconds(2)));
                Compactor c = new Compactor(e, java.time.Duration.ofHours(1))) {
            ETCD.cluster().pause(0);
            try {
                c.tick(); // bounded by the request deadline, logs, does not throw
            } finally {
                ETCD.cluster().resume(0);
            }
            c.tick();
            c.tick();
            assertThat(c.lastCompacted()).isPositive();
        } catch (CompletionException unexpected) {
            throw new AssertionError("a failed round must not throw", unexpected);
        }
    }
}
