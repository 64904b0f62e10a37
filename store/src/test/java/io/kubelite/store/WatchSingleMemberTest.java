package io.kubelite.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.EtcdCluster;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.kubelite.store.watch.ResourceWatch;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Watch resume across a full restart, compaction and progress, on a one-member etcd. */
class WatchSingleMemberTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.managed(1);

    @Test
    void watcherSurvivesAFullRestartOfASingleMemberCluster() throws Exception {
        EtcdCluster cluster = ETCD.cluster();
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
        long start = Long.parseLong(pods.create(TestObjects.pod("default", "start"))
                .join()
                .getMetadata()
                .getResourceVersion());
        WatchTesting.Recorder rec = new WatchTesting.Recorder();
        try (ResourceWatch<Pod> w = pods.watch(null, start + 1, rec)) {
            for (int i = 0; i < 10; i++) {
                pods.create(TestObjects.pod("default", "before-" + i)).join();
            }
            Poll.until(Duration.ofSeconds(10), "10 events", () -> rec.revisions.size() == 10);
            cluster.kill(0);
            cluster.restart(0);
            long last = 0;
            for (int i = 0; i < 10; i++) {
                last = Long.parseLong(Poll.value(Duration.ofSeconds(30), "write after restart", () -> {
                            try {
                                return pods.create(TestObjects.pod(
                                                "default", "after-" + rec.hashCode() + "-" + System.nanoTime()))
                                        .join();
                            } catch (RuntimeException e) {
                                return null;
                            }
                        })
                        .getMetadata()
                        .getResourceVersion());
            }
            long lastRev = last;
            Poll.until(
                    Duration.ofSeconds(30),
                    "watch resumes to " + lastRev,
                    () -> !rec.revisions.isEmpty() && rec.revisions.get(rec.revisions.size() - 1) == lastRev);
            WatchTesting.assertStrictlyIncreasing(rec.revisions);
            assertThat(rec.revisions).hasSize(20);
            assertThat(rec.revisions).isEqualTo(WatchTesting.historyRevisions(etcd, prefix, start + 1, lastRev));
        }
    }

    @Test
    void compactedStartRevisionIsExpired() {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
        long first = Long.parseLong(pods.create(TestObjects.pod("default", "a"))
                .join()
                .getMetadata()
                .getResourceVersion());
        pods.create(TestObjects.pod("default", "b")).join();
        long latest = Long.parseLong(pods.create(TestObjects.pod("default", "c"))
                .join()
                .getMetadata()
                .getResourceVersion());
        ETCD.cluster().compact(latest);
        WatchTesting.Recorder rec = new WatchTesting.Recorder();
        try (ResourceWatch<Pod> w = pods.watch(null, first, rec)) {
            Poll.until(Duration.ofSeconds(10), "expired", () -> rec.expired.get() != null);
            assertThat(rec.revisions).isEmpty();
            assertThat(w.isClosed()).isTrue();
        }
    }

    @Test
    void idleWatcherRevisionAdvancesThroughProgressNotifications() {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
        ObjectStore<io.kubelite.api.Node> nodes = new Store(etcd).of(NodeKind.RESOURCE);
        long start = Long.parseLong(pods.create(TestObjects.pod("default", "a"))
                .join()
                .getMetadata()
                .getResourceVersion());
        WatchTesting.Recorder rec = new WatchTesting.Recorder();
        try (ResourceWatch<Pod> w = pods.watch(null, start + 1, rec)) {
            long other = Long.parseLong(nodes.create(TestObjects.node("n-" + System.nanoTime()))
                    .join()
                    .getMetadata()
                    .getResourceVersion());
            Poll.until(
                    Duration.ofSeconds(15),
                    "pod watch progresses to " + other + " without pod events",
                    () -> rec.progress.get() >= other);
            assertThat(rec.revisions).isEmpty();
            assertThat(w.lastRevision()).isGreaterThanOrEqualTo(other);
        }
    }

    @Test
    void previousStatesComeOnlyToListenersThatAskForThem() {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
        Pod created = pods.create(TestObjects.pod("default", "a")).join();
        long start = Long.parseLong(created.getMetadata().getResourceVersion());
        WatchTesting.Recorder wants = new WatchTesting.Recorder();
        WatchTesting.Recorder doesNot = new WatchTesting.Recorder() {
            @Override
            public boolean wantsPrevious() {
                return false;
            }
        };
        try (ResourceWatch<Pod> w1 = pods.watch(null, start + 1, wants);
                ResourceWatch<Pod> w2 = pods.watch(null, start + 1, doesNot)) {
            Pod updated = pods.update(created.toBuilder()
                            .setMetadata(created.getMetadata().toBuilder().putLabels("x", "1"))
                            .build())
                    .join();
            pods.delete("default", "a").join();
            Poll.until(
                    Duration.ofSeconds(10),
                    "2 events each",
                    () -> wants.events.size() == 2 && doesNot.events.size() == 2);
            // MODIFIED: the state before the update only for the listener that asked for it
            assertThat(wants.events.get(0).previous().getMetadata().getLabelsMap())
                    .doesNotContainKey("x");
            assertThat(doesNot.events.get(0).previous()).isNull();
            assertThat(doesNot.events.get(0).object().getMetadata().getResourceVersion())
                    .isEqualTo(updated.getMetadata().getResourceVersion());
            // DELETED: the last state only for the listener that asked for previous states
            assertThat(wants.events.get(1).object().getMetadata().getLabelsMap())
                    .containsEntry("x", "1");
            assertThat(doesNot.events.get(1).type()).isEqualTo(io.kubelite.store.watch.WatchEvent.Type.DELETED);
            assertThat(doesNot.events.get(1).object()).isNull();
        }
    }

    @Test
    void aWatchDeliversRememberedWritesAsWrittenAndDecodesEveryOtherValue() {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
        Pod created = pods.create(TestObjects.pod("default", "a")).join();
        long start = Long.parseLong(created.getMetadata().getResourceVersion());
        Pod mine = pods.update(labelled(created, "1")).join();
        Pod theirs = pods.update(labelled(mine, "2")).join();
        Pod other = pods.create(TestObjects.pod("default", "b")).join();
        long theirsRev = Long.parseLong(theirs.getMetadata().getResourceVersion());
        io.kubelite.store.watch.KnownValues<Pod> known = new io.kubelite.store.watch.KnownValues<>();
        known.remember(
                pods.key("default", "a"), Long.parseLong(mine.getMetadata().getResourceVersion()), mine);
        // an entry for b at a revision that wrote a, not b: b's value is still decoded
        known.remember(pods.key("default", "b"), theirsRev, mine);
        WatchTesting.Recorder seen = new WatchTesting.Recorder() {
            @Override
            public io.kubelite.store.watch.KnownValues<Pod> knownValues() {
                return known;
            }
        };
        try (ResourceWatch<Pod> w = pods.watch(null, start + 1, seen)) {
            Poll.until(Duration.ofSeconds(10), "3 events", () -> seen.events.size() == 3);
            // the remembered write: the very object, equal to what etcd holds at that revision
            assertThat(seen.events.get(0).object()).isSameAs(mine);
            // a later value at the same key, and a value at a revision nothing was remembered for: decoded
            // (and equal to what update and create returned, which is what remember is given)
            assertThat(seen.events.get(1).object()).isNotSameAs(mine).isEqualTo(theirs);
            assertThat(seen.events.get(1).object().getMetadata().getLabelsMap()).containsEntry("x", "2");
            assertThat(seen.events.get(2).object()).isNotSameAs(mine).isEqualTo(other);
            assertThat(known.hits()).isEqualTo(1);
            assertThat(known.size()).isZero();
        }
    }

    private static Pod labelled(Pod p, String x) {
        return p.toBuilder()
                .setMetadata(p.getMetadata().toBuilder().putLabels("x", x))
                .build();
    }
}
