package io.kubelite.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.apiserver.pki.CertificateAuthority;
import io.kubelite.apiserver.pki.Pem;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Store;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubelite metrics-server} as its own OS process on a real etcd, with a serving certificate
 * from files and a loopback stand-in kubelet: its HTTPS API answers metrics-server's documents,
 * {@code /readyz} turns 200 once two samples exist, other methods get 405, a node on a
 * non-loopback address is counted as a {@code non_loopback} scrape error on {@code /metrics}, and
 * bad flags exit 2 with one line.
 */
class MetricsServerProcessTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final Duration T = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void servesMetricsOverHttpsFromAKubeletOnLoopbackAndCountsTheOthers() throws Exception {
        String prefix = ETCD.newPrefix();
        Store store = new Store(ETCD.connect(prefix));
        Path dir = Files.createTempDirectory("metrics-server-test");
        CertificateAuthority ca = CertificateAuthority.create("test-ca");
        CertificateAuthority.Issued leaf = ca.issueServer("metrics-server", List.of("127.0.0.1"));
        Pem.writePublic(dir.resolve("tls.crt"), Pem.encode(leaf.certificate()));
        Pem.writeSecret(dir.resolve("tls.key"), Pem.encode(leaf.key()));
        int securePort = FreePorts.next();
        int healthPort = FreePorts.next();
        Path log = dir.resolve("metrics-server.log");
        try (FakeKubelet kubelet = new FakeKubelet(Clock.systemUTC())) {
            kubelet.serve(
                    "node-a",
                    new FakeKubelet.NodeUsage(
                            500_000_000L,
                            256L << 20,
                            List.of(new FakeKubelet.PodUsage(
                                    "default",
                                    "web-1",
                                    List.of(new FakeKubelet.Container("app", 7_000_000L, 10L << 20))))));
            store.of(NodeKind.RESOURCE)
                    .create(KubectlTopTest.node("node-a", "127.0.0.1", "p", kubelet.port()))
                    .join();
            store.of(NodeKind.RESOURCE)
                    .create(KubectlTopTest.node("node-far", "192.0.2.7", "p", kubelet.port()))
                    .join();
            store.of(PodKind.RESOURCE)
                    .create(KubectlTopTest.pod("default", "web-1", "node-a", "web"))
                    .join();
            Process proc = ChildJvm.builder(
                            List.of("-Xmx128m"),
                            MetricsServerMain.class,
                            List.of(
                                    "--etcd-endpoints="
                                            + String.join(",", ETCD.cluster().endpoints()),
                                    "--etcd-prefix=" + prefix,
                                    "--secure-port=" + securePort,
                                    "--metric-resolution=500ms",
                                    "--tls-cert-file=" + dir.resolve("tls.crt"),
                                    "--tls-private-key-file=" + dir.resolve("tls.key"),
                                    "--health-port=" + healthPort,
                                    "--mirror-pod=false"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            try {
                HttpClient https = HttpClient.newBuilder()
                        .sslContext(trusting(ca))
                        .connectTimeout(Duration.ofSeconds(2))
                        .build();
                String base = "https://127.0.0.1:" + securePort;
                Poll.until(
                        T,
                        "/readyz 200 once node-a has two samples",
                        () -> status(https, base + "/readyz", log),
                        "200"::equals);
                assertThat(get(https, base + "/healthz").body()).isEqualTo("ok");

                JsonNode discovery = JSON.readTree(
                        get(https, base + "/apis/metrics.k8s.io/v1beta1").body());
                assertThat(discovery.toString())
                        .isEqualTo("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":"
                                + "\"metrics.k8s.io/v1beta1\",\"resources\":[{\"name\":\"nodes\",\"singularName\":\"\","
                                + "\"namespaced\":false,\"kind\":\"NodeMetrics\",\"verbs\":[\"get\",\"list\"]},"
                                + "{\"name\":\"pods\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodMetrics\","
                                + "\"verbs\":[\"get\",\"list\"]}]}");
                JsonNode group = JSON.readTree(get(https, base + "/apis").body());
                assertThat(group.at("/groups/0/preferredVersion/groupVersion").asText())
                        .isEqualTo("metrics.k8s.io/v1beta1");

                JsonNode node = JSON.readTree(get(https, base + "/apis/metrics.k8s.io/v1beta1/nodes/node-a")
                        .body());
                assertThat(node.path("kind").asText()).isEqualTo("NodeMetrics");
                assertThat(node.path("usage").toString()).isEqualTo("{\"cpu\":\"500m\",\"memory\":\"256Mi\"}");
                assertThat(node.path("metadata").path("labels").toString()).isEqualTo("{\"pool\":\"p\"}");

                JsonNode pods = JSON.readTree(get(
                                https,
                                base + "/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.namespace%3Ddefault")
                        .body());
                assertThat(pods.path("items").get(0).path("containers").toString())
                        .isEqualTo("[{\"name\":\"app\",\"usage\":{\"cpu\":\"7m\",\"memory\":\"10Mi\"}}]");

                HttpResponse<String> far = get(https, base + "/apis/metrics.k8s.io/v1beta1/nodes/node-far");
                assertThat(far.statusCode()).isEqualTo(404);
                assertThat(JSON.readTree(far.body()).path("message").asText())
                        .isEqualTo("nodemetrics.metrics.k8s.io \"node-far\" not found");

                HttpResponse<String> post = https.send(
                        HttpRequest.newBuilder(URI.create(base + "/apis/metrics.k8s.io/v1beta1/nodes"))
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(post.statusCode()).isEqualTo(405);

                String metrics = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                assertThat(metrics.lines().filter(l -> l.startsWith("metrics_server_kubelet_request_total")))
                        .anyMatch(l -> l.contains("reason=\"non_loopback\"") && l.contains("success=\"false\""))
                        .anyMatch(l -> l.contains("success=\"true\""));
                assertThat(kubelet.requests())
                        .as("only node-a's kubelet was asked")
                        .isPositive();
                assertThat(Files.readString(log)).contains("192.0.2.7 is not loopback, not scraped");
            } finally {
                proc.destroy();
                if (!proc.waitFor(20, TimeUnit.SECONDS)) {
                    proc.destroyForcibly();
                }
                Files.deleteIfExists(dir.resolve("tls.crt"));
                Files.deleteIfExists(dir.resolve("tls.key"));
                Files.deleteIfExists(log);
                Files.deleteIfExists(dir);
            }
        }
    }

    @Test
    void badFlagsExit2WithOneLine() throws Exception {
        for (List<String> args : List.of(
                List.of("--metric-resolution=10ms"),
                List.of("--tls-cert-file=/nope.crt"),
                List.of("--secure-port=70000"),
                List.of("--scrape-concurrency=0"))) {
            Process p = ChildJvm.builder(List.of("-Xmx64m"), MetricsServerMain.class, args)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(args + ": " + out).isEqualTo(2);
            assertThat(out.strip().lines())
                    .as(args + ": " + out)
                    .hasSize(1)
                    .allMatch(l -> l.startsWith("kubelite metrics-server: "));
        }
    }

    private static SSLContext trusting(CertificateAuthority ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String status(HttpClient http, String url, Path log) {
        try {
            return Integer.toString(get(http, url).statusCode());
        } catch (IOException e) {
            return "no answer (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
