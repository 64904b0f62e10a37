package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

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
