package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.TestServiceAccountKeys;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl auth can-i [--list]} and {@code kubectl auth whoami} for an admin token
 * ({@code system:masters}) and for a service account's token, bound by a RoleBinding to a Role
 * granting everything in its own namespace, over TLS (kubectl sends a bearer token only over
 * HTTPS); expected output as kubectl prints it against a real cluster.
 */
class KubectlAuthTest {
    static final TestServiceAccountKeys KEYS = TestServiceAccountKeys.generate();

    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.selfSignedTls()
            .rbac()
            .tokenFile("admin-token,admin,uid-1,\"system:masters\"\n")
            .setup(s -> s.withServiceAccountIssuing(KEYS.issuing()));

    static String saToken;

    final Kubectl admin = CLUSTER.kubectl("admin-token");
    final Kubectl sa = CLUSTER.kubectl(saToken);

    @BeforeAll
    static void start() throws Exception {
        Kubectl admin = CLUSTER.kubectl("admin-token");
        admin.run("create", "namespace", "team").ok();
        admin.run("create", "role", "all", "--verb=*", "--resource=*.*", "-n", "team")
                .ok();
        admin.run("create", "rolebinding", "all", "--role=all", "--serviceaccount=team:default", "-n", "team")
                .ok();
        saToken = KEYS.createLegacyToken(CLUSTER.store(), "team", "default", "default-token-abc");
        Poll.until(
                Duration.ofSeconds(10),
                "sa token known",
                () -> CLUSTER.kubectl(saToken)
                                .run("auth", "whoami", "-o", "name")
                                .exitCode()
                        == 0);
    }

    @Test
    void canIForAnAdmin() {
        Kubectl.Result pods = admin.run("auth", "can-i", "create", "pods");
        assertThat(pods.out()).isEqualTo("yes\n");
        assertThat(pods.exitCode()).isZero();
        assertThat(admin.run("auth", "can-i", "*", "*").out()).isEqualTo("yes\n");
        assertThat(admin.run("auth", "can-i", "list", "nodes").out()).isEqualTo("yes\n");
        assertThat(admin.run("auth", "can-i", "get", "/healthz").out()).isEqualTo("yes\n");
    }

    @Test
    void canIForAServiceAccount() {
        Kubectl.Result denied = sa.run("auth", "can-i", "create", "pods");
        assertThat(denied.out()).isEqualTo("no\n");
        assertThat(denied.exitCode()).isEqualTo(1);
        assertThat(sa.run("auth", "can-i", "*", "*").exitCode()).isEqualTo(1);
        assertThat(sa.run("auth", "can-i", "list", "nodes").out()).isEqualTo("no\n");
        Kubectl.Result own = sa.run("auth", "can-i", "create", "pods", "-n", "team");
        assertThat(own.out()).isEqualTo("yes\n");
        assertThat(own.exitCode()).isZero();
        assertThat(sa.run("auth", "can-i", "delete", "replicasets.apps", "-n", "team", "-q")
                        .exitCode())
                .isZero();
    }

    @Test
    void canIListForAnAdminIsAClusterAdminsList() {
        // what kubectl prints for a cluster-admin of a kubeadm/kind cluster
        String expected = """
                Resources                                       Non-Resource URLs   Resource Names   Verbs
                *.*                                             []                  []               [*]
                                                                [*]                 []               [*]
                selfsubjectreviews.authentication.k8s.io        []                  []               [create]
                selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]
                selfsubjectrulesreviews.authorization.k8s.io    []                  []               [create]
                                                                [/api/*]            []               [get]
                                                                [/api]              []               [get]
                                                                [/apis/*]           []               [get]
                                                                [/apis]             []               [get]
                                                                [/healthz]          []               [get]
                                                                [/healthz]          []               [get]
                                                                [/livez]            []               [get]
                                                                [/livez]            []               [get]
                                                                [/openapi/*]        []               [get]
                                                                [/openapi]          []               [get]
                                                                [/readyz]           []               [get]
                                                                [/readyz]           []               [get]
                                                                [/version/]         []               [get]
                                                                [/version/]         []               [get]
                                                                [/version]          []               [get]
                                                                [/version]          []               [get]
                """;
        assertThat(admin.run("auth", "can-i", "--list").ok()).isEqualTo(expected);
    }

    @Test
    void canIListForAServiceAccountInAndOutsideItsNamespace() {
        List<String> team =
                sa.run("auth", "can-i", "--list", "-n", "team").ok().lines().toList();
        assertThat(team.get(0).split("\\s+"))
                .containsExactly("Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs");
        assertThat(team.get(1).split("\\s+")).containsExactly("*.*", "[]", "[]", "[*]");
        // every service account may read the issuer discovery documents (kube's default binding)
        assertThat(team).anyMatch(l -> l.trim().startsWith("[/openid/v1/jwks]"));
        assertThat(sa.run("auth", "can-i", "--list", "-n", "default").ok())
                .doesNotContain("*.*")
                .containsPattern("selfsubjectaccessreviews.authorization.k8s.io +\\[] +\\[] +\\[create]");
    }

    @Test
    void whoami() {
        assertThat(admin.run("auth", "whoami").ok()).isEqualTo("""
                        ATTRIBUTE   VALUE
                        Username    admin
                        UID         uid-1
                        Groups      [system:masters system:authenticated]
                        """);
        String uid = CLUSTER.store()
                .of(io.kubelite.kinds.core.serviceaccount.ServiceAccountKind.RESOURCE)
                .get("team", "default")
                .join()
                .getMetadata()
                .getUid();
        assertThat(sa.run("auth", "whoami").ok()).isEqualTo("""
                        ATTRIBUTE   VALUE
                        Username    system:serviceaccount:team:default
                        UID         %s
                        Groups      [system:serviceaccounts system:serviceaccounts:team system:authenticated]
                        """.formatted(uid));
        assertThat(admin.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
                        .ok())
                .isEqualTo("admin");
    }
}
