package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a kubelet-sim under a DaemonSet, then its restart.
 *
 * <p>Invariants, as kube: the dead kubelet-sim's nodes go Unknown and get the unreachable
 * NoExecute taint, yet the DaemonSet's pods there are neither evicted nor replaced (the DaemonSet
 * controller adds tolerations of not-ready and unreachable NoExecute without tolerationSeconds)
 * — only marked not Ready; after the restart every node is Ready with exactly one Running, Ready
 * DaemonSet pod, the very pods that ran before, and the DaemonSet's status says so. Over the etcd
 * history from the DaemonSet's creation, no node ever has two DaemonSet pods not being deleted
 * (counting a pod not yet bound for the node its affinity names).
 */
class DaemonSetKubeletRestartTest extends E2eBase {
    private static final int NODES_PER_SIM = 3;
    private static final int NODES = 2 * NODES_PER_SIM;
    private static final String DS = "/apis/apps/v1/namespaces/default/daemonsets/agent";

    @Test
    void aDaemonSetKeepsOnePodPerNodeThroughAKubeletSimKillAndRestart() throws Exception {
        Proc api0 = cluster.apiserver("apiserver-0");
        Proc cm = cluster.controllerManager("controller-manager-0");
        Proc sched = cluster.scheduler("scheduler-0");
        Proc ka = cluster.kubeletSim("kubelet-sim-a", "a-node-", NODES_PER_SIM, "zone-a");
        Proc kb = cluster.kubeletSim("kubelet-sim-b", "b-node-", NODES_PER_SIM, "zone-b");
        cluster.awaitReady(Duration.ofSeconds(120), api0, cm, sched, ka, kb);
        Api api = cluster.api(api0);
        awaitReadyNodes(api, "", NODES, Duration.ofSeconds(60));

        long rev0 = cluster.etcd.currentRevision();
        JsonNode created = api.post("/apis/apps/v1/namespaces/default/daemonsets", daemonSet());
        String dsUid = created.path("metadata").path("uid").asText();
        Map<String, String> before = awaitOnePodPerNode(api, Duration.ofSeconds(90));
        Timings.log("DaemonSet pods by node: " + before);

        long tKill = System.nanoTime();
        ka.kill9();
        Poll.until(
                Duration.ofSeconds(60),
                "kubelet-sim-a's nodes Unknown and tainted unreachable:NoExecute (taints by node)",
                () -> ControllerManagerFailoverTest.taints(api, "a-node-"),
                m -> m.size() == NODES_PER_SIM
                        && m.values().stream().allMatch(t -> t.contains("node.kubernetes.io/unreachable:NoExecute")));
        Timings.timing("kill -9 kubelet-sim -> its nodes tainted unreachable", Timings.ms(tKill));
        // kube marks the pods of an Unknown node not Ready, and evicts only those not tolerating the taint
        Poll.until(
                Duration.ofSeconds(30),
                "the DaemonSet's pods on kubelet-sim-a's nodes marked not Ready (Ready condition by pod)",
                () -> podReadiness(api, "a-node-"),
                m -> m.size() == NODES_PER_SIM && m.values().stream().noneMatch("True"::equals));
        // long enough for the node lifecycle controller (every 500 ms, 100 evictions/s) and the
        // DaemonSet controller to have acted several times had they wanted to
        Poll.holds(
                Cluster.NODE_GRACE,
                "the DaemonSet's pods stay, neither evicted nor replaced (pods by node)",
                () -> assertThat(podsByNode(api)).isEqualTo(before));
        Timings.log("the DaemonSet's pods stayed on the unreachable nodes: " + podsByNode(api));

        long tRestart = System.nanoTime();
        ka.start();
        cluster.awaitReady(Duration.ofSeconds(120), ka);
        awaitReadyNodes(api, "", NODES, Duration.ofSeconds(60));
        Map<String, String> after = awaitOnePodPerNode(api, Duration.ofSeconds(60));
        Timings.timing("restart kubelet-sim -> one Ready pod per node again", Timings.ms(tRestart));
        assertThat(after).as("the same pod on every node (name by node)").isEqualTo(before);
        Poll.until(
                Duration.ofSeconds(30),
                "DaemonSet status: desired, current, ready, available, up to date = " + NODES + ", misscheduled 0",
                () -> api.get(DS).path("status"),
                s -> s.path("desiredNumberScheduled").asInt() == NODES
                        && s.path("currentNumberScheduled").asInt() == NODES
                        && s.path("numberReady").asInt() == NODES
                        && s.path("numberAvailable").asInt() == NODES
                        && s.path("updatedNumberScheduled").asInt() == NODES
                        && s.path("numberMisscheduled").asInt() == 0);

        List<EtcdHistory.PodEvent> history = EtcdHistory.pods(cluster.store(), rev0);
        java.util.Set<String> ever = new java.util.TreeSet<>();
        for (EtcdHistory.PodEvent e : history) {
            if (e.pod() != null && ownedBy(e.pod(), dsUid)) {
                ever.add(e.pod().getMetadata().getName());
            }
        }
        assertThat(ever)
                .as("every pod the DaemonSet ever had (etcd history): one per node, none replaced")
                .containsExactlyInAnyOrderElementsOf(before.values());
        List<String> doubled = twoPodsOnANode(history, dsUid);
        assertThat(doubled)
                .as("revisions with two DaemonSet pods, not being deleted, on one node (etcd history)")
                .isEmpty();
        cluster.assertAllAliveExcept();
    }

