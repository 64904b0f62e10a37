package io.kubelite.store.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.CorruptException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.TestObjects;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class InformerTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static Map<String, String> versions(List<Pod> pods) {
        return pods.stream()
                .collect(Collectors.toMap(
                        p -> Informer.keyOf(p.getMetadata()),
                        p -> p.getMetadata().getResourceVersion()));
    }

    private static Pod onNode(String name, String node) {
        Pod p = TestObjects.pod("default", name);
        return p.toBuilder().setSpec(p.getSpec().toBuilder().setNodeName(node)).build();
    }

    @Test
    void listsWatchesIndexesAndNotifies() {
        ObjectStore<Pod> pods = new Store(ETCD.connect(ETCD.newPrefix())).of(PodKind.RESOURCE);
        pods.create(onNode("a", "n1")).join();
        pods.create(onNode("b", "n2")).join();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (Informer<Pod> inf = new Informer<>(pods, null)) {
            inf.addIndex("node", p -> List.of(p.getSpec().getNodeName()));
            inf.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod obj) {
                    seen.add("add " + obj.getMetadata().getName());
                }

                @Override
                public void onUpdate(Pod oldObj, Pod newObj) {
                    seen.add("update " + newObj.getMetadata().getName() + " "
                            + newObj.getSpec().getNodeName());
                }

                @Override
                public void onDelete(Pod obj) {
                    seen.add("delete " + obj.getMetadata().getName());
                }
            });
            inf.start();
            assertThat(inf.awaitSynced(Duration.ofSeconds(10))).isTrue();
            assertThat(inf.byIndex("node", "n1"))
                    .extracting(p -> p.getMetadata().getName())
                    .containsExactly("a");

            pods.guaranteedUpdate(
                            "default",
                            "b",
                            p -> p.toBuilder()
                                    .setSpec(p.getSpec().toBuilder().setNodeName("n1"))
                                    .build())
                    .join();
            pods.delete("default", "a").join();
            pods.create(onNode("c", "n3")).join();
            Poll.until(Duration.ofSeconds(10), "handler sees all changes", () -> seen.size() == 5);
            assertThat(seen).containsExactlyInAnyOrder("add a", "add b", "update b n1", "delete a", "add c");
            assertThat(inf.byIndex("node", "n1"))
                    .extracting(p -> p.getMetadata().getName())
                    .containsExactly("b");
            assertThat(inf.byIndex("node", "n2")).isEmpty();
            assertThat(inf.byNamespace("default")).hasSize(2);
            assertThat(inf.get("default", "c")).isPresent();
        }
    }

    @Test
    void slowHandlerNeverStallsTheCacheAndEndsAtTheLatestState() throws Exception {
        ObjectStore<Pod> pods = new Store(ETCD.connect(ETCD.newPrefix())).of(PodKind.RESOURCE);
        CountDownLatch gate = new CountDownLatch(1);
        Map<String, String> lastSeen = new ConcurrentHashMap<>();
        try (Informer<Pod> inf = new Informer<>(pods, null)) {
            inf.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod obj) {
                    await();
                    lastSeen.put(obj.getMetadata().getName(), obj.getMetadata().getAnnotationsOrDefault("v", ""));
                }

                @Override
                public void onUpdate(Pod oldObj, Pod newObj) {
                    await();
                    lastSeen.put(
                            newObj.getMetadata().getName(), newObj.getMetadata().getAnnotationsOrDefault("v", ""));
                }

                @Override
                public void onDelete(Pod obj) {
                    lastSeen.remove(obj.getMetadata().getName());
                }

                private void await() {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            inf.start();
            assertThat(inf.awaitSynced(Duration.ofSeconds(10))).isTrue();
            for (int i = 0; i < 20; i++) {
                pods.create(TestObjects.pod("default", "p" + i)).join();
            }
            for (int v = 1; v <= 30; v++) {
                int version = v;
                for (int i = 0; i < 20; i++) {
                    pods.guaranteedUpdate(
                                    "default",
                                    "p" + i,
                                    p -> p.toBuilder()
                                            .setMetadata(p.getMetadata().toBuilder()
                                                    .putAnnotations("v", Integer.toString(version)))
                                            .build())
                            .join();
                }
            }
            pods.delete("default", "p0").join();
            // The handler is blocked, yet the cache is current.
            Poll.until(
                    Duration.ofSeconds(10),
                    "cache current while the handler is blocked",
                    () -> inf.list().size() == 19
                            && inf.list().stream()
                                    .allMatch(p -> p.getMetadata()
                                            .getAnnotationsOrDefault("v", "")
                                            .equals("30")));
            gate.countDown();
            Poll.until(
                    Duration.ofSeconds(10),
                    "handler reaches the latest state",
                    () -> inf.handlersIdle()
                            && lastSeen.size() == 19
                            && lastSeen.values().stream().allMatch("30"::equals));
        }
    }

    @Test
    void garbageWrittenByEtcdctlIsReportedAsCorruptAndEverythingElseIsServed() {
        String prefix = ETCD.newPrefix();
        ObjectStore<Pod> pods = new Store(ETCD.connect(prefix)).of(PodKind.RESOURCE);
        pods.create(TestObjects.pod("default", "good")).join();
        pods.create(TestObjects.pod("default", "victim")).join();
        try (Informer<Pod> inf = new Informer<>(pods, null)) {
            inf.start();
            assertThat(inf.awaitSynced(Duration.ofSeconds(10))).isTrue();
            String key = pods.key("default", "victim");
            ETCD.cluster().etcdctl("put", key, "this is not protobuf");

            Throwable err = Poll.value(Duration.ofSeconds(5), "get fails", () -> {
                try {
                    pods.get("default", "victim").join();
                    return null;
                } catch (java.util.concurrent.CompletionException e) {
                    return e.getCause();
                }
            });
            assertThat(err).isInstanceOf(CorruptException.class).hasMessageContaining(key);
            assertThat(((CorruptException) err).key()).isEqualTo(key);

            Poll.until(
                    Duration.ofSeconds(10),
                    "informer reports the corrupt key",
                    () -> inf.corruptKeys().contains(key));
            pods.create(TestObjects.pod("default", "later")).join();
            Poll.until(
                    Duration.ofSeconds(10),
                    "informer keeps serving others",
                    () -> inf.get("default", "later").isPresent());
            assertThat(inf.get("default", "good")).isPresent();

            // A list skips the corrupt value, names it, and returns the rest.
            var list = pods.list(ListOptions.all()).join();
            assertThat(list.items())
                    .extracting(p -> p.getMetadata().getName())
                    .containsExactlyInAnyOrder("good", "later");
            assertThat(list.corruptKeys()).containsExactly(key);

            // A fresh informer syncs despite it.
            try (Informer<Pod> second = new Informer<>(pods, null)) {
                second.start();
                assertThat(second.awaitSynced(Duration.ofSeconds(10))).isTrue();
                assertThat(second.list()).hasSize(2);
                assertThat(second.corruptKeys()).containsExactly(key);
            }
        }
    }

    @Test
    void filterKeepsOnlyMatchingObjectsAndDeliversEntryAndExit() {
        ObjectStore<Pod> pods = new Store(ETCD.connect(ETCD.newPrefix())).of(PodKind.RESOURCE);
        pods.create(onNode("mine", "n1")).join();
        pods.create(onNode("theirs", "n9")).join();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (Informer<Pod> inf = new Informer<>(pods, null)) {
            inf.setFilter(p -> p.getSpec().getNodeName().equals("n1"));
            inf.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod obj) {
                    seen.add("add " + obj.getMetadata().getName());
                }

                @Override
                public void onDelete(Pod obj) {
                    seen.add("delete " + obj.getMetadata().getName());
                }
            });
            inf.start();
            assertThat(inf.awaitSynced(Duration.ofSeconds(10))).isTrue();
            pods.create(onNode("unbound", "")).join();
            pods.guaranteedUpdate(
                            "default",
                            "unbound",
                            p -> p.toBuilder()
                                    .setSpec(p.getSpec().toBuilder().setNodeName("n1"))
                                    .build())
                    .join();
            pods.guaranteedUpdate(
                            "default",
                            "mine",
                            p -> p.toBuilder()
                                    .setSpec(p.getSpec().toBuilder().setNodeName("n2"))
                                    .build())
                    .join();
            Poll.until(Duration.ofSeconds(10), "entry and exit delivered", () -> seen.size() == 3);
            // per-object order is guaranteed; across objects it is not
            assertThat(seen).containsExactlyInAnyOrder("add mine", "add unbound", "delete mine");
            assertThat(seen.indexOf("add mine")).isLessThan(seen.indexOf("delete mine"));
            assertThat(inf.list()).extracting(p -> p.getMetadata().getName()).containsExactly("unbound");
        }
    }

    @Test
    void transformSharesWhatDidNotChangeAndHandlersSeeItsResult() {
        ObjectStore<Pod> pods = new Store(ETCD.connect(ETCD.newPrefix())).of(PodKind.RESOURCE);
        pods.create(onNode("a", "n1")).join();
        List<Pod> updates = Collections.synchronizedList(new ArrayList<>());
        try (Informer<Pod> inf = new Informer<>(pods, null)) {
            // keep the spec of the version before when it is equal: one copy across versions
            inf.setTransform((previous, incoming) ->
                    previous != null && previous.getSpec().equals(incoming.getSpec())
                            ? incoming.toBuilder().setSpec(previous.getSpec()).build()
                            : incoming);
            inf.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onUpdate(Pod oldObj, Pod newObj) {
                    updates.add(newObj);
                }
            });
            inf.start();
            assertThat(inf.awaitSynced(Duration.ofSeconds(10))).isTrue();
            Pod first = inf.get("default", "a").orElseThrow();

            pods.guaranteedUpdate(
                            "default",
                            "a",
                            p -> p.toBuilder()
                                    .setStatus(p.getStatus().toBuilder().setPhase("Running"))
                                    .build())
                    .join();
            Pod second = Poll.until(
                    Duration.ofSeconds(10),
                    "the status update in the cache",
                    () -> inf.get("default", "a").orElseThrow(),
                    p -> p.getStatus().getPhase().equals("Running"));
            assertThat(second.getSpec()).isSameAs(first.getSpec());
            Poll.until(Duration.ofSeconds(10), "the update delivered", () -> updates.size() == 1);
            assertThat(updates.get(0)).isSameAs(second);
        }
    }
}
