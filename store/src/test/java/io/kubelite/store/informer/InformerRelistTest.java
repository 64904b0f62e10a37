package io.kubelite.store.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.TestObjects;
import io.kubelite.store.testing.EtcdCluster;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Compaction while an informer is cut off: it relists, its cache equals etcd afterwards,
 * and it delivers the deletes it missed.
 */
class InformerRelistTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.managed(3);

    private static Map<String, String> versions(List<Pod> pods) {
        return pods.stream()
                .collect(Collectors.toMap(
                        p -> Informer.keyOf(p.getMetadata()),
                        p -> p.getMetadata().getResourceVersion()));
    }

    @Test
    void compactionWhileDisconnectedForcesARelistThatConverges() {
        EtcdCluster cluster = ETCD.cluster();
        String prefix = ETCD.newPrefix();
        // The informer talks only to a follower; the writer only to the other two members. Cutting off a follower
        // keeps the cluster's leader, so the writer's requests are not caught in a leader election.
        int leader = cluster.leaderIndex();
        int cut = (leader + 1) % 3;
        List<String> others = new ArrayList<>(cluster.endpoints());
        others.remove(cut);
        Etcd viaFollower =
                Etcd.connect(new EtcdConfig(List.of(cluster.endpoints().get(cut)), prefix, Duration.ofSeconds(5)));
        Etcd viaOthers = Etcd.connect(new EtcdConfig(others, prefix, Duration.ofSeconds(5)));
        ObjectStore<Pod> writer = new Store(viaOthers).of(PodKind.RESOURCE);
        for (int i = 0; i < 50; i++) {
            writer.create(TestObjects.pod("default", "p" + i)).join();
        }
        List<String> deleted = Collections.synchronizedList(new ArrayList<>());
        List<String> added = Collections.synchronizedList(new ArrayList<>());
        try (Informer<Pod> inf = new Informer<>(new Store(viaFollower).of(PodKind.RESOURCE), null)) {
            inf.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod obj) {
                    added.add(obj.getMetadata().getName());
                }

                @Override
                public void onDelete(Pod obj) {
                    deleted.add(obj.getMetadata().getName());
                }
            });
            inf.start();
            assertThat(inf.awaitSynced(Duration.ofSeconds(10))).isTrue();
            Poll.until(Duration.ofSeconds(10), "50 cached", () -> inf.list().size() == 50);

            cluster.kill(cut);
            for (int i = 0; i < 25; i++) {
                writer.delete("default", "p" + i).join();
            }
            for (int i = 25; i < 50; i++) {
                writer.guaranteedUpdate(
                                "default",
                                "p" + i,
                                p -> p.toBuilder()
                                        .setSpec(p.getSpec().toBuilder().setNodeName("moved"))
                                        .build())
                        .join();
            }
            for (int i = 0; i < 10; i++) {
                writer.create(TestObjects.pod("default", "new" + i)).join();
            }
            long now = Long.parseLong(writer.create(TestObjects.pod("default", "last"))
                    .join()
                    .getMetadata()
                    .getResourceVersion());
            cluster.compact(now);
            assertThat(inf.list()).as("cut off: still the old view").hasSize(50);
            cluster.restart(cut);

            var truth = writer.list(ListOptions.all()).join();
            Poll.until(
                    Duration.ofSeconds(30),
                    "informer converges to etcd",
                    () -> versions(inf.list()).equals(versions(truth.items())));
            Poll.until(Duration.ofSeconds(10), "handler got the missed deletes", () -> deleted.size() == 25);
            assertThat(deleted)
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 25)
                            .mapToObj(i -> "p" + i)
                            .toList());
            assertThat(added).contains("new0", "new9", "last");
            assertThat(inf.list())
                    .filteredOn(p -> p.getMetadata().getName().startsWith("p"))
                    .allMatch(p -> p.getSpec().getNodeName().equals("moved"));

            // and it keeps watching after the relist
            writer.delete("default", "last").join();
            Poll.until(
                    Duration.ofSeconds(10),
                    "watching again",
                    () -> inf.get("default", "last").isEmpty());
        } finally {
            viaFollower.close();
            viaOthers.close();
        }
    }
}
