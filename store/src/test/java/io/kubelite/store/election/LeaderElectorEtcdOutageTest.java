package io.kubelite.store.election;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.Etcd;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The leader loses etcd (its only member is SIGSTOPped): it must step down before its lease could expire. */
class LeaderElectorEtcdOutageTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.managed(1);

    private static final Duration LEASE = Duration.ofSeconds(3);

    @Test
    void leaderStepsDownBeforeTtlWhenEtcdIsUnreachableAndSomeoneLeadsAfterwards() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcdL = ETCD.connect(prefix);
        Etcd etcdC = ETCD.connect(prefix);
        RecordingListener recL = new RecordingListener();
        RecordingListener recC = new RecordingListener();
        try (LeaderElector l = new LeaderElector(etcdL, "outage", "l", LEASE, recL);
                LeaderElector c = new LeaderElector(etcdC, "outage", "c", LEASE, recC)) {
            l.start();
            Poll.until(Duration.ofSeconds(10), "l to lead", () -> l.isLeader() && recL.started.get() == 1);
            c.start();
            Poll.until(
                    Duration.ofSeconds(10),
                    "c queued as a candidate",
                    () -> LeaderElectorTest.candidates(etcdC, "outage") == 2);

            assertThat(recL.stopped.get())
                    .as("l stepped down before etcd was paused")
                    .isZero();
            ETCD.cluster().pause(0);
            long paused = System.nanoTime();
            try {
                Poll.until(LEASE, "l's onStoppedLeading while etcd is paused", () -> recL.stopped.get() == 1);
                long tookMs = TimeUnit.NANOSECONDS.toMillis(recL.stoppedAtNanos - paused);
                System.out.println("MEASURED etcd paused -> leader's onStoppedLeading: " + tookMs + " ms (TTL "
                        + LEASE.toMillis() + " ms)");
                assertThat(tookMs)
                        .as("ms from etcd pause to onStoppedLeading; TTL " + LEASE.toMillis())
                        .isLessThan(LEASE.toMillis());
                assertThat(l.isLeader()).isFalse();
                assertThat(c.isLeader()).as("c cannot win while etcd is paused").isFalse();
            } finally {
                ETCD.cluster().resume(0);
            }
            long resumed = System.nanoTime();
            Poll.until(Duration.ofSeconds(30), "a leader again after etcd resumed", () -> l.isLeader() || c.isLeader());
            System.out.println("MEASURED etcd resumed -> a leader again: "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed) + " ms");
            assertThat(l.isLeader() && c.isLeader()).isFalse();
            assertThat(recL.outOfOrder).isFalse();
            assertThat(recC.outOfOrder).isFalse();
        }
    }
}
