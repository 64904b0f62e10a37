package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the controller-manager leader in the middle of a node failure: after it
 * marked the dead kubelet-sim's nodes unreachable and tainted them, before the pods'
 * 8 s toleration ran out.
 *
 * <p>Invariants: the standby takes over and finishes the evictions (every pod on the
 * failed nodes is deleted); the ReplicaSet ends with exactly its replica count of active
 * pods, all Running on healthy nodes, and status.replicas equal to it; no pod bound twice.
 */
class ControllerManagerFailoverTest extends E2eBase {
    private static final int REPLICAS = 24;
    private static final long TOLERATION_SECONDS = 8;

    @Test
    void theStandbyControllerManagerFinishesTheEvictionsOfAFailedNode() throws Exception {
        Proc api0 = cluster.apiserver("apiserver-0");
        Proc cm0 = cluster.controllerManager("controller-manager-0");
        Proc cm1 = cluster.controllerManager("controller-manager-1");
        Proc sched = cluster.scheduler("scheduler-0");
        Proc ka = cluster.kubeletSim("kubelet-sim-a", "a-node-", 4, "zone-a,zone-b");
        Proc kb = cluster.kubeletSim("kubelet-sim-b", "b-node-", 4, "zone-a,zone-b");
        cluster.awaitReady(Duration.ofSeconds(120), api0, cm0, cm1, sched, ka, kb);
        Api api = cluster.api(api0);
        awaitReadyNodes(api, "", 8, Duration.ofSeconds(60));
        Proc leader = Cluster.awaitLeader(Duration.ofSeconds(30), List.of(cm0, cm1));
        Proc standby = leader == cm0 ? cm1 : cm0;

        long rev0 = cluster.etcd.currentRevision();
        api.createReplicaSet("web", REPLICAS, TOLERATION_SECONDS);
        awaitRunning(api, "web", REPLICAS, Duration.ofSeconds(90));
        List<String> onA = activePods(api, "web").stream()
                .filter(p -> Api.nodeName(p).startsWith("a-node-"))
                .map(Api::name)
                .toList();
        assertThat(onA).isNotEmpty();
        Timings.log(onA.size() + " pods on kubelet-sim-a's nodes; controller-manager leader " + leader.id);

        long tFail = System.nanoTime();
        ka.kill9();
        Poll.until(
                Duration.ofSeconds(60),
                "a node of kubelet-sim-a tainted unreachable:NoExecute (taints by node)",
                () -> taints(api, "a-node-"),
                m -> m.values().stream().anyMatch(t -> t.contains("node.kubernetes.io/unreachable:NoExecute")));
        Timings.timing("node failure -> first unreachable NoExecute taint", Timings.ms(tFail));
        List<String> evictedBeforeKill = api.pods("app%3Dweb").stream()
                .filter(p -> onA.contains(Api.name(p)) && Api.terminating(p))
                .map(Api::name)
                .toList();
        long tKill = System.nanoTime();
        leader.kill9();
        Timings.log("killed controller-manager leader " + leader.id + "; evictions done before the kill: "
                + evictedBeforeKill.size() + " of " + onA.size());
        assertThat(evictedBeforeKill)
                .as("the kill lands before the evictions are done")
                .hasSizeLessThan(onA.size());

        Cluster.awaitLeads(standby, Cluster.LEADER_LEASE.plusSeconds(30), List.of(cm0, cm1));
        Timings.timing("controller-manager takeover after kill -9", Timings.ms(tKill));

        Poll.until(
                Duration.ofSeconds(60),
                "every pod of the failed nodes evicted (" + onA + ")",
                () -> api.pods("app%3Dweb").stream()
                        .filter(p -> onA.contains(Api.name(p)) && !Api.terminating(p))
                        .map(Api::name)
                        .sorted()
                        .toList(),
                List::isEmpty);
        Timings.timing("node failure -> all its pods evicted", Timings.ms(tFail));
        awaitRunning(api, "web", REPLICAS, Duration.ofSeconds(90));
        Timings.timing("node failure -> " + REPLICAS + " replicas Running again", Timings.ms(tFail));

        List<JsonNode> pods = activePods(api, "web");
        assertThat(pods).hasSize(REPLICAS);
        assertThat(pods).allSatisfy(p -> assertThat(Api.nodeName(p)).startsWith("b-node-"));
        Poll.until(
                Duration.ofSeconds(30),
                "ReplicaSet status.replicas == " + REPLICAS,
                () -> api.get("/apis/apps/v1/namespaces/default/replicasets/web")
                        .path("status")
                        .path("replicas")
                        .asInt(),
                n -> n == REPLICAS);
        assertEveryPodBoundAtMostOnce(rev0);
        cluster.assertAllAliveExcept(ka, leader);
    }

    /** "key:effect" taints of every node whose name starts with {@code prefix}, by name. */
    static java.util.Map<String, List<String>> taints(Api api, String prefix) {
        java.util.Map<String, List<String>> m = new java.util.TreeMap<>();
        for (JsonNode n : api.nodes()) {
            if (Api.name(n).startsWith(prefix)) {
                List<String> t = new java.util.ArrayList<>();
                n.path("spec")
                        .path("taints")
                        .forEach(x -> t.add(
                                x.path("key").asText() + ":" + x.path("effect").asText()));
                m.put(Api.name(n), t);
            }
        }
        return m;
    }
}
