package io.kubelite.scheduler;

import static io.kubelite.scheduler.NodeAndPodBuilders.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Event;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ConflictException;
import io.kubelite.store.Etcd;
import io.kubelite.store.Fence;
import io.kubelite.store.FencedOutException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import io.kubelite.store.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bind and its {@code Scheduled} Event are one etcd transaction: of several binds of the
 * same pod version exactly one commits, and exactly one Event exists, naming the node that
 * won; a stale or fenced-out bind writes neither.
 */
class BindWithEventTxnTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static CompletableFuture<Pod> bind(
            SchedulingEventRecorder events, ObjectStore<Pod> pods, Pod pod, String node) {
        return events.scheduledOp(pod, node)
                .thenCompose(op -> pods.update(PodScheduledCondition.bound(pod, node), List.of(op)));
    }

    private static List<Event> events(ObjectStore<Event> store, String pod) {
        return store.list(ListOptions.inNamespace("default")).join().items().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(pod))
                .toList();
    }

    private static StoreException failure(CompletableFuture<Pod> f) {
        try {
            f.join();
            return null;
        } catch (RuntimeException e) {
            return StoreException.unwrap(e);
        }
    }

    @Test
    void ofConcurrentBindsOfOneVersionExactlyOneCommitsWithItsEvent() {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        Store store = new Store(etcd);
        ObjectStore<Pod> pods = store.of(PodKind.RESOURCE);
        ObjectStore<Event> eventStore = store.of(EventKind.RESOURCE);
        SchedulingEventRecorder events = new SchedulingEventRecorder(etcd, "default-scheduler", "test", 16);
        Pod created = pods.create(pod("p").build()).join();

        List<CompletableFuture<Pod>> binds = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            binds.add(bind(events, pods, created, "n" + i));
        }
        List<Pod> won = new ArrayList<>();
        List<StoreException> lost = new ArrayList<>();
        for (CompletableFuture<Pod> f : binds) {
            StoreException e = failure(f);
            if (e == null) {
                won.add(f.join());
            } else {
                lost.add(e);
            }
        }
        assertThat(won).as("binds that committed").hasSize(1);
        assertThat(lost).as("binds refused").hasSize(3).allMatch(e -> e instanceof ConflictException);
        String node = won.get(0).getSpec().getNodeName();
        assertThat(pods.get("default", "p").join().getSpec().getNodeName()).isEqualTo(node);

        List<Event> written = events(eventStore, "p");
        assertThat(written).as("Scheduled events of p").hasSize(1);
        Event ev = written.get(0);
        assertThat(ev.getReason()).isEqualTo("Scheduled");
        assertThat(ev.getType()).isEqualTo("Normal");
        assertThat(ev.getMessage()).isEqualTo("Successfully assigned default/p to " + node);
        // one commit: the Event has the bound pod's revision
        assertThat(ev.getMetadata().getResourceVersion())
                .isEqualTo(won.get(0).getMetadata().getResourceVersion());

        // a retry from the stale version is refused and writes no second Event
        assertThat(failure(bind(events, pods, created, "n9"))).isInstanceOf(ConflictException.class);
        assertThat(events(eventStore, "p")).hasSize(1);
    }

    @Test
    void aFencedOutBindWritesNoEvent() {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        Store store = new Store(etcd);
        String leaderKey = etcd.prefix() + "/_kubelite/leader/scheduler/x";
        long token = etcd.client()
                .getKVClient()
                .put(Etcd.bytes(leaderKey), Etcd.bytes("x"))
                .join()
                .getHeader()
                .getRevision();
        Fence fence = Fence.onKey(leaderKey, token);
        ObjectStore<Pod> pods = store.of(PodKind.RESOURCE);
        SchedulingEventRecorder events = new SchedulingEventRecorder(etcd, "default-scheduler", "test", 16);
        events.setFence(fence);
        Pod created = pods.create(pod("q").build()).join();
        etcd.client().getKVClient().delete(Etcd.bytes(leaderKey)).join();

        assertThat(failure(bind(events, pods.withFence(fence), created, "n1"))).isInstanceOf(FencedOutException.class);
        assertThat(pods.get("default", "q").join().getSpec().getNodeName()).isEmpty();
        assertThat(events(store.of(EventKind.RESOURCE), "q")).isEmpty();
    }
}
