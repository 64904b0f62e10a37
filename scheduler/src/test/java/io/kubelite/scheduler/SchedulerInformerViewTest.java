package io.kubelite.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.testing.InMemoryListerWatcher;
import io.kubelite.store.testing.InMemorySources;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the scheduler makes of its informers' events (pending pods queued, bound pods
 * counted on their nodes, deleted ones forgotten), including after a relist, fed from
 * in-memory sources. It never leads here, so the etcd connection it is given (to a port
 * nothing listens on) is never used: no etcd, well under a second.
 */
class SchedulerInformerViewTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final InMemorySources sources = new InMemorySources();
    private final InMemoryListerWatcher<Pod> pods = sources.of(PodKind.RESOURCE);
    private final InMemoryListerWatcher<Node> nodes = sources.of(NodeKind.RESOURCE);
    private final Etcd unused = Etcd.connect(new EtcdConfig(List.of("127.0.0.1:1"), "/unused", Duration.ofSeconds(1)));
    private final Scheduler scheduler = new Scheduler(
            unused, SchedulerConfig.defaults("default-scheduler", "test"), new SharedInformerFactory(sources));

    @AfterEach
    void tearDown() {
        scheduler.close();
        sources.close();
        unused.close();
    }

    /** Nodes, pods in the cache, pods waiting to be scheduled. */
    private String view() {
        return scheduler.cachedNodes() + " nodes, " + scheduler.cachedPods() + " cached pods, "
                + scheduler.pendingPods() + " pending";
    }

    @Test
    void queuesPendingPodsCachesBoundOnesAndFollowsBindsAndDeletes() {
        nodes.add(NodeAndPodBuilders.node("n1").build());
        pods.add(NodeAndPodBuilders.pod("pending").build());
        pods.add(NodeAndPodBuilders.boundTo(NodeAndPodBuilders.pod("running"), "n1")
                .build());
        scheduler.start();
        assertThat(scheduler.awaitSynced(WAIT)).isTrue();
        Poll.until(WAIT, "the initial view", this::view, "1 nodes, 1 cached pods, 1 pending"::equals);

        pods.update(
                "default",
                "pending",
                p -> NodeAndPodBuilders.boundTo(p.toBuilder(), "n1").build());
        Poll.until(
                WAIT,
                "a pod bound elsewhere leaves the queue for the cache",
                this::view,
                "1 nodes, 2 cached pods, 0 pending"::equals);

        pods.delete("default", "running");
        pods.add(NodeAndPodBuilders.pod("new").build());
        Poll.until(
                WAIT,
                "a delete frees the node, a new pod queues",
                this::view,
                "1 nodes, 1 cached pods, 1 pending"::equals);
    }

    @Test
    void changesMissedDuringACompactedOutageArriveThroughTheRelist() {
        nodes.add(NodeAndPodBuilders.node("n1").build());
        pods.add(NodeAndPodBuilders.pod("pending").build());
        pods.add(NodeAndPodBuilders.boundTo(NodeAndPodBuilders.pod("running"), "n1")
                .build());
        scheduler.start();
        assertThat(scheduler.awaitSynced(WAIT)).isTrue();
        Poll.until(WAIT, "the initial view", this::view, "1 nodes, 1 cached pods, 1 pending"::equals);

        pods.disconnect();
        nodes.disconnect();
        pods.update(
                "default",
                "pending",
                p -> NodeAndPodBuilders.boundTo(p.toBuilder(), "n2").build());
        pods.delete("default", "running");
        nodes.add(NodeAndPodBuilders.node("n2").build());
        pods.compact();
        nodes.compact();
        assertThat(view()).as("cut off: the old view").isEqualTo("1 nodes, 1 cached pods, 1 pending");
        pods.reconnect();
        nodes.reconnect();

        Poll.until(WAIT, "the relisted view", this::view, "2 nodes, 1 cached pods, 0 pending"::equals);
        assertThat(scheduler.cachedNode("n2")).isNotNull();
    }

    @Test
    void mirrorPodsAreNeitherQueuedNorCounted() {
        nodes.add(NodeAndPodBuilders.node("n1").build());
        Pod.Builder unbound = NodeAndPodBuilders.pod("kube-apiserver-x");
        unbound.getMetadataBuilder().putAnnotations(io.kubelite.kinds.core.pod.MirrorPods.CONFIG_MIRROR, "h");
        pods.add(unbound.build());
        Pod.Builder onNode = NodeAndPodBuilders.boundTo(NodeAndPodBuilders.pod("kube-scheduler-x"), "n1");
        onNode.getMetadataBuilder().putAnnotations(io.kubelite.kinds.core.pod.MirrorPods.CONFIG_MIRROR, "h");
        pods.add(onNode.build());
        pods.add(NodeAndPodBuilders.pod("workload").build());
        scheduler.start();
        assertThat(scheduler.awaitSynced(WAIT)).isTrue();
        Poll.until(WAIT, "only the workload pod pending", this::view, "1 nodes, 0 cached pods, 1 pending"::equals);
        Poll.holds(
                Duration.ofMillis(500),
                "mirror pods stay out",
                () -> assertThat(view()).isEqualTo("1 nodes, 0 cached pods, 1 pending"));
    }
}
