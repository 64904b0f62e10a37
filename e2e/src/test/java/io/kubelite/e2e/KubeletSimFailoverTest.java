package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a kubelet-sim, then its restart.
 *
 * <p>Invariants: its nodes (and only its) go Unknown once the node grace period has
 * passed, not before; their pods are evicted and the ReplicaSet's replacements run on
 * the other kubelet-sim's nodes, the active replica count exact throughout the end state;
 * after the restart its nodes are Ready again with the same uids and no duplicate Node
 * objects, and the evicted pods it left behind are removed; no pod bound twice.
 */
class KubeletSimFailoverTest extends E2eBase {
    private static final int REPLICAS = 24;

    @Test
    void aKilledKubeletSimsPodsMoveAndItsNodesComeBackCleanAfterRestart() throws Exception {
        Proc api0 = cluster.apiserver("apiserver-0");
        Proc cm = cluster.controllerManager("controller-manager-0");
        Proc sched = cluster.scheduler("scheduler-0");
        Proc ka = cluster.kubeletSim("kubelet-sim-a", "a-node-", 4, "zone-a,zone-b");
        Proc kb = cluster.kubeletSim("kubelet-sim-b", "b-node-", 4, "zone-a,zone-b");
        cluster.awaitReady(Duration.ofSeconds(120), api0, cm, sched, ka, kb);
        Api api = cluster.api(api0);
        awaitReadyNodes(api, "", 8, Duration.ofSeconds(60));
        Map<String, String> uidsBefore = api.nodes().stream()
                .collect(Collectors.toMap(
                        Api::name, n -> n.path("metadata").path("uid").asText()));

        long rev0 = cluster.etcd.currentRevision();
        // no toleration of unreachable/not-ready: evicted as soon as the node is tainted; a long termination
        // grace, so the evicted pods are still Terminating (not yet force-deleted by pod GC) when kubelet-sim-a returns
        com.fasterxml.jackson.databind.node.ObjectNode rs = Api.replicaSet("web", REPLICAS, 0);
        ((com.fasterxml.jackson.databind.node.ObjectNode)
                        rs.path("spec").path("template").path("spec"))
                .put("terminationGracePeriodSeconds", 120);
        api.post("/apis/apps/v1/namespaces/default/replicasets", rs);
        awaitRunning(api, "web", REPLICAS, Duration.ofSeconds(90));
        List<String> onA = activePods(api, "web").stream()
                .filter(p -> Api.nodeName(p).startsWith("a-node-"))
                .map(Api::name)
                .toList();
        assertThat(onA).as("pods on kubelet-sim-a's nodes before the kill").isNotEmpty();
        Timings.log(onA.size() + " of " + REPLICAS + " pods run on kubelet-sim-a's nodes");

        long tKill = System.nanoTime();
        ka.kill9();
        Poll.until(
                Duration.ofSeconds(60),
                "kubelet-sim-a's 4 nodes Unknown (Ready condition by node)",
                () -> readiness(api, "a-node-"),
                r -> r.values().stream().filter("Unknown"::equals).count() == 4);
        long unknownAfter = Timings.ms(tKill);
        Timings.timing(
                "kill -9 kubelet-sim -> its nodes Unknown (grace " + Cluster.NODE_GRACE.toMillis() + " ms)",
                unknownAfter);
        // the last lease renewal was at most the renew interval (1 s) before the kill
        assertThat(unknownAfter)
                .as("nodes go Unknown only after the grace period")
                .isGreaterThanOrEqualTo(Cluster.NODE_GRACE.toMillis() - 1500);
        assertThat(api.nodes().stream()
                        .filter(n -> Api.name(n).startsWith("b-node-"))
                        .map(Api::ready))
                .as("the other kubelet-sim's nodes stay Ready")
                .containsOnly("True");

        Poll.until(
                Duration.ofSeconds(90),
                REPLICAS + " active pods, all Running on kubelet-sim-b's nodes (active pods" + " by phase and node)",
                () -> activePods(api, "web").stream()
                        .collect(Collectors.groupingBy(
                                p -> Api.phase(p) + " on "
                                        + (Api.nodeName(p).isEmpty()
                                                ? "no node"
                                                : Api.nodeName(p).substring(0, 6) + "*"),
                                java.util.TreeMap::new,
                                Collectors.counting())),
                m -> m.size() == 1 && Long.valueOf(REPLICAS).equals(m.get("Running on b-node*")));
        Timings.timing(
                "kill -9 kubelet-sim -> all " + REPLICAS + " replicas Running on the other nodes", Timings.ms(tKill));
        List<JsonNode> all = api.pods("app%3Dweb");
        List<String> stale = all.stream()
                .filter(p -> Api.nodeName(p).startsWith("a-node-"))
                .map(Api::name)
                .toList();
        assertThat(all.stream().filter(p -> Api.nodeName(p).startsWith("a-node-")))
                .as("pods left on kubelet-sim-a's nodes are all being deleted")
                .allMatch(Api::terminating);
        assertThat(stale)
                .as("the evicted pods wait, terminating, for their kubelet")
                .containsAll(onA);
        Timings.log(
                stale.size() + " evicted pods wait on kubelet-sim-a's nodes (" + onA.size()
                        + " ran there before the kill, the others were replacements placed there before its nodes went Unknown)");

        long tRestart = System.nanoTime();
        ka.start();
        cluster.awaitReady(Duration.ofSeconds(120), ka);
        awaitReadyNodes(api, "a-node-", 4, Duration.ofSeconds(60));
        Timings.timing("restart kubelet-sim -> its nodes Ready", Timings.ms(tRestart));
        Poll.until(
                Duration.ofSeconds(60),
                "the evicted pods removed, " + REPLICAS + " left (pods not Running on b-node-*)",
                () -> api.pods("app%3Dweb").stream()
                        .filter(p -> Api.terminating(p) || !Api.nodeName(p).startsWith("b-node-"))
                        .map(p -> Api.name(p) + "@" + Api.nodeName(p) + (Api.terminating(p) ? " terminating" : ""))
                        .toList(),
                List::isEmpty);
        Timings.timing("restart kubelet-sim -> stale pods removed", Timings.ms(tRestart));

        List<JsonNode> nodes = api.nodes();
        assertThat(nodes).as("no duplicate nodes").hasSize(8);
        assertThat(nodes.stream()
                        .collect(Collectors.toMap(
                                Api::name, n -> n.path("metadata").path("uid").asText())))
                .as("nodes kept their uids")
                .isEqualTo(uidsBefore);
        assertThat(nodes.stream().map(Api::ready)).containsOnly("True");
        List<JsonNode> pods = activePods(api, "web");
        assertThat(pods).hasSize(REPLICAS);
        assertThat(running(pods)).isEqualTo(REPLICAS);
        assertThat(api.get("/apis/apps/v1/namespaces/default/replicasets/web")
                        .path("status")
                        .path("replicas")
                        .asInt())
                .isEqualTo(REPLICAS);
        assertEveryPodBoundAtMostOnce(rev0);
        cluster.assertAllAliveExcept();
    }
}
