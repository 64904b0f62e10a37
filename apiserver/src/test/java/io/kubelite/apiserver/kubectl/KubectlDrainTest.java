package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl drain} (the real binary) of nodes whose pods a PodDisruptionBudget guards.
 * Real: kubectl, the API server's cordon, pod list, eviction subresource (budget checks, 429s,
 * graceful deletion) and etcd. Not running: kubelet-sim, the controller-manager and the
 * scheduler; what they would write is written straight to etcd by {@link NodeAgents} — pods
 * Running and Ready, a pod removed once its graceful deletion starts, a budget's status as the
 * disruption controller computes it, and (in the drain that succeeds) the replacement pod a
 * ReplicaSet would get on another node.
 */
@Timeout(180)
class KubectlDrainTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp().nodes("n1", "n2", "n3");

    static final String PODS = "/api/v1/namespaces/default/pods";
    static final String PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";

    final TestApiServer api = CLUSTER.api();
    final Kubectl kubectl = CLUSTER.kubectl();
    final NodeAgents agents = CLUSTER.agents();

    /** A running, ready pod on {@code node}; {@code owner} null for a pod no controller owns. */
    void pod(String name, String app, String node, String owner) {
        String refs = owner == null
                ? ""
                : ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"" + owner
                        + "\",\"uid\":\"uid-" + owner + "\",\"controller\":true}]";
        Resp r = api.post(
                PODS,
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\""
                        + app + "\"}" + refs + "},\"spec\":{\"nodeName\":\"" + node
                        + "\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        agents.markRunningAndReady("default", name);
    }

    void budget(String name, String app, int minAvailable) {
        Resp r = api.post(
                PDBS,
                "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":{\"name\":\"" + name
                        + "\"},\"spec\":{\"minAvailable\":" + minAvailable
                        + ",\"selector\":{\"matchLabels\":{\"app\":\""
                        + app + "\"}}}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
    }

    List<Pod> podsOn(String node) {
        return NodeAgents.join(api.store().of(PodKind.RESOURCE).list(ListOptions.<Pod>all())).items().stream()
                .filter(p -> p.getSpec().getNodeName().equals(node))
                .toList();
    }

    @Test
    void aDrainTheBudgetForbidsRetriesUntilItsTimeout() {
        pod("guarded-0", "guarded", "n1", "guarded");
        pod("guarded-1", "guarded", "n1", "guarded");
        budget("guarded", "guarded", 2);
        agents.budgetStatus("default", "guarded", 0, 2, 2, 2);

        Kubectl.Result r = kubectl.run("drain", "n1", "--timeout=7s");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).startsWith("node/n1 cordoned\n").contains("evicting pod default/guarded-0\n");
        assertThat(r.err())
                .contains("error when evicting pods/\"guarded-0\" -n \"default\" (will retry after 5s): Cannot evict"
                        + " pod as it would violate the pod's disruption budget.\n")
                .contains("error: unable to drain node \"n1\" due to error: [")
                .contains("error when evicting pods/\"guarded-0\" -n \"default\": global timeout reached: 7s")
                .contains("There are pending nodes to be drained:\n n1\n");
        assertThat(api.get("/api/v1/nodes/n1")
                        .json()
                        .path("spec")
                        .path("unschedulable")
                        .asBoolean())
                .as("cordoned")
                .isTrue();
        assertThat(podsOn("n1"))
                .as("both pods still there, neither deleting")
                .hasSize(2)
                .noneMatch(p -> p.getMetadata().hasDeletionTimestamp());
    }

    @Test
    void aDrainSucceedsOnceTheBudgetAllows() throws Exception {
        pod("api-0", "api", "n2", "api");
        pod("api-1", "api", "n2", "api");
        pod("bare", "bare", "n2", null);
        budget("api", "api", 1);
        agents.budgetStatus("default", "api", 1, 2, 1, 2);

        Kubectl.Result refused = kubectl.run("drain", "n2");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .contains("error: unable to drain node \"n2\" due to error: cannot delete cannot delete Pods that"
                        + " declare no controller (use --force to override): default/bare, continuing command...");

        CompletableFuture<Kubectl.Result> drain = CompletableFuture.supplyAsync(
                () -> kubectl.run("drain", "n2", "--force", "--grace-period=5", "--timeout=60s"));
        // The kubelet finishes every graceful deletion it sees. Three seconds after the first api pod
        // went, its replacement runs on n3 and the disruption controller allows one disruption again;
        // meanwhile the other api pod's eviction is refused (429) and kubectl retries it 5 s later.
        long replaceAt = Long.MAX_VALUE;
        boolean replaced = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!drain.isDone() && System.nanoTime() < deadline) {
            for (Pod p : podsOn("n2")) {
                if (p.getMetadata().hasDeletionTimestamp()) {
                    assertThat(p.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(5);
                    agents.finishDeletion(p);
                    if (p.getMetadata().getName().startsWith("api-") && replaceAt == Long.MAX_VALUE) {
                        replaceAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    }
                }
            }
            if (!replaced && System.nanoTime() > replaceAt) {
                pod("api-2", "api", "n3", "api");
                agents.budgetStatus("default", "api", 1, 2, 1, 2);
                replaced = true;
            }
            Thread.sleep(200);
        }
        Kubectl.Result r = drain.get(10, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .startsWith("node/n2 already cordoned\n")
                .contains("evicting pod default/bare\n", "pod/bare evicted\n", "pod/api-0 evicted\n")
                .contains("pod/api-1 evicted\n")
                .endsWith("node/n2 drained\n");
        assertThat(r.err())
                .contains("Warning: deleting Pods that declare no controller: default/bare")
                .containsPattern("error when evicting pods/\"api-[01]\" -n \"default\" \\(will retry after 5s\\):"
                        + " Cannot evict pod as it would violate the pod's disruption budget.");
        Poll.until(Duration.ofSeconds(5), "n2 empty", () -> podsOn("n2").isEmpty());
    }
}
