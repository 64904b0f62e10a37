package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubelite.apiserver.testing.SelfSignedCert;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --tls-cert-file}/{@code --tls-private-key-file}: HTTPS only, clients that trust the CA get in. */
@Timeout(120)
class TlsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void httpsWithTheCaAndTokens(@TempDir Path dir) throws Exception {
        SelfSignedCert cert = SelfSignedCert.create(dir);
        ApiServerConfig config = ApiServerConfig.local()
                .withTokens(Map.of("s3cret", new Auth.User("admin", java.util.List.of("system:masters"), null)), false)
                .withTls(cert.certFile(), cert.keyFile());
        try (TestApiServer api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), config)) {
            assertThat(api.url()).startsWith("https://127.0.0.1:");
            HttpClient trusting = HttpClient.newBuilder()
                    .sslContext(cert.trustingContext())
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> v = trusting.send(
                    HttpRequest.newBuilder(URI.create(api.url() + "/version"))
                            .header("Authorization", "Bearer s3cret")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(v.statusCode()).isEqualTo(200);
            assertThat(v.body()).contains("\"major\"");
            HttpResponse<String> anon = trusting.send(
                    HttpRequest.newBuilder(URI.create(api.url() + "/version")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anon.statusCode()).isEqualTo(401);

            // a client that does not trust the CA cannot talk to it, nor can plain HTTP
            HttpClient untrusting = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            assertThatThrownBy(() -> untrusting.send(
                            HttpRequest.newBuilder(URI.create(api.url() + "/version"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            String plain = api.url().replace("https://", "http://");
            assertThatThrownBy(() -> untrusting.send(
                            HttpRequest.newBuilder(URI.create(plain + "/version"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);

            // fabric8 with the CA: CRUD and a WebSocket watch over TLS
            Config f8 = new ConfigBuilder(Config.empty())
                    .withMasterUrl(api.url())
                    .withNamespace("default")
                    .withCaCertFile(cert.certFile().toString())
                    .withOauthToken("s3cret")
                    .withRequestTimeout(10_000)
                    .withRequestRetryBackoffLimit(0)
                    .build();
            try (KubernetesClient client =
                    new KubernetesClientBuilder().withConfig(f8).build()) {
                BlockingQueue<String> events = new LinkedBlockingQueue<>();
                try (Watch w = client.pods().inNamespace("default").watch(new Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod resource) {
                        events.add(action + " " + resource.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        events.add("CLOSED");
                    }
                })) {
                    client.pods()
                            .inNamespace("default")
                            .resource(Fabric8CompatTest.pod("tls-1"))
                            .create();
                    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("ADDED tls-1");
                    assertThat(client.pods()
                                    .inNamespace("default")
                                    .withName("tls-1")
                                    .get()
                                    .getMetadata()
                                    .getUid())
                            .isNotEmpty();
                    assertThat(client.pods()
                                    .inNamespace("default")
                                    .withName("tls-1")
                                    .delete())
                            .hasSize(1);
                    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("DELETED tls-1");
                }
            }
            Config noCa = new ConfigBuilder(Config.empty())
                    .withMasterUrl(api.url())
                    .withOauthToken("s3cret")
                    .withRequestTimeout(10_000)
                    .withRequestRetryBackoffLimit(0)
                    .build();
            try (KubernetesClient client =
                    new KubernetesClientBuilder().withConfig(noCa).build()) {
                assertThatThrownBy(() -> client.pods().inNamespace("default").list())
                        .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
                        .hasStackTraceContaining("SSLHandshakeException");
            }
        }
    }
}
