package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against one API server (plain HTTP, anonymous): the contract suite's
 * starting point — discovery, create, get, delete as kubectl does them.
 */
class KubectlBasicsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static TestApiServer api;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
        kubectl = Kubectl.find(dir, api.url(), null, null);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

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
