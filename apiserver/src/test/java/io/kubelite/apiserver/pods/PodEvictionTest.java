package io.kubelite.apiserver.pods;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST pods/{name}/eviction} over HTTP against one API server on real etcd. The
 * disruption controller and the kubelet do not run here: their writes (a budget's status, a
 * pod Running and Ready) are made straight to etcd with {@link NodeAgents}, as they would.
 */
@Timeout(120)
class PodEvictionTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final String PODS = "/api/v1/namespaces/default/pods";
    static final String PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";

    static TestApiServer api;
    static NodeAgents agents;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
        agents = new NodeAgents(api.store());
        assertThat(api.post("/api/v1/nodes", TestApiServer.node("n1")).code()).isEqualTo(201);
        // eviction's graceful deletion asks the node watch cache whether n1 exists: wait until it
        // does (resourceVersion=0 is served from that cache), else a pod on n1 counts as on a gone node
        Poll.until(
                Duration.ofSeconds(10),
                "node n1 in the API server's node cache",
                () -> api.get("/api/v1/nodes?resourceVersion=0").body(),
                body -> body.contains("\"name\":\"n1\""));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** A pod of app {@code app} bound to n1, Running and Ready as its kubelet reports it. */
    static void runningPod(String name, String app) {
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"app\":\"" + app + "\"}},\"spec\":{\"nodeName\":\"n1\","
                + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}";
        Resp r = api.post(PODS, body);
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        agents.markRunningAndReady("default", name);
    }

    static void budget(String name, String app, String bound) {
        Resp r = api.post(
                PDBS,
                "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":{\"name\":\"" + name
                        + "\"},\"spec\":{" + bound + ",\"selector\":{\"matchLabels\":{\"app\":\"" + app + "\"}}}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
    }

    static Resp evict(String pod, String deleteOptions) {
        return api.post(
                PODS + "/" + pod + "/eviction",
                "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod
                        + "\",\"namespace\":\"default\"}"
                        + (deleteOptions == null ? "" : ",\"deleteOptions\":" + deleteOptions) + "}");
    }

    @Test
    void anAllowedEvictionSpendsTheBudgetAndStartsAGracefulDeletion() {
        runningPod("allowed-1", "allowed");
        budget("allowed", "allowed", "\"minAvailable\":0");
        agents.budgetStatus("default", "allowed", 1, 1, 0, 1);

        Resp r = evict("allowed-1", "{\"gracePeriodSeconds\":7}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("status").asText()).isEqualTo("Success");

        JsonNode pod = api.get(PODS + "/allowed-1").json();
        assertThat(pod.path("metadata").has("deletionTimestamp"))
                .as("terminating")
                .isTrue();
        assertThat(pod.path("metadata").path("deletionGracePeriodSeconds").asInt())
                .isEqualTo(7);
        JsonNode target = condition(pod.path("status").path("conditions"), "DisruptionTarget");
        assertThat(target.path("reason").asText()).isEqualTo("EvictionByEvictionAPI");
        assertThat(target.path("message").asText()).isEqualTo("Eviction API: evicting");

        JsonNode pdb = api.get(PDBS + "/allowed").json();
        assertThat(pdb.path("status").path("disruptionsAllowed").asInt()).isZero();
        assertThat(pdb.path("status").path("disruptedPods").has("allowed-1")).isTrue();
        JsonNode cond = condition(pdb.path("status").path("conditions"), "DisruptionAllowed");
        assertThat(cond.path("status").asText()).isEqualTo("False");
        assertThat(cond.path("reason").asText()).isEqualTo("InsufficientPods");
    }

    @Test
    void aBudgetWithNoDisruptionLeftIsA429AndThePodStays() {
        runningPod("guarded-1", "guarded");
        budget("guarded", "guarded", "\"minAvailable\":1");
        agents.budgetStatus("default", "guarded", 0, 1, 1, 1);

        Resp r = evict("guarded-1", null);
        assertThat(r.code()).as(r.body()).isEqualTo(429);
        JsonNode s = r.json();
        assertThat(s.path("kind").asText()).isEqualTo("Status");
        assertThat(s.path("reason").asText()).isEqualTo("TooManyRequests");
        assertThat(s.path("message").asText())
                .isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
        JsonNode cause = s.path("details").path("causes").get(0);
        assertThat(cause.path("reason").asText()).isEqualTo("DisruptionBudget");
        assertThat(cause.path("message").asText())
                .isEqualTo("The disruption budget guarded needs 1 healthy pods and has 1 currently");
        assertThat(r.header("Retry-After")).isEmpty();
        assertThat(api.get(PODS + "/guarded-1").json().path("metadata").has("deletionTimestamp"))
                .isFalse();
    }

    @Test
    void aBudgetTheControllerHasNotSeenYetIsA429WithRetryAfter() {
        runningPod("fresh-1", "fresh");
        budget("fresh", "fresh", "\"maxUnavailable\":1");
        // no status yet: observedGeneration 0 < generation 1
        Resp r = evict("fresh-1", null);
        assertThat(r.code()).as(r.body()).isEqualTo(429);
        assertThat(r.json()
                        .path("details")
                        .path("causes")
                        .get(0)
                        .path("message")
                        .asText())
                .isEqualTo("The disruption budget fresh is still being processed by the server.");
        assertThat(r.json().path("details").path("retryAfterSeconds").asInt()).isEqualTo(10);
        assertThat(r.header("Retry-After")).containsExactly("10");
    }

    @Test
    void withoutABudgetAPendingPodGoesAtOnceAndDryRunChangesNothing() {
        Resp created = api.post(PODS, TestApiServer.pod("pending-1", ""));
        assertThat(created.code()).isEqualTo(201);
        Resp dry = evict("pending-1", "{\"dryRun\":[\"All\"]}");
        assertThat(dry.code()).as(dry.body()).isEqualTo(201);
        assertThat(api.get(PODS + "/pending-1").code()).isEqualTo(200);
        Resp r = evict("pending-1", null);
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        assertThat(api.get(PODS + "/pending-1").code())
                .as("unbound: removed at once")
                .isEqualTo(404);
    }

    @Test
    void twoBudgetsForOnePodAreA500AndBadRequestsAreRefused() {
        runningPod("twice-1", "twice");
        budget("twice-a", "twice", "\"minAvailable\":0");
        budget("twice-b", "twice", "\"minAvailable\":0");
        Resp r = evict("twice-1", null);
        assertThat(r.code()).isEqualTo(500);
        assertThat(r.json().path("message").asText())
                .isEqualTo("This pod has more than one PodDisruptionBudget, which the eviction subresource does"
                        + " not support.");

        Resp mismatch = api.post(
                PODS + "/twice-1/eviction",
                "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"other\"}}");
        assertThat(mismatch.code()).isEqualTo(400);
        assertThat(mismatch.json().path("message").asText())
                .isEqualTo("name in URL does not match name in Eviction object");
        assertThat(api.get(PODS + "/twice-1/eviction").code()).isEqualTo(405);
        assertThat(evict("no-such-pod", null).code()).isEqualTo(404);
        assertThat(api.get("/api/v1").body())
                .contains("{\"name\":\"pods/eviction\",\"singularName\":\"\",\"namespaced\":true,"
                        + "\"group\":\"policy\",\"version\":\"v1\",\"kind\":\"Eviction\",\"verbs\":[\"create\"]}");
    }

    static JsonNode condition(JsonNode conditions, String type) {
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        throw new AssertionError("no " + type + " condition in " + conditions);
    }
}
