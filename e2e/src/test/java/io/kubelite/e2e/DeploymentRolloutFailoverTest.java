package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the controller-manager leader in the middle of a Deployment's rolling update of
 * 100 replicas, then {@code kubectl rollout undo}.
 *
 * <p>maxSurge 5 and maxUnavailable 5 (not the default 25%/25%): the rollout takes about 20
 * steps of 5 pods, long enough for the kill to land inside it, and the bounds checked are tight.
 *
 * <p>Invariants: the standby takes over and completes the rollout (updated = available =
 * replicas = 100, observedGeneration = generation, the old ReplicaSet at 0); undo restores the
 * first template as revision 3 and completes too. Over the etcd history from just before the
 * template change to the end, at every revision:
 *
 * <ul>
 *   <li>at least replicas - maxUnavailable (95) of the Deployment's pods are available (Ready,
 *       not being deleted; minReadySeconds is 0);
 *   <li>the sum of its ReplicaSets' spec.replicas is at most replicas + maxSurge (105). This,
 *       not the pod count, is what kube bounds: its {@code NewRSNewReplicas} scales the new
 *       ReplicaSet up to {@code replicas + maxSurge - GetReplicaCountForReplicaSets(all)}, a sum
 *       of spec.replicas. Pods may briefly exceed it — the ReplicaSet controller can create the
 *       new ReplicaSet's pods before it has deleted the old one's — so the pod maximum is only
 *       logged.
 * </ul>
 */
class DeploymentRolloutFailoverTest extends E2eBase {
    private static final int REPLICAS = 100;
    private static final int MAX_SURGE = 5;
    private static final int MAX_UNAVAILABLE = 5;
    private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments/";
    private static final String REVISION = "deployment.kubernetes.io/revision";

    @Test
    void theStandbyCompletesARolloutTheLeaderStartedAndUndoRollsBack() throws Exception {
        Proc api0 = cluster.apiserver("apiserver-0");
        Proc api1 = cluster.apiserverHttps("apiserver-1"); // for kubectl
        Proc cm0 = cluster.controllerManager("controller-manager-0");
        Proc cm1 = cluster.controllerManager("controller-manager-1");
        Proc sched = cluster.scheduler("scheduler-0");
        Proc ka = cluster.kubeletSim("kubelet-sim-a", "a-node-", 4, "zone-a,zone-b");
        Proc kb = cluster.kubeletSim("kubelet-sim-b", "b-node-", 4, "zone-a,zone-b");
        cluster.awaitReady(Duration.ofSeconds(120), api0, api1, cm0, cm1, sched, ka, kb);
        Api api = cluster.api(api0);
        awaitReadyNodes(api, "", 8, Duration.ofSeconds(60));
        Proc leader = Cluster.awaitLeader(Duration.ofSeconds(30), List.of(cm0, cm1));
        Proc standby = leader == cm0 ? cm1 : cm0;

        long rev0 = cluster.etcd.currentRevision();
        long t0 = System.nanoTime();
        JsonNode created = api.post(
                "/apis/apps/v1/namespaces/default/deployments",
                Api.deployment("web", REPLICAS, MAX_SURGE, MAX_UNAVAILABLE));
        String uid = created.path("metadata").path("uid").asText();
        awaitComplete(api, 1, Duration.ofSeconds(120));
        Timings.timing(REPLICAS + " replicas available", Timings.ms(t0));

        // the rollout: a new image
        long revChange = cluster.etcd.currentRevision();
        setImage(api, "nginx:1.28");
        long tChange = System.nanoTime();
        JsonNode midway = Poll.until(
                Duration.ofSeconds(60),
                "the rollout under way (status.updatedReplicas between 1 and " + (REPLICAS - 1) + ")",
                () -> api.get(DEPLOYMENTS + "web").path("status"),
                s -> s.path("observedGeneration").asLong() == 2
                        && s.path("updatedReplicas").asInt() > 0
                        && s.path("updatedReplicas").asInt() < REPLICAS);
        long tKill = System.nanoTime();
        leader.kill9();
        Map<String, Long> images = activeImages(api);
        Timings.log("killed controller-manager leader " + leader.id + " " + Timings.ms(tChange)
                + " ms into the rollout; deployment status then " + midway + "; active pods by image now " + images);
        assertThat(images)
                .as("the kill lands in the middle of the rollout: pods of both templates (active pods by image)")
                .containsKeys("nginx:1.27", "nginx:1.28");

        Cluster.awaitLeads(standby, Cluster.LEADER_LEASE.plusSeconds(30), List.of(cm0, cm1));
        Timings.timing("controller-manager takeover after kill -9", Timings.ms(tKill));
        awaitComplete(api, 2, Duration.ofSeconds(120));
        Timings.timing("template change -> rollout complete (through the failover)", Timings.ms(tChange));
        Poll.until(
                Duration.ofSeconds(30),
                "ReplicaSets by image: spec.replicas/status.replicas/revision",
                () -> replicaSetsByImage(api),
                Map.of("nginx:1.27", rs(0, "1"), "nginx:1.28", rs(REPLICAS, "2"))::equals);

        // undo: back to the first template, which becomes revision 3
        long tUndo = System.nanoTime();
        assertThat(cluster.kubectl(api1, "rollout", "undo", "deployment/web"))
                .isEqualTo("deployment.apps/web rolled back\n");
        awaitComplete(api, 3, Duration.ofSeconds(120));
        Timings.timing("rollout undo -> complete", Timings.ms(tUndo));
        JsonNode d = api.get(DEPLOYMENTS + "web");
        assertThat(d.path("spec")
                        .path("template")
                        .path("spec")
                        .path("containers")
                        .path(0)
                        .path("image")
                        .asText())
                .isEqualTo("nginx:1.27");
        assertThat(d.path("metadata").path("annotations").path(REVISION).asText())
                .as("the Deployment's revision annotation")
                .isEqualTo("3");
        Poll.until(
                Duration.ofSeconds(30),
                "ReplicaSets by image: spec.replicas/status.replicas/revision",
                () -> replicaSetsByImage(api),
                Map.of("nginx:1.27", rs(REPLICAS, "3"), "nginx:1.28", rs(0, "2"))::equals);
        assertThat(activeImages(api)).isEqualTo(Map.of("nginx:1.27", (long) REPLICAS));

        // the bounds, at every revision from the template change on
        long tHist = System.nanoTime();
        List<RolloutHistory.Counts> counts = RolloutHistory.replay(
                        uid,
                        EtcdHistory.merged(
                                EtcdHistory.of(cluster.store(), ReplicaSetKind.RESOURCE, rev0),
                                EtcdHistory.of(cluster.store(), PodKind.RESOURCE, rev0)))
                .stream()
                .filter(c -> c.revision() >= revChange)
                .toList();
        assertThat(counts).as("revisions since the template change").isNotEmpty();
        RolloutHistory.Counts maxPods = counts.stream()
                .max(java.util.Comparator.comparingInt(RolloutHistory.Counts::pods))
                .orElseThrow();
        RolloutHistory.Counts minAvailable = counts.stream()
                .min(java.util.Comparator.comparingInt(RolloutHistory.Counts::available))
                .orElseThrow();
        Timings.log("fewest available at " + minAvailable);
        Timings.log(counts.size() + " revisions replayed in " + Timings.ms(tHist) + " ms, from " + counts.get(0)
                + "; most pods at " + maxPods + " (not bounded by kube, see the class comment)");
        assertThat(counts.stream()
                        .filter(c -> c.available() < REPLICAS - MAX_UNAVAILABLE)
                        .findFirst())
                .as("first revision with fewer than replicas - maxUnavailable = " + (REPLICAS - MAX_UNAVAILABLE)
                        + " available pods")
                .isEmpty();
        int over = -1;
        for (int i = 0; i < counts.size() && over < 0; i++) {
            if (counts.get(i).specReplicas() > REPLICAS + MAX_SURGE) {
                over = i;
            }
        }
        assertThat(over < 0 ? List.of() : specChangesUpTo(counts, over))
                .as("first revision with the ReplicaSets' spec.replicas summing to more than replicas + maxSurge = "
                        + (REPLICAS + MAX_SURGE) + " (the spec changes that led there)")
                .isEmpty();
        cluster.assertAllAliveExcept(leader);
    }

