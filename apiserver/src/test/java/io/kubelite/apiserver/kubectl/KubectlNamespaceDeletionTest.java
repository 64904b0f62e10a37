package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Namespace deletion through the real kubectl, with one path: the API server only marks the
 * namespace Terminating; the controller-manager's namespace controller empties it (a bound pod
 * gracefully, an object with a finalizer only once it is removed), reports kube's conditions,
 * removes the {@code kubernetes} finalizer, and the namespace goes. With no controller running
 * nothing is deleted; a controller stopped in the middle and started again finishes the job.
 */
class KubectlNamespaceDeletionTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    private static final Duration WAIT = Duration.ofSeconds(30);

    static TestApiServer api;
    static Kubectl kubectl;
    InProcessControllerManager controllers;

    @BeforeAll
    static void start() {
        api = CLUSTER.api();
        kubectl = CLUSTER.kubectl();
    }

    @AfterEach
    void stopControllers() {
        if (controllers != null) {
            controllers.close();
        }
    }

    @Test
    void deletionWaitsForTheControllerThenEmptiesTheNamespaceAsDeletesWould() throws Exception {
        kubectl.run("create", "namespace", "doomed").ok();
        kubectl.run("create", "configmap", "plain", "-n", "doomed", "--from-literal=a=b")
                .ok();
        kubectl.run("""
                        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}
                        """, Map.of(), "create", "-n", "doomed", "-f", "-").ok();
        api.post("/api/v1/nodes", TestApiServer.node("ns-node"));
        assertThat(api.post("/api/v1/namespaces/doomed/pods", TestApiServer.pod("bound", ",\"nodeName\":\"ns-node\""))
                        .code())
                .isEqualTo(201);

        assertThat(kubectl.run("delete", "namespace", "doomed", "--wait=false").ok())
                .isEqualTo("namespace \"doomed\" deleted\n");
        assertThat(kubectl.run("get", "namespace", "doomed", "--no-headers").ok())
                .matches("doomed\\s+Terminating\\s+\\S+\\n");
        Kubectl.Result refused = kubectl.run("create", "configmap", "late", "-n", "doomed");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .contains("configmaps \"late\" is forbidden: unable to create new content in namespace doomed"
                        + " because it is being terminated");
        // the API server deletes nothing itself: without the controller the content stays
        Poll.holds(
                Duration.ofSeconds(2),
                "content kept while no namespace controller runs",
                () -> assertThat(api.get("/api/v1/namespaces/doomed/configmaps/plain")
                                .code())
                        .isEqualTo(200));

        controllers = InProcessControllerManager.start(CLUSTER, "cm-ns-1", "namespace");
        JsonNode pod = Poll.until(
                WAIT,
                "the bound pod deleted gracefully (deletionTimestamp, grace 30), the plain config map gone",
                () -> api.get("/api/v1/namespaces/doomed/pods/bound").json(),
                p -> p.path("metadata").has("deletionTimestamp")
                        && api.get("/api/v1/namespaces/doomed/configmaps/plain").code() == 404);
        assertThat(pod.path("metadata").path("deletionGracePeriodSeconds").asInt())
                .isEqualTo(30);
        JsonNode ns = Poll.until(
                WAIT,
                "kube's conditions: the pod and the held config map remain, one finalizer",
                () -> api.get("/api/v1/namespaces/doomed").json(),
                n -> condition(n, "NamespaceFinalizersRemaining")
                                .path("status")
                                .asText()
                                .equals("True")
                        && condition(n, "NamespaceContentRemaining")
                                .path("message")
                                .asText()
                                .contains("pods."));
        assertThat(condition(ns, "NamespaceContentRemaining").path("message").asText())
                .isEqualTo("Some resources are remaining: configmaps. has 1 resource instances,"
                        + " pods. has 1 resource instances");
        assertThat(condition(ns, "NamespaceFinalizersRemaining").path("message").asText())
                .isEqualTo("Some content in the namespace has finalizers remaining: example.com/hold in 1"
                        + " resource instances");
        assertThat(condition(ns, "NamespaceDeletionDiscoveryFailure")
                        .path("reason")
                        .asText())
                .isEqualTo("ResourcesDiscovered");
        assertThat(ns.path("spec").path("finalizers").toString()).isEqualTo("[\"kubernetes\"]");

        // a controller-manager gone in the middle: nothing more happens until one runs again
        controllers.close();
        controllers = null;
        kubectl.run(
                        "patch",
                        "configmap",
                        "held",
                        "-n",
                        "doomed",
                        "--type=merge",
                        "-p",
                        "{\"metadata\":{\"finalizers\":null}}")
                .ok();
        // the kubelet's part: its containers stopped, it removes the pod
        kubectl.run("delete", "pod", "bound", "-n", "doomed", "--grace-period=0", "--force")
                .ok();
        // kubectl's delete waits until the namespace is gone: here, for a controller to run again
        try (Kubectl.Background delete = kubectl.start("delete", "namespace", "doomed", "--timeout=60s")) {
            delete.awaitLine(l -> l.equals("namespace \"doomed\" deleted"), WAIT);
            Poll.holds(Duration.ofSeconds(2), "the namespace and kubectl's wait last while no controller runs", () -> {
                assertThat(api.get("/api/v1/namespaces/doomed").code()).isEqualTo(200);
                assertThat(delete.alive()).isTrue();
            });
            controllers = InProcessControllerManager.start(CLUSTER, "cm-ns-2", "namespace");
            assertThat(delete.awaitExit(WAIT)).as("kubectl delete's exit code").isZero();
        }
        Kubectl.Result gone = kubectl.run("get", "namespace", "doomed");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).contains("namespaces \"doomed\" not found");
    }

    @Test
    void theSystemNamespacesMayNotBeDeleted() {
        for (String ns : new String[] {"default", "kube-system", "kube-public"}) {
            Kubectl.Result r = kubectl.run("delete", "namespace", ns, "--wait=false");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err())
                    .isEqualTo("Error from server (Forbidden): namespaces \"" + ns
                            + "\" is forbidden: this namespace may not be deleted\n");
            assertThat(kubectl.run("get", "namespace", ns, "--no-headers").ok()).contains("Active");
        }
    }

    private static JsonNode condition(JsonNode ns, String type) {
        for (JsonNode c : ns.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
