package io.kubelite.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodStatus;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.EtcdExtension;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ObjectStoreTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private Store store;
    private ObjectStore<Pod> pods;

    @BeforeEach
    void setUp() {
        store = new Store(ETCD.connect(ETCD.newPrefix()));
        pods = store.of(PodKind.RESOURCE);
    }

    private static Throwable failure(Runnable r) {
        try {
            r.run();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void createAssignsIdentityAndResourceVersion() {
        Pod created = pods.create(TestObjects.pod("default", "a")).join();
        ObjectMeta m = created.getMetadata();
        assertThat(m.getUid()).hasSize(36);
        assertThat(m.getCreationTimestamp().getSeconds()).isPositive();
        assertThat(m.getGeneration()).isEqualTo(1);
        assertThat(Long.parseLong(m.getResourceVersion())).isPositive();
        assertThat(created.getKind()).isEqualTo("Pod");
        assertThat(created.getApiVersion()).isEqualTo("v1");

        Pod read = pods.get("default", "a").join();
        assertThat(read).isEqualTo(created);
    }

    @Test
    void createTwiceIsAlreadyExistsAndWritesNothing() {
        Pod first = pods.create(TestObjects.pod("default", "a")).join();
        Throwable err = failure(() -> pods.create(TestObjects.pod("default", "a").toBuilder()
                        .setStatus(PodStatus.newBuilder().setPhase("Running"))
                        .build())
                .join());
        assertThat(err).isInstanceOf(AlreadyExistsException.class).hasMessage("pods \"a\" already exists");
        assertThat(((StoreException) err).key()).endsWith("/pods/default/a");
        assertThat(pods.get("default", "a").join()).isEqualTo(first);
    }

    @Test
    void generateNameProducesDistinctNames() {
        Pod template = TestObjects.pod("default", "").toBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setGenerateName("web-"))
                .build();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            names.add(pods.create(template).join().getMetadata().getName());
        }
        assertThat(names).hasSize(20).allMatch(n -> n.matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}"));
    }

    @Test
    void createRequiresNameAndNamespace() {
        assertThat(failure(() -> pods.create(TestObjects.pod("default", "")).join()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metadata.name");
        assertThat(failure(() -> pods.create(TestObjects.pod("", "x")).join()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metadata.namespace");
    }

    @Test
    void getMissingIsNotFound() {
        Throwable err = failure(() -> pods.get("default", "nope").join());
        assertThat(err).isInstanceOf(NotFoundException.class).hasMessage("pods \"nope\" not found");
    }

    @Test
    void updateWithCurrentVersionSucceedsAndStaleVersionConflictsWithCurrentValue() {
        Pod v1 = pods.create(TestObjects.pod("default", "a")).join();
        Pod v2 = pods.update(v1.toBuilder()
                        .setStatus(PodStatus.newBuilder().setPhase("Running"))
                        .build())
                .join();
        assertThat(Long.parseLong(v2.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(v1.getMetadata().getResourceVersion()));

        Throwable err = failure(() -> pods.update(v1.toBuilder()
                        .setStatus(PodStatus.newBuilder().setPhase("Failed"))
                        .build())
                .join());
        assertThat(err).isInstanceOf(ConflictException.class).hasMessageContaining("the object has been modified");
        ConflictException ce = (ConflictException) err;
        assertThat(ce.<Pod>current()).isEqualTo(v2);
        assertThat(ce.currentRevision())
                .isEqualTo(Long.parseLong(v2.getMetadata().getResourceVersion()));
        assertThat(pods.get("default", "a").join().getStatus().getPhase()).isEqualTo("Running");
    }

    @Test
    void updateAllWritesEveryObjectAtOneRevision() {
        Pod a = pods.create(TestObjects.pod("default", "a")).join();
        Pod b = pods.create(TestObjects.pod("other", "b")).join();
        List<Pod> written = pods.updateAll(List.of(running(a), running(b))).join();

        String rv = written.get(0).getMetadata().getResourceVersion();
        assertThat(written)
                .extracting(p -> p.getMetadata().getResourceVersion())
                .containsExactly(rv, rv);
        assertThat(Long.parseLong(rv))
                .isGreaterThan(Long.parseLong(b.getMetadata().getResourceVersion()));
        assertThat(pods.get("default", "a").join()).isEqualTo(written.get(0));
        assertThat(pods.get("other", "b").join()).isEqualTo(written.get(1));
    }

    @Test
    void updateAllWithOneStaleObjectWritesNone() {
        Pod a = pods.create(TestObjects.pod("default", "a")).join();
        Pod b = pods.create(TestObjects.pod("default", "b")).join();
        Pod bMoved = pods.update(running(b)).join();

        Throwable err = failure(() -> pods.updateAll(List.of(
                        running(a),
                        b.toBuilder()
                                .setStatus(PodStatus.newBuilder().setPhase("Failed"))
                                .build()))
                .join());
        assertThat(err).isInstanceOf(ConflictException.class).hasMessageContaining("one of them has been modified");
        assertThat(pods.get("default", "a").join()).isEqualTo(a);
        assertThat(pods.get("default", "b").join()).isEqualTo(bMoved);

        // a deleted one is a failed compare too
        pods.delete("default", "b").join();
        assertThat(failure(() -> pods.updateAll(List.of(running(a), bMoved)).join()))
                .isInstanceOf(ConflictException.class);
        assertThat(pods.get("default", "a").join()).isEqualTo(a);
    }

    @Test
    void updateAllRefusesARepeatedKeyAndTooManyObjectsBeforeWriting() {
        Pod a = pods.create(TestObjects.pod("default", "a")).join();
        assertThat(failure(() -> pods.updateAll(List.of(running(a), running(a))).join()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("/pods/default/a is more than once in one update");
        List<Pod> tooMany = new java.util.ArrayList<>();
        for (int i = 0; i <= ObjectStore.MAX_BATCH; i++) {
            tooMany.add(TestObjects.pod("default", "p" + i).toBuilder()
                    .setMetadata(ObjectMeta.newBuilder()
                            .setNamespace("default")
                            .setName("p" + i)
                            .setResourceVersion("1"))
                    .build());
        }
        assertThat(failure(() -> pods.updateAll(tooMany).join()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage((ObjectStore.MAX_BATCH + 1) + " pods in one update; at most " + ObjectStore.MAX_BATCH);
        assertThat(pods.get("default", "a").join()).isEqualTo(a);
        assertThat(pods.updateAll(List.of()).join()).isEmpty();
    }

    private static Pod running(Pod p) {
        return p.toBuilder()
                .setStatus(PodStatus.newBuilder().setPhase("Running"))
                .build();
    }

    @Test
    void updateOfDeletedObjectIsNotFound() {
        Pod v1 = pods.create(TestObjects.pod("default", "a")).join();
        pods.delete("default", "a").join();
        assertThat(failure(() -> pods.update(v1).join())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void guaranteedUpdateSkipsNoOpsAndBumpsGenerationOnSpecChange() {
        Pod v1 = pods.create(TestObjects.pod("default", "a")).join();
        Pod same = pods.guaranteedUpdate("default", "a", p -> p).join();
        assertThat(same.getMetadata().getResourceVersion())
                .isEqualTo(v1.getMetadata().getResourceVersion());

        Pod status = pods.guaranteedUpdate(
                        "default",
                        "a",
                        p -> p.toBuilder()
                                .setStatus(PodStatus.newBuilder().setPhase("Running"))
                                .build())
                .join();
        assertThat(status.getMetadata().getGeneration()).isEqualTo(1);

        Pod spec = pods.guaranteedUpdate(
                        "default",
                        "a",
                        p -> p.toBuilder()
                                .setSpec(p.getSpec().toBuilder().setNodeName("n1"))
                                .build())
                .join();
        assertThat(spec.getMetadata().getGeneration()).isEqualTo(2);
        assertThat(spec.getMetadata().getUid()).isEqualTo(v1.getMetadata().getUid());
    }

    @Test
    void guaranteedUpdateFromACachedCopyLandsOnTheCurrentValue() {
        Pod v1 = pods.create(TestObjects.pod("default", "c")).join();
        Pod running = pods.guaranteedUpdate(
                        v1,
                        Preconditions.uid(v1.getMetadata().getUid()),
                        p -> p.toBuilder()
                                .setStatus(PodStatus.newBuilder().setPhase("Running"))
                                .build())
                .join();
        assertThat(running.getStatus().getPhase()).isEqualTo("Running");
        assertThat(Long.parseLong(running.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(v1.getMetadata().getResourceVersion()));

        // v1 is now behind: the write is refused and redone on the current value, keeping its change
        Pod bound = pods.guaranteedUpdate(
                        v1,
                        Preconditions.NONE,
                        p -> p.toBuilder()
                                .setSpec(p.getSpec().toBuilder().setNodeName("n1"))
                                .build())
                .join();
        assertThat(bound.getSpec().getNodeName()).isEqualTo("n1");
        assertThat(bound.getStatus().getPhase()).as("the newer write kept").isEqualTo("Running");
        assertThat(pods.get("default", "c").join()).isEqualTo(bound);

        // a no-op on the stale copy is not trusted: the current value (no node) decides
        Pod unbound = pods.guaranteedUpdate(
                        v1,
                        Preconditions.NONE,
                        p -> p.toBuilder()
                                .setSpec(p.getSpec().toBuilder().setNodeName(""))
                                .build())
                .join();
        assertThat(unbound.getSpec().getNodeName()).isEmpty();
        assertThat(pods.get("default", "c").join()).isEqualTo(unbound);
    }

    @Test
    void guaranteedUpdateHonoursUidPrecondition() {
        pods.create(TestObjects.pod("default", "a")).join();
        Throwable err = failure(() -> pods.guaranteedUpdate("default", "a", Preconditions.uid("other"), p -> p)
                .join());
        assertThat(err).isInstanceOf(ConflictException.class).hasMessageContaining("UID in precondition: other");
        assertThat(((ConflictException) err).isUidMismatch())
                .as("told apart from a stale revision without parsing text")
                .isTrue();
    }

    @Test
    void deleteReturnsLastStateAndHonoursPreconditions() {
        Pod v1 = pods.create(TestObjects.pod("default", "a")).join();
        assertThat(failure(() ->
                        pods.delete("default", "a", Preconditions.uid("wrong")).join()))
                .isInstanceOfSatisfying(
                        ConflictException.class,
                        c -> assertThat(c.isUidMismatch()).isTrue());
        assertThat(failure(() -> pods.delete("default", "a", Preconditions.resourceVersion("1"))
                        .join()))
                .isInstanceOfSatisfying(
                        ConflictException.class,
                        c -> assertThat(c.isUidMismatch()).isFalse());
        assertThat(pods.get("default", "a").join()).isEqualTo(v1);

        Deleted<Pod> d = pods.delete(
                        "default", "a", Preconditions.uid(v1.getMetadata().getUid()))
                .join();
        assertThat(d.object()).isEqualTo(v1);
        assertThat(d.revision()).isGreaterThan(Long.parseLong(v1.getMetadata().getResourceVersion()));
        assertThat(failure(() -> pods.get("default", "a").join())).isInstanceOf(NotFoundException.class);
        assertThat(failure(() -> pods.delete("default", "a").join())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void listPagesAcrossNamespacesAtOneRevision() {
        for (int i = 0; i < 1200; i++) {
            pods.create(TestObjects.pod(i % 2 == 0 ? "even" : "odd", String.format("p%04d", i)))
                    .join();
        }
        ObjectList<Pod> all = pods.list(ListOptions.all()).join();
        assertThat(all.items()).hasSize(1200);
        assertThat(all.hasMore()).isFalse();

        ObjectList<Pod> even = pods.list(ListOptions.<Pod>inNamespace("even")).join();
        assertThat(even.items())
                .hasSize(600)
                .allMatch(p -> p.getMetadata().getNamespace().equals("even"));

        // limit/continue: pages are consistent with the first page's revision even if writes happen between
        ObjectList<Pod> page1 =
                pods.list(ListOptions.<Pod>all().withLimit(700, "")).join();
        assertThat(page1.items()).hasSize(700);
        assertThat(page1.hasMore()).isTrue();
        pods.create(TestObjects.pod("even", "zz-late")).join();
        ObjectList<Pod> page2 = pods.list(ListOptions.<Pod>all().withLimit(700, page1.continueToken()))
                .join();
        assertThat(page2.items()).hasSize(500);
        assertThat(page2.revision()).isEqualTo(page1.revision());
        assertThat(page2.hasMore()).isFalse();

        ObjectList<Pod> filtered = pods.list(ListOptions.<Pod>all()
                        .withFilter(p -> p.getMetadata().getName().endsWith("7")))
                .join();
        assertThat(filtered.items()).hasSize(120);
    }

    @Test
    void oversizedObjectIsRefusedAndNothingIsWritten() {
        Pod big = TestObjects.pod("default", "big").toBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName("big")
                        .putAnnotations("blob", "x".repeat(2 * 1024 * 1024)))
                .build();
        Throwable err = failure(() -> pods.create(big).join());
        assertThat(err).isInstanceOf(TooLargeException.class).hasMessageContaining("limit");
        assertThat(((StoreException) err).key()).endsWith("/pods/default/big");
        assertThat(failure(() -> pods.get("default", "big").join())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void clusterScopedKeysHaveNoNamespaceSegment() {
        var nodes = store.of(NodeKind.RESOURCE);
        var n = nodes.create(TestObjects.node("n1")).join();
        assertThat(nodes.key("", "n1")).endsWith("/nodes/n1");
        assertThat(n.getMetadata().getNamespace()).isEmpty();
        assertThat(nodes.list(ListOptions.all()).join().items())
                .extracting(x -> x.getMetadata().getName())
                .isEqualTo(List.of("n1"));
    }

    @Test
    void fencedWritesFailOnceTheFenceKeyIsGone() {
        Etcd etcd = store.etcd();
        String leaderKey = store.keys().internal("leader", "test", "me");
        etcd.client().getKVClient().put(Etcd.bytes(leaderKey), Etcd.bytes("me")).join();
        long token = etcd.client()
                .getKVClient()
                .get(Etcd.bytes(leaderKey))
                .join()
                .getKvs()
                .get(0)
                .getCreateRevision();
        ObjectStore<Pod> fenced = pods.withFence(Fence.onKey(leaderKey, token));

        Pod p = fenced.create(TestObjects.pod("default", "f")).join();
        p = fenced.guaranteedUpdate(
                        "default",
                        "f",
                        x -> x.toBuilder()
                                .setStatus(PodStatus.newBuilder().setPhase("Running"))
                                .build())
                .join();

        etcd.client().getKVClient().delete(Etcd.bytes(leaderKey)).join();
        Pod stale = p;
        assertThat(failure(() -> fenced.create(TestObjects.pod("default", "g")).join()))
                .isInstanceOf(FencedOutException.class);
        assertThat(failure(() -> fenced.update(stale.toBuilder()
                                .setStatus(PodStatus.newBuilder().setPhase("Failed"))
                                .build())
                        .join()))
                .isInstanceOf(FencedOutException.class);
        assertThat(failure(() -> fenced.delete("default", "f").join())).isInstanceOf(FencedOutException.class);
        // a batch cannot tell the fence from the objects' compares: a conflict, written one by one after
        assertThat(failure(() -> fenced.updateAll(List.of(stale.toBuilder()
                                .setStatus(PodStatus.newBuilder().setPhase("Failed"))
                                .build()))
                        .join()))
                .isInstanceOf(ConflictException.class);
        assertThat(pods.get("default", "f").join().getStatus().getPhase()).isEqualTo("Running");
        assertThat(failure(() -> pods.get("default", "g").join())).isInstanceOf(NotFoundException.class);
    }
}
