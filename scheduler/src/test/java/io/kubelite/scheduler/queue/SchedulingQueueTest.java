package io.kubelite.scheduler.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.scheduler.NodeAndPodBuilders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SchedulingQueueTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SchedulingQueue q = new SchedulingQueue(Duration.ofSeconds(1), Duration.ofSeconds(10), now::get);

    private static Pod pod(String name, int priority) {
        Pod.Builder b = NodeAndPodBuilders.pod(name);
        b.getMetadataBuilder().setResourceVersion("1");
        if (priority != 0) {
            b.getSpecBuilder().setPriority(priority);
        }
        return b.build();
    }

    private QueuedPod popNow() throws InterruptedException {
        return q.pop(Duration.ZERO);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void backoffDoublesFromOneSecondToTen() {
        List<Long> secs = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            secs.add(q.backoff(i).toMillis());
        }
        assertThat(secs).containsExactly(1000L, 2000L, 4000L, 8000L, 10000L, 10000L);
    }

    @Test
    void priorityThenFifo() throws Exception {
        q.add(pod("a", 0));
        q.add(pod("b", 10));
        q.add(pod("c", 0));
        q.add(pod("d", 10));
        List<String> order = new ArrayList<>();
        QueuedPod p;
        while ((p = popNow()) != null) {
            order.add(p.pod().name());
        }
        assertThat(order).containsExactly("b", "d", "a", "c");
    }

    @Test
    void unschedulablePodWaitsItsBackoffOrARelevantEvent() throws Exception {
        q.add(pod("a", 0));
        QueuedPod p = popNow();
        q.requeueUnschedulable(p, Set.of("NodeResourcesFit"));
        assertThat(popNow()).isNull();
        advance(Duration.ofMillis(999));
        assertThat(popNow()).isNull();
        advance(Duration.ofMillis(1));
        p = popNow();
        assertThat(p.pod().name()).isEqualTo("a");
        assertThat(p.attempts()).isEqualTo(1);
        q.requeueUnschedulable(p, Set.of("NodeResourcesFit"));
        advance(Duration.ofMillis(1500));
        assertThat(popNow()).as("second back-off is 2 s").isNull();
        // an event for another plugin does not help; one for the rejecting plugin does, at once
        assertThat(q.moveOnEvent(Set.of("PodTopologySpread"))).isZero();
        assertThat(popNow()).isNull();
        assertThat(q.moveOnEvent(Set.of("NodeResourcesFit", "PodTopologySpread")))
                .isEqualTo(1);
        assertThat(popNow().pod().name()).isEqualTo("a");
    }

    @Test
    void anEventDuringTheAttemptRequeuesAtOnce() throws Exception {
        q.add(pod("a", 0));
        q.add(pod("b", 0));
        QueuedPod a = popNow();
        QueuedPod b = popNow();
        q.moveOnEvent(Set.of("TaintToleration"));
        q.requeueUnschedulable(a, Set.of("TaintToleration"));
        q.requeueUnschedulable(b, Set.of("NodeAffinity"));
        QueuedPod again = popNow();
        assertThat(again.pod().name()).isEqualTo("a");
        assertThat(popNow()).isNull();
    }

    @Test
    void deletedOrBoundWhileInFlightIsNotRequeued() throws Exception {
        q.add(pod("a", 0));
        QueuedPod a = popNow();
        q.delete(a.key());
        q.requeueUnschedulable(a, Set.of());
        advance(Duration.ofSeconds(30));
        assertThat(popNow()).isNull();
        assertThat(q.size()).isZero();
    }

    @Test
    void updatesWhileInFlightAreKeptForTheRetry() throws Exception {
        Pod v1 = pod("a", 0);
        q.add(v1);
        QueuedPod a = popNow();
        Pod v2 = v1.toBuilder()
                .setMetadata(
                        v1.getMetadata().toBuilder().setResourceVersion("7").putLabels("x", "y"))
                .build();
        q.update(v1, v2);
        q.requeueAfterError(a, null);
        advance(Duration.ofSeconds(1));
        assertThat(popNow().pod().pod()).isEqualTo(v2);
    }

    @Test
    void aSpecChangeRetriesAWaitingPodAtOnce() throws Exception {
        Pod v1 = pod("a", 0);
        q.add(v1);
        q.requeueUnschedulable(popNow(), Set.of("NodeAffinity"));
        Pod statusOnly = v1.toBuilder()
                .setStatus(v1.getStatus().toBuilder().setPhase("Pending"))
                .build();
        q.update(v1, statusOnly);
        assertThat(popNow()).isNull();
        Pod relabelled = statusOnly.toBuilder()
                .setSpec(statusOnly.getSpec().toBuilder().putNodeSelector("a", "b"))
                .build();
        q.update(statusOnly, relabelled);
        assertThat(popNow().pod().pod()).isEqualTo(relabelled);
    }
}