    /** The last few revisions up to {@code i} at which a ReplicaSet's spec.replicas changed. */
    private static List<RolloutHistory.Counts> specChangesUpTo(List<RolloutHistory.Counts> counts, int i) {
        java.util.LinkedList<RolloutHistory.Counts> out = new java.util.LinkedList<>();
        for (int j = i; j >= 0 && out.size() < 8; j--) {
            if (j == 0 || !counts.get(j).byReplicaSet().equals(counts.get(j - 1).byReplicaSet())) {
                out.addFirst(counts.get(j));
            }
        }
        return out;
    }

    /** What a ReplicaSet is expected to show: "spec/status/revision". */
    private static String rs(int replicas, String revision) {
        return replicas + "/" + replicas + "/" + revision;
    }

    private static void setImage(Api api, String image) {
        ObjectNode d = (ObjectNode) api.get(DEPLOYMENTS + "web");
        ((ObjectNode) d.path("spec")
                        .path("template")
                        .path("spec")
                        .path("containers")
                        .path(0))
                .put("image", image);
        api.put(DEPLOYMENTS + "web", d);
    }

    /** Waits until the Deployment observed {@code generation} and its rollout is complete. */
    private static void awaitComplete(Api api, long generation, Duration timeout) {
        Poll.until(
                timeout,
                "deployment web at generation " + generation + " complete: observedGeneration, replicas,"
                        + " updatedReplicas, availableReplicas = " + REPLICAS + " (generation and status)",
                () -> {
                    JsonNode d = api.get(DEPLOYMENTS + "web");
                    ObjectNode o = Api.JSON.createObjectNode();
                    o.put("generation", d.path("metadata").path("generation").asLong());
                    o.set("status", d.path("status"));
                    return o;
                },
                o -> o.path("generation").asLong() == generation
                        && o.path("status").path("observedGeneration").asLong() == generation
                        && o.path("status").path("replicas").asInt() == REPLICAS
                        && o.path("status").path("updatedReplicas").asInt() == REPLICAS
                        && o.path("status").path("availableReplicas").asInt() == REPLICAS);
    }

    /** Active (not terminating) pods of app=web by image. */
    private static Map<String, Long> activeImages(Api api) {
        Map<String, Long> m = new TreeMap<>();
        for (JsonNode p : activePods(api, "web")) {
            m.merge(p.path("spec").path("containers").path(0).path("image").asText(), 1L, Long::sum);
        }
        return m;
    }

    /** The Deployment's ReplicaSets by image, each as "spec.replicas/status.replicas/revision". */
    private static Map<String, String> replicaSetsByImage(Api api) {
        Map<String, String> m = new TreeMap<>();
        for (JsonNode rs : api.items("/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dweb")) {
            m.put(
                    rs.path("spec")
                            .path("template")
                            .path("spec")
                            .path("containers")
                            .path(0)
                            .path("image")
                            .asText(),
                    rs.path("spec").path("replicas").asInt() + "/"
                            + rs.path("status").path("replicas").asInt() + "/"
                            + rs.path("metadata")
                                    .path("annotations")
                                    .path(REVISION)
                                    .asText());
        }
        return m;
    }
}
