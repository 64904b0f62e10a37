package io.kubelite.scheduler;

import static io.kubelite.scheduler.NodeAndPodBuilders.node;
import static io.kubelite.scheduler.NodeAndPodBuilders.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.Etcd;
import io.kubelite.store.election.Leadership;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every bind carries the leader's fence: once the leader key is gone, nothing is bound or recorded. */
class FencingTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aDeposedLeaderBindsNothing() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        String leaderKey = etcd.prefix() + "/_kubelite/leader/scheduler/test-candidate";
        long token = SchedulerUnderTest.join(etcd.client().getKVClient().put(Etcd.bytes(leaderKey), Etcd.bytes("test")))
                .getHeader()
                .getRevision();
        try (SchedulerUnderTest h =
                new SchedulerUnderTest(etcd, SchedulerUnderTest.fastConfig(), Leadership.of(leaderKey, token))) {
            h.create(node("n1"));
            Poll.until(WAIT, "scheduler sees n1", () -> h.scheduler().cachedNodes() == 1);
            h.create(pod("while-leading"));
            assertThat(h.awaitBound("while-leading", WAIT)).isEqualTo("n1");
            Poll.until(
                    WAIT,
                    "Scheduled event written while leading",
                    () -> h.eventsFor("while-leading").stream()
                            .anyMatch(e -> e.getReason().equals("Scheduled")));

            // the leader's key goes away (lease expired, or another process won) but this process
            // has not noticed: its writes must fail in etcd
            SchedulerUnderTest.join(etcd.client().getKVClient().delete(Etcd.bytes(leaderKey)));
            long failuresBefore = h.scheduler().bindFailures();
            h.create(pod("after-deposed"));
            Poll.until(WAIT, "the fenced bind fails", () -> h.scheduler().bindFailures() > failuresBefore);
            assertThat(h.get("after-deposed").getSpec().getNodeName()).isEmpty();
            assertThat(h.get("after-deposed").getStatus().getConditionsList()).isEmpty();
            assertThat(h.eventsFor("after-deposed")).isEmpty();
            assertThat(h.eventsFor("while-leading"))
                    .extracting(e -> e.getReason())
                    .containsExactly("Scheduled");
            assertThat(h.scheduler().eventsDropped()).isZero();

            // a new term (new key, new token) binds again
            long token2 = SchedulerUnderTest.join(
                            etcd.client().getKVClient().put(Etcd.bytes(leaderKey), Etcd.bytes("test")))
                    .getHeader()
                    .getRevision();
            h.component.onStoppedLeading();
            h.component.onStartedLeading(Leadership.of(leaderKey, token2));
            assertThat(h.awaitBound("after-deposed", WAIT)).isEqualTo("n1");
        }
    }
}
