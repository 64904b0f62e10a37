package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SIGSTOP of the scheduler leader for longer than its lease (a GC pause, a frozen VM),
 * the standby takes over, then SIGCONT.
 *
 * <p>Invariants: the standby leads, and not before the frozen leader's lease can have
 * expired (the time it took is printed); pods created during
 * the freeze are bound by the standby; after SIGCONT the old leader steps down and none
 * of its binds succeeds (its {@code scheduler_pods_bound_total} stays where it was before
 * the freeze: whatever it still tried was rejected by the fence or by the pod's
 * mod_revision compare); it does not exit; no pod is bound twice (etcd history).
 */
class SchedulerPauseTest extends E2eBase {
    @Test
    void aFrozenSchedulerLeaderIsFencedOutWhenItWakesUp() throws Exception {
        Proc api0 = cluster.apiserver("apiserver-0");
        Proc cm = cluster.controllerManager("controller-manager-0");
        Proc s0 = cluster.scheduler("scheduler-0");
        Proc s1 = cluster.scheduler("scheduler-1");
        Proc k = cluster.kubeletSim("kubelet-sim-0", "node-", 4, "zone-a,zone-b");
        cluster.awaitReady(Duration.ofSeconds(120), api0, cm, s0, s1, k);
        Api api = cluster.api(api0);
        awaitReadyNodes(api, "", 4, Duration.ofSeconds(60));
        Proc old = Cluster.awaitLeader(Duration.ofSeconds(30), List.of(s0, s1));
        Proc standby = old == s0 ? s1 : s0;
        long rev0 = cluster.etcd.currentRevision();

        for (int i = 0; i < 20; i++) {
            api.post("/api/v1/namespaces/default/pods", Api.pod("before-" + i, "pause", 300));
        }
        awaitRunning(api, "pause", 20, Duration.ofSeconds(90));
        double boundBefore = old.metric("scheduler_pods_bound_total");
        assertThat(boundBefore).isEqualTo(20.0);

        long tStop = System.nanoTime();
        old.sigstop();
        Timings.log("SIGSTOP scheduler leader " + old);
        for (int i = 0; i < 20; i++) {
            api.post("/api/v1/namespaces/default/pods", Api.pod("frozen-" + i, "pause", 300));
        }
        // the frozen leader cannot answer: ask the standby only
        Cluster.awaitLeads(standby, Cluster.LEADER_LEASE.plusSeconds(30), List.of(standby));
        long takeover = Timings.ms(tStop);
        Timings.timing("SIGSTOP -> standby leads (lease " + Cluster.LEADER_LEASE.toMillis() + " ms)", takeover);
        assertThat(takeover)
                .as("the standby leads only once the frozen leader's lease can have expired")
                .isGreaterThanOrEqualTo(Cluster.earliestTakeoverMillis());

        // keep pods coming while the old leader wakes up, so it has work it could try to bind
        long tCont = System.nanoTime();
        old.sigcont();
        for (int i = 0; i < 20; i++) {
            api.post("/api/v1/namespaces/default/pods", Api.pod("after-" + i, "pause", 300));
        }
        Poll.until(
                Duration.ofSeconds(30),
                old.id + " reports it does not lead (its leader_election_master_status)",
                () -> old.metric("leader_election_master_status"),
                v -> v == 0.0);
        Timings.timing("SIGCONT -> old leader steps down", Timings.ms(tCont));
        awaitRunning(api, "pause", 60, Duration.ofSeconds(90));
        Timings.timing("SIGSTOP -> all 60 pods Running", Timings.ms(tStop));

        assertThat(old.alive()).as("the old leader keeps running as a standby").isTrue();
        assertThat(old.metric("scheduler_pods_bound_total"))
                .as("binds by the old leader after its freeze")
                .isEqualTo(boundBefore);
        assertThat(standby.leading()).isTrue();
        assertThat(standby.metric("scheduler_pods_bound_total")).isEqualTo(40.0);
        Timings.log("old leader after SIGCONT: " + old.logCount("fenced out") + " binds rejected by the fence, "
                + (long) old.metric("scheduler_bind_failures_total") + " failed binds in all; log says stepped down: "
                + (old.logCount("stopped leading") > 0));
        assertEveryPodBoundAtMostOnce(rev0);
        cluster.assertAllAliveExcept();
    }
}
