package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real kubectl against one API server (plain HTTP, anonymous): the contract suite's
 * starting point — discovery, create, get, delete as kubectl does them.
 */
class KubectlBasicsTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();

    @Test
    void apiResourcesListsEveryServedKind() {
        String out = kubectl.run("api-resources", "--no-headers", "-o", "name").ok();
        assertThat(out.lines())
                .contains(
                        "pods",
                        "nodes",
                        "namespaces",
                        "services",
                        "endpoints",
                        "serviceaccounts",
                        "secrets",
                        "configmaps",
                        "events",
                        "replicasets.apps",
                        "leases.coordination.k8s.io",
                        "poddisruptionbudgets.policy");
    }

    /**
     * The kubectl the suite runs is the server's minor: gcloud's version dispatcher (the kubectl on
     * this machine's PATH) picks it from /version, so a stale version there silently tests another
     * kubectl. kubelite says 1.32; a kubectl chosen with $KUBECTL is whatever it is.
     */
    @Test
    void theKubectlThatRunsIsTheServersMinor() throws Exception {
        JsonNode v =
                new ObjectMapper().readTree(kubectl.run("version", "-o", "json").ok());
        assertThat(v.path("serverVersion").path("gitVersion").asText()).isEqualTo("v1.32.5-kubelite");
        String agent = kubectl.run("get", "namespace", "default", "-v=8")
                .err()
                .lines()
                .filter(l -> l.contains("User-Agent: "))
                .findFirst()
                .orElseThrow();
        System.err.println("kubectl suite: " + agent.substring(agent.indexOf("User-Agent: ")));
        if (System.getenv("KUBECTL") == null) {
            assertThat(agent).contains("/v1.32.");
        }
    }

    @Test
    void createSendsProtobufAndKubeliteReadsIt() {
        Kubectl.Result r = kubectl.run("create", "configmap", "from-kubectl", "--from-literal=a=b", "-v=8");
        assertThat(r.exitCode()).as(r.err()).isZero();
        if (r.err().contains("/v1.32.")) {
            assertThat(r.err()).contains("Content-Type: application/vnd.kubernetes.protobuf");
        }
        assertThat(kubectl.run("get", "configmap", "from-kubectl", "-o", "jsonpath={.data.a}")
                        .ok())
                .isEqualTo("b");
    }

    @Test
    void createGetAndDeleteANamespace() {
        assertThat(kubectl.run("create", "namespace", "kubectl-ns").ok()).isEqualTo("namespace/kubectl-ns created\n");
        assertThat(kubectl.run("get", "namespace", "kubectl-ns", "-o", "name").ok())
                .isEqualTo("namespace/kubectl-ns\n");
        Kubectl.Result missing = kubectl.run("get", "namespace", "no-such-ns");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("namespaces \"no-such-ns\" not found");
        assertThat(kubectl.run("delete", "namespace", "kubectl-ns", "--wait=false")
                        .ok())
                .isEqualTo("namespace \"kubectl-ns\" deleted\n");
    }
}
