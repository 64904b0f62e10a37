package io.kubelite.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.EtcdCluster;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.kubelite.store.watch.ResourceWatch;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A watcher sees every revision once, in order, while the etcd members it talks to are killed and restarted. */
class WatchThreeMemberTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.managed(3);

    @Test
    void watcherSeesEveryRevisionOnceWhileItsMemberIsKilledAndRestarted() throws Exception {
        EtcdCluster cluster = ETCD.cluster();
        String prefix = ETCD.newPrefix();
        // The watcher's client knows members 0 and 1; both are killed and restarted in turn, so whichever
        // member carries its stream is killed under it at least once. Writes go through all members.
        Etcd watchClient = Etcd.connect(new EtcdConfig(
                List.of(cluster.endpoints().get(0), cluster.endpoints().get(1)), prefix, Duration.ofSeconds(5)));
        Etcd writeClient = ETCD.connect(prefix);
        ObjectStore<Pod> pods = new Store(writeClient).of(PodKind.RESOURCE);
        long start = Long.parseLong(pods.create(TestObjects.pod("default", "start"))
                .join()
                .getMetadata()
                .getResourceVersion());

        WatchTesting.Recorder rec = new WatchTesting.Recorder();
        try (ResourceWatch<Pod> w = new Store(watchClient).of(PodKind.RESOURCE).watch(null, start + 1, rec);
                WatchTesting.Writer writer = new WatchTesting.Writer(pods)) {
            Poll.until(Duration.ofSeconds(10), "some events before the first kill", () -> rec.revisions.size() > 20);
            for (int member = 0; member < 2; member++) {
                cluster.kill(member);
                int atKill = rec.revisions.size();
                Poll.until(
                        Duration.ofSeconds(30),
                        "events after killing member " + member,
                        () -> rec.revisions.size() > atKill + 20);
                cluster.restart(member);
                int atRestart = rec.revisions.size();
                Poll.until(
                        Duration.ofSeconds(30),
                        "events after restarting member " + member,
                        () -> rec.revisions.size() > atRestart + 20);
            }
            writer.close();
            long last = writer.acked.get(writer.acked.size() - 1);
            Poll.until(
                    Duration.ofSeconds(30),
                    "watch catches up to " + last,
                    () -> rec.revisions.get(rec.revisions.size() - 1) >= last);
            WatchTesting.assertStrictlyIncreasing(rec.revisions);
            assertThat(rec.revisions).containsAll(writer.acked);
            assertThat(rec.revisions).isEqualTo(WatchTesting.historyRevisions(writeClient, prefix, start + 1, last));
            assertThat(rec.expired.get()).isNull();
            assertThat(w.interruptions())
                    .as("the watch stream was cut at least once")
                    .isPositive();
        } finally {
            watchClient.close();
        }
    }
}
