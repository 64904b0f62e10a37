package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the scheduler leader in the middle of a 500-pod scale-up.
 *
 * <p>Invariants: the standby leads, and not before the old leader's lease can have
 * expired (the time it took is printed; its speed is a benchmark's business, not a
 * pass/fail line that a loaded CI machine would cross); all 500
 * pods end up Running; the etcd history shows every pod bound exactly once (never
 * rebound, never bound twice); no other component exits.
 */
class SchedulerFailoverTest extends E2eBase {
    private static final int PODS = 500;

    @Test
    void killingTheSchedulerLeaderDuringAScaleUpLosesNothingAndBindsNoPodTwice() throws Exception {
        Proc api0 = cluster.apiserver("apiserver-0");
        Proc cm = cluster.controllerManager("controller-manager-0");
        Proc s0 = cluster.scheduler("scheduler-0");
        Proc s1 = cluster.scheduler("scheduler-1");
        Proc k0 = cluster.kubeletSim("kubelet-sim-0", "a-node-", 10, "zone-a,zone-b");
        Proc k1 = cluster.kubeletSim("kubelet-sim-1", "b-node-", 10, "zone-a,zone-b");
        cluster.awaitReady(Duration.ofSeconds(120), api0, cm, s0, s1, k0, k1);
        Api api = cluster.api(api0);
        awaitReadyNodes(api, "", 20, Duration.ofSeconds(60));
        Proc leader = Cluster.awaitLeader(Duration.ofSeconds(30), List.of(s0, s1));
        Proc standby = leader == s0 ? s1 : s0;
        Timings.log("scheduler leader " + leader + ", standby " + standby);

        long rev0 = cluster.etcd.currentRevision();
        long t0 = System.nanoTime();
        api.createReplicaSet("scale", PODS, 300);

        // kill the leader once it has bound a good part of the pods, but not all
        Poll.until(
                Duration.ofSeconds(120),
                "the leader bound 100 pods (its scheduler_pods_bound_total)",
                () -> leader.metric("scheduler_pods_bound_total"),
                n -> n >= 100);
        double boundByLeader = leader.metric("scheduler_pods_bound_total");
        long tKill = System.nanoTime();
        leader.kill9();
        Timings.log("killed scheduler leader " + leader.id + " after it bound " + (long) boundByLeader + " pods, "
                + Timings.ms(t0) + " ms into the scale-up");

        Cluster.awaitLeads(standby, Cluster.LEADER_LEASE.plusSeconds(30), List.of(s0, s1));
        long takeover = Timings.ms(tKill);
        Timings.timing("scheduler takeover after kill -9 (lease " + Cluster.LEADER_LEASE.toMillis() + " ms)", takeover);
        assertThat(takeover)
                .as("the standby leads only once the old leader's lease can have expired")
                .isGreaterThanOrEqualTo(Cluster.earliestTakeoverMillis());

        Poll.until(
                Duration.ofSeconds(120),
                PODS + " pods bound",
                () -> summary(api, "scale"),
                s -> activePods(api, "scale").stream()
                                .filter(p -> !Api.nodeName(p).isEmpty())
                                .count()
                        == PODS);
        Timings.timing("scale-up to " + PODS + " bound pods", Timings.ms(t0));
        Map<String, EtcdHistory.Binding> bindings = assertEveryPodBoundAtMostOnce(rev0);
        awaitRunning(api, "scale", PODS, Duration.ofSeconds(120));
        Timings.timing("scale-up to " + PODS + " Running pods", Timings.ms(t0));

        List<JsonNode> pods = activePods(api, "scale");
        assertThat(pods).hasSize(PODS);
        Set<String> uids =
                pods.stream().map(p -> p.path("metadata").path("uid").asText()).collect(Collectors.toSet());
        assertThat(bindings.keySet()).as("every pod was bound (etcd history)").containsAll(uids);
        for (JsonNode p : pods) {
            assertThat(bindings.get(p.path("metadata").path("uid").asText()).nodes())
                    .as("binding of " + Api.name(p))
                    .containsExactly(Api.nodeName(p));
        }
        Timings.log("binds: " + (long) boundByLeader + "+ by the killed leader, "
                + (long) standby.metric("scheduler_pods_bound_total") + " by the new leader");
        assertThat(api.get("/apis/apps/v1/namespaces/default/replicasets/scale")
                        .path("status")
                        .path("replicas")
                        .asInt())
                .isEqualTo(PODS);
        cluster.assertAllAliveExcept(leader);
    }
}
