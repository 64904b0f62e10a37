package io.kubelite.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.authentication.ServiceAccountIssuing;
import io.kubelite.apiserver.pki.Pem;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod's projected service-account token, minted by kubelet-sim with the API server's signing
 * key file, authenticates against the API server as the pod's service account, and stops
 * working once the pod is deleted; read through the real kubectl exec. The API server's
 * admission plugins are all on, as in {@code kubelite up}: the token is served from the
 * {@code kube-api-access-*} volume the ServiceAccount admission put in the pod's spec.
 */
class PodServiceAccountTokenTest {
    private static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final String TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path dir;

    static SimHarness sim;
    static TestApiServer api;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        Path key = dir.resolve("sa.key");
        Pem.writeSecret(key, Pem.encode(g.generateKeyPair().getPrivate()));
        String prefix = ETCD.newPrefix();
        ServiceAccountIssuing issuing = ServiceAccountIssuing.fromFlags(List.of(ISSUER), key, List.of(), null, null);
        api = TestApiServer.start(
                ETCD.connect(prefix),
                ApiServerConfig.local(),
                s -> s.withServiceAccountIssuing(issuing).withDisabledAdmissionPlugins(Set.of()));
        kubectl = Kubectl.find(dir, api.url(), null, null);
        sim = new SimHarness(
                ETCD,
                prefix,
                new KubeletSimOptions()
                        .nodes(1)
                        .timeScale(10)
                        .configSyncPeriod(Duration.ofSeconds(10))
                        .podCidrFallback("10.205.0.0/16")
                        .serviceAccountSigningKey(key, ISSUER));
        kubectl.run("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: robot}
                ---
                # the root-ca-cert-publisher's ConfigMap; no controller-manager runs here
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: kube-root-ca.crt}
                data: {ca.crt: "test root CA"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: worker}
                spec:
                  nodeName: sim-node-0
                  serviceAccountName: robot
                  containers: [{name: app, image: nginx:1.25}]
                """, Map.of(), "apply", "-f", "-").ok();
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static int status(String token) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/namespaces/default/pods"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void thePodsTokenAuthenticatesAsItsAccountUntilThePodIsDeleted() throws Exception {
        Kubectl.Result read = Poll.until(
                Duration.ofSeconds(30),
                "the token file readable in worker's container",
                () -> kubectl.run("exec", "worker", "-c", "app", "--", "cat", TOKEN),
                r -> r.exitCode() == 0 && r.out().chars().filter(c -> c == '.').count() == 2);
        String token = read.out().trim();
        String volume = kubectl.run("get", "pod", "worker", "-o", "jsonpath={.spec.volumes[*].name}")
                .ok();
        assertThat(volume).as("the admission's volume, alone").matches("kube-api-access-[a-z0-9]{5}");
        assertThat(kubectl.run("exec", "worker", "--", "ls", "/var/run/secrets/kubernetes.io/serviceaccount")
                        .ok())
                .isEqualTo("ca.crt\nnamespace\ntoken\n");
        assertThat(kubectl.run("exec", "worker", "--", "cat", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
                        .ok())
                .isEqualTo("test root CA");
        assertThat(status(token)).isEqualTo(200);
        HttpResponse<String> who = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(api.url() + "/apis/authentication.k8s.io/v1/selfsubjectreviews"))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(TestApiServer.JSON
                        .readTree(who.body())
                        .path("status")
                        .path("userInfo")
                        .path("username")
                        .asText())
                .as(who.body())
                .isEqualTo("system:serviceaccount:default:robot");
        kubectl.run("delete", "pod", "worker", "--grace-period=0", "--force").ok();
        Poll.until(
                Duration.ofSeconds(15),
                "worker's token refused once worker is deleted",
                () -> {
                    try {
                        return status(token);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                code -> code == 401);
    }
}
