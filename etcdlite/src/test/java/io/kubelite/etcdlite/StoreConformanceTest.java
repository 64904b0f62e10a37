package io.kubelite.etcdlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.Pod;
import io.kubelite.api.PodStatus;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ConflictException;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.TestObjects;
import io.kubelite.store.election.LeaderElector;
import io.kubelite.store.election.Leadership;
import io.kubelite.store.election.LeadershipListener;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** The store's typed objects, informers and leader election, over real etcd and over etcdlite. */
class StoreConformanceTest {
    private static Etcd connect(TestServer s) {
        return Etcd.connect(new EtcdConfig(List.of(s.endpoint()), s.prefix() + "registry", Duration.ofSeconds(5)));
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void objectStoreCreateConflictAndGuaranteedUpdate(TestServer s) {
        try (Etcd etcd = connect(s)) {
            ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
            Pod created = pods.create(TestObjects.pod("default", "a")).join();
            assertThatThrownBy(
                            () -> pods.create(TestObjects.pod("default", "a")).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(AlreadyExistsException.class);
            Pod updated = pods.update(created.toBuilder()
                            .setStatus(PodStatus.newBuilder().setPhase("Running"))
                            .build())
                    .join();
            assertThat(Long.parseLong(updated.getMetadata().getResourceVersion()))
                    .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));
            assertThatThrownBy(() -> pods.update(created.toBuilder()
                                    .setStatus(PodStatus.newBuilder().setPhase("Failed"))
                                    .build())
                            .join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(ConflictException.class);
            Pod guaranteed = pods.guaranteedUpdate(
                            "default",
                            "a",
                            p -> p.toBuilder()
                                    .setStatus(PodStatus.newBuilder().setPhase("Succeeded"))
                                    .build())
                    .join();
            assertThat(pods.get("default", "a").join()).isEqualTo(guaranteed);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void informerListsThenWatches(TestServer s) {
        try (Etcd etcd = connect(s)) {
            ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
            pods.create(TestObjects.pod("default", "a")).join();
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            try (Informer<Pod> inf = new Informer<>(pods, null)) {
                inf.addHandler(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod obj) {
                        seen.add("add " + obj.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(Pod oldObj, Pod newObj) {
                        seen.add("update " + newObj.getMetadata().getName());
                    }

                    @Override
                    public void onDelete(Pod obj) {
                        seen.add("delete " + obj.getMetadata().getName());
                    }
                });
                inf.start();
                assertThat(inf.awaitSynced(Duration.ofSeconds(10))).isTrue();
                pods.create(TestObjects.pod("default", "b")).join();
                pods.guaranteedUpdate(
                                "default",
                                "a",
                                p -> p.toBuilder()
                                        .setStatus(PodStatus.newBuilder().setPhase("Running"))
                                        .build())
                        .join();
                pods.delete("default", "b").join();
                Poll.until(Duration.ofSeconds(10), "informer sees every change", () -> seen.size() == 4);
                // handlers get each object's changes in order; across objects the order may differ (see
                // ResourceEventHandler)
                assertThat(seen).containsExactlyInAnyOrder("add a", "add b", "update a", "delete b");
                assertThat(seen.indexOf("add a")).isLessThan(seen.indexOf("update a"));
                assertThat(seen.indexOf("add b")).isLessThan(seen.indexOf("delete b"));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void oneLeaderAndAHandOverWhenItLeaves(TestServer s) {
        try (Etcd e1 = connect(s);
                Etcd e2 = Etcd.connect(e1.config())) {
            AtomicInteger leading = new AtomicInteger();
            LeadershipListener listener = new LeadershipListener() {
                @Override
                public void onStartedLeading(Leadership leadership) {
                    leading.incrementAndGet();
                }

                @Override
                public void onStoppedLeading() {
                    leading.decrementAndGet();
                }
            };
            LeaderElector a = new LeaderElector(e1, "conf", "a", Duration.ofSeconds(2), listener);
            LeaderElector b = new LeaderElector(e2, "conf", "b", Duration.ofSeconds(2), listener);
            try {
                a.start();
                b.start();
                Poll.until(Duration.ofSeconds(10), "a leader", () -> a.isLeader() || b.isLeader());
                assertThat(a.isLeader() && b.isLeader()).isFalse();
                LeaderElector first = a.isLeader() ? a : b;
                LeaderElector second = first == a ? b : a;
                first.close();
                Poll.until(Duration.ofSeconds(15), "the other candidate takes over", second::isLeader);
                // callbacks run on the elector's own thread, after isLeader() turns true
                Poll.until(
                        Duration.ofSeconds(5),
                        "exactly one started-leading callback outstanding",
                        () -> leading.get() == 1);
            } finally {
                a.close();
                b.close();
            }
        }
    }
}