    private static ObjectNode daemonSet() {
        ObjectNode ds = Api.JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "DaemonSet");
        ds.putObject("metadata").put("name", "agent").putObject("labels").put("app", "agent");
        ObjectNode spec = ds.putObject("spec");
        spec.putObject("selector").putObject("matchLabels").put("app", "agent");
        ObjectNode tpl = spec.putObject("template");
        tpl.putObject("metadata").putObject("labels").put("app", "agent");
        ObjectNode ps = Api.podSpec(0);
        ps.remove("tolerations"); // the DaemonSet controller's own tolerations are the subject
        tpl.set("spec", ps);
        return ds;
    }

    /** Waits until every node is Ready with exactly one Running, Ready pod of the DaemonSet; returns pod name by node. */
    private static Map<String, String> awaitOnePodPerNode(Api api, Duration timeout) {
        Poll.until(
                timeout,
                "one Running, Ready DaemonSet pod on each of the " + NODES + " Ready nodes (pods by node: phase/Ready)",
                () -> api.pods("app%3Dagent").stream()
                        .collect(Collectors.groupingBy(
                                p -> Api.nodeName(p).isEmpty() ? "<none>" : Api.nodeName(p),
                                TreeMap::new,
                                Collectors.mapping(
                                        p -> Api.name(p) + ":" + Api.phase(p) + "/" + podReady(p)
                                                + (Api.terminating(p) ? "/terminating" : ""),
                                        Collectors.toList()))),
                m -> m.size() == NODES
                        && readiness(api, "").values().stream().allMatch("True"::equals)
                        && m.values().stream()
                                .allMatch(l -> l.size() == 1 && l.get(0).endsWith(":Running/True")));
        return podsByNode(api);
    }

    /** Pod name by node, of the DaemonSet's pods not being deleted. */
    private static Map<String, String> podsByNode(Api api) {
        Map<String, String> m = new TreeMap<>();
        for (JsonNode p : activePods(api, "agent")) {
            String prev = m.put(Api.nodeName(p), Api.name(p));
            if (prev != null) {
                m.put(Api.nodeName(p), prev + "+" + Api.name(p));
            }
        }
        return m;
    }

    /** The Ready condition of the DaemonSet's pods on nodes starting with {@code prefix}, by pod. */
    private static Map<String, String> podReadiness(Api api, String prefix) {
        Map<String, String> m = new TreeMap<>();
        for (JsonNode p : activePods(api, "agent")) {
            if (Api.nodeName(p).startsWith(prefix)) {
                m.put(Api.name(p), podReady(p));
            }
        }
        return m;
    }

    private static String podReady(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText();
            }
        }
        return "";
    }

    /**
     * Replays the pod history: each revision at which a node had two of the DaemonSet's pods not
     * being deleted (bound there, or made for it and not yet bound).
     */
    static List<String> twoPodsOnANode(List<EtcdHistory.PodEvent> events, String dsUid) {
        Map<String, Pod> live = new HashMap<>(); // by key: the DaemonSet's pods, as last written
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            EtcdHistory.PodEvent e = events.get(i);
            if (e.pod() == null || !ownedBy(e.pod(), dsUid)) {
                live.remove(e.key());
            } else {
                live.put(e.key(), e.pod());
            }
            if (i + 1 < events.size() && events.get(i + 1).revision() == e.revision()) {
                continue;
            }
            Map<String, List<String>> byNode = new TreeMap<>();
            for (Pod p : live.values()) {
                String node = node(p);
                if (!p.getMetadata().hasDeletionTimestamp() && !node.isEmpty()) {
                    byNode.computeIfAbsent(node, n -> new ArrayList<>())
                            .add(p.getMetadata().getName());
                }
            }
            byNode.forEach((node, pods) -> {
                if (pods.size() > 1) {
                    bad.add("revision " + e.revision() + ": " + node + " " + pods);
                }
            });
        }
        return bad;
    }

    /**
     * The node a DaemonSet pod is for: its spec.nodeName once bound, before that the node its
     * required affinity names (the DaemonSet controller's {@code metadata.name} match field).
     */
    private static String node(Pod p) {
        if (!p.getSpec().getNodeName().isEmpty()) {
            return p.getSpec().getNodeName();
        }
        for (var term : p.getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTermsList()) {
            for (var f : term.getMatchFieldsList()) {
                if (f.getKey().equals("metadata.name") && f.getValuesCount() == 1) {
                    return f.getValues(0);
                }
            }
        }
        return "";
    }

    private static boolean ownedBy(Pod p, String uid) {
        for (OwnerReference r : p.getMetadata().getOwnerReferencesList()) {
            if (r.getController() && r.getUid().equals(uid)) {
                return true;
            }
        }
        return false;
    }
}
