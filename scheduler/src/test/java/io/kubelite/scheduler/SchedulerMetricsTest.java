package io.kubelite.scheduler;

import static io.kubelite.scheduler.NodeAndPodBuilders.node;
import static io.kubelite.scheduler.NodeAndPodBuilders.pod;
import static io.kubelite.scheduler.NodeAndPodBuilders.withAllocatable;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kube-scheduler's metric names and labels as a Prometheus scrape of a scheduler on real etcd shows them. */
class SchedulerMetricsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void attemptsByResultPodDurationsAndPendingQueues() throws Exception {
        try (SchedulerUnderTest h = new SchedulerUnderTest(ETCD, SchedulerUnderTest.fastConfig())) {
            h.create(withAllocatable(node("n1"), "2", "4Gi", "110"));
            h.create(pod("fits", Map.of(), "1"));
            h.awaitBound("fits", Duration.ofSeconds(20));
            h.create(pod("too-big", Map.of(), "64"));
            h.awaitUnschedulable("too-big", Duration.ofSeconds(20));
            String text = Poll.until(
                    Duration.ofSeconds(10),
                    "the scrape shows the bound pod, the unschedulable attempt and the pending pod",
                    h.registry::scrape,
                    t -> t.contains("scheduler_pending_pods{queue=\"unschedulable\"} 1.0")
                            && t.contains("result=\"unschedulable\""));
            assertThat(text)
                    .contains(
                            "scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"scheduled\"} 1.0")
                    .containsPattern(
                            "scheduler_schedule_attempts_total\\{profile=\"default-scheduler\",result=\"unschedulable\"} [1-9]")
                    .contains("scheduler_scheduling_attempt_duration_seconds_count{profile=\"default-scheduler\","
                            + "result=\"scheduled\"} 1")
                    // the pod may have needed more than one attempt (a node not yet in the cache, a bind
                    // conflict): one observation, under however many attempts it took
                    .containsPattern("scheduler_pod_scheduling_duration_seconds_count\\{attempts=\"[1-9][0-9]*\"} 1\n")
                    .contains("scheduler_pending_pods{queue=\"active\"} 0.0")
                    .contains("scheduler_pending_pods{queue=\"gated\"} 0.0");
        }
    }
}
