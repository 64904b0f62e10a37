package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole etcd cluster down for 20 s: every member killed with SIGKILL, then all
 * three restarted from their data dirs (same ports, same data), as after a power cut.
 *
 * <p>Invariants: no component exits while etcd is away (they report not ready instead),
 * none is restarted, each is ready again on its own once etcd is back; the pods that ran
 * before still exist; a ReplicaSet created afterwards is scheduled and runs; no pod bound
 * twice.
 */
class EtcdOutageTest extends E2eBase {
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private boolean down;

    @Test
    void everyComponentRecoversByItselfAfterA20SecondEtcdOutage() throws Exception {
        Proc api0 = cluster.apiserver("apiserver-0");
        Proc cm = cluster.controllerManager("controller-manager-0");
        Proc sched = cluster.scheduler("scheduler-0");
        Proc k = cluster.kubeletSim("kubelet-sim-0", "node-", 4, "zone-a,zone-b");
        cluster.awaitReady(Duration.ofSeconds(120), api0, cm, sched, k);
        Api api = cluster.api(api0);
        awaitReadyNodes(api, "", 4, Duration.ofSeconds(60));
        long rev0 = cluster.etcd.currentRevision();
        // default (300 s) tolerations: the outage must not turn into evictions
        api.createReplicaSet("before", 10, 300);
        awaitRunning(api, "before", 10, Duration.ofSeconds(90));

        // every member killed (SIGKILL); their data dirs stay for the restart
        long tDown = System.nanoTime();
        for (int i = 0; i < cluster.etcd.size(); i++) {
            cluster.etcd.kill(i);
        }
        down = true;
        Timings.log("all " + cluster.etcd.size() + " etcd members killed (SIGKILL)");
        // the outage lasts a fixed time by design; meanwhile every component must stay up
        long[] notReadySeen = {0};
        Poll.holds(OUTAGE.minusNanos(System.nanoTime() - tDown), "every component stays up while etcd is down", () -> {
            cluster.assertAllAliveExcept();
            if (notReadySeen[0] == 0 && !api0.ready()) {
                notReadySeen[0] = Timings.ms(tDown);
            }
        });
        Timings.log("apiserver reported not ready " + notReadySeen[0] + " ms into the outage");
        assertThat(notReadySeen[0])
                .as("the API server reports not ready while etcd is away")
                .isPositive();

        long tUp = System.nanoTime();
        restartAll();
        Timings.timing("etcd members restarted from their data dirs -> quorum", Timings.ms(tUp));
        for (Proc p : cluster.procs()) {
            cluster.awaitReady(Duration.ofSeconds(60), p);
            Timings.timing("etcd back -> " + p.id + " ready", Timings.ms(tUp));
        }
        awaitReadyNodes(api, "", 4, Duration.ofSeconds(60));
        Timings.timing("etcd back -> all nodes Ready", Timings.ms(tUp));
        api.createReplicaSet("after", 10, 300);
        awaitRunning(api, "after", 10, Duration.ofSeconds(90));
        Timings.timing("etcd back -> a new ReplicaSet of 10 Running", Timings.ms(tUp));
        awaitRunning(api, "before", 10, Duration.ofSeconds(30));

        cluster.assertAllAliveExcept();
        cluster.assertNoRestarts();
        assertEveryPodBoundAtMostOnce(rev0);
    }

    /**
     * Restarts every member from its data dir. The harness's restart returns once a member
     * listens when it lacks quorum (a lone etcd 3.4 member does not answer /health), and waits
     * for /health once a majority runs; then the cluster must answer a quorum read.
     */
    private void restartAll() {
        for (int i = 0; i < cluster.etcd.size(); i++) {
            cluster.etcd.restart(i);
        }
        down = false;
        // endpoint health is a quorum read on every member
        Poll.until(
                Duration.ofSeconds(30),
                "etcd healthy (quorum reads on every member)",
                () -> {
                    try {
                        cluster.etcd.etcdctl("endpoint", "health");
                        return "healthy";
                    } catch (RuntimeException | AssertionError notYet) {
                        return "etcdctl endpoint health: " + notYet.getMessage();
                    }
                },
                "healthy"::equals);
    }

    @AfterEach
    void etcdBack() {
        if (down) {
            // the next test of the class runs on the same members
            restartAll();
        }
    }
}
