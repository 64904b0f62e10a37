package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the controller-manager in the middle of a namespace's deletion: its ReplicaSet's
 * pods already stopped by their kubelet-sim (graceful deletion, the real kubelet's part), a
 * config map still held by a finalizer. While no controller-manager runs the namespace stays
 * Terminating, even once the finalizer is removed; a new controller-manager finishes the job.
 */
class NamespaceDeletionFailoverTest extends E2eBase {
    private static final String NS = "/api/v1/namespaces/doomed";

    @Test
    void aRestartedControllerManagerFinishesANamespaceDeletion() throws Exception {
        Proc api0 = cluster.apiserver("apiserver-0");
        Proc cm0 = cluster.controllerManager("controller-manager-0");
        Proc sched = cluster.scheduler("scheduler-0");
        Proc k = cluster.kubeletSim("kubelet-sim-a", "a-node-", 2, "zone-a");
        cluster.awaitReady(Duration.ofSeconds(120), api0, cm0, sched, k);
        Api api = cluster.api(api0);
        awaitReadyNodes(api, "", 2, Duration.ofSeconds(60));

        api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"doomed\"}}");
        api.post("/apis/apps/v1/namespaces/doomed/replicasets", Api.replicaSet("web", 3, 300));
        api.post(
                NS + "/configmaps",
                "{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"example.com/hold\"]},\"data\":{\"a\":\"b\"}}");
        Poll.until(
                Duration.ofSeconds(90),
                "3 pods Running in doomed",
                () -> api.items(NS + "/pods").stream().map(Api::phase).toList(),
                phases -> phases.size() == 3 && phases.stream().allMatch("Running"::equals));

        JsonNode marked = api.delete(NS);
        assertThat(marked.path("status").path("phase").asText()).isEqualTo("Terminating");
        Poll.until(
                Duration.ofSeconds(60),
                "pods stopped and removed by their kubelet-sim, the held config map the only content left",
                () -> condition(api.get(NS), "NamespaceContentRemaining") + " | pods "
                        + api.items(NS + "/pods").size(),
                s -> s.equals("Some resources are remaining: configmaps. has 1 resource instances | pods 0"));
        assertThat(condition(api.get(NS), "NamespaceFinalizersRemaining"))
                .isEqualTo("Some content in the namespace has finalizers remaining: example.com/hold in 1 resource"
                        + " instances");

        cm0.kill9();
        api.patch(NS + "/configmaps/held", "{\"metadata\":{\"finalizers\":null}}");
        Poll.holds(
                Duration.ofSeconds(3),
                "the namespace stays Terminating while no controller-manager runs",
                () -> assertThat(api.get(NS).path("status").path("phase").asText())
                        .isEqualTo("Terminating"));

        Proc cm1 = cluster.controllerManager("controller-manager-1");
        cluster.awaitReady(Duration.ofSeconds(120), cm1);
        Poll.until(Duration.ofSeconds(60), "namespace doomed gone", () -> status(api, NS) == 404);
        assertThat(api.items("/api/v1/namespaces/doomed/configmaps")).isEmpty();
    }

    private static int status(Api api, String path) {
        try {
            api.get(path);
            return 200;
        } catch (Api.ApiException e) {
            return e.status;
        }
    }

    private static String condition(JsonNode ns, String type) {
        for (JsonNode c : ns.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)
                    && c.path("status").asText().equals("True")) {
                return c.path("message").asText();
            }
        }
        return "";
    }
}
