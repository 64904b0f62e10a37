package io.kubelite.controllers;

import static io.kubelite.controllers.ControllerManagerUnderTest.join;
import static io.kubelite.controllers.HpaFixtures.condition;
import static io.kubelite.controllers.HpaFixtures.conditions;
import static io.kubelite.controllers.HpaFixtures.cpuUtilization;
import static io.kubelite.controllers.HpaFixtures.deployment;
import static io.kubelite.controllers.HpaFixtures.hpa;
import static io.kubelite.controllers.HpaFixtures.readyPod;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.kubelite.api.APIService;
import io.kubelite.api.APIServiceReference;
import io.kubelite.api.APIServiceSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.apiregistration.apiservice.APIServiceKind;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.autoscaling.horizontalpodautoscaler.HorizontalPodAutoscalerKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HPA controller with its real metrics client: a loopback HTTPS server stands in for
 * metrics-server and is registered the way it registers itself (the {@code v1beta1.metrics.k8s.io}
 * APIService → Service kube-system/metrics-server port 443 → an EndpointSlice on 127.0.0.1), all
 * written to etcd; the controller-manager finds it through its informers and reads PodMetricsList
 * JSON from it, first with {@code insecureSkipTLSVerify} and then trusting a {@code caBundle}.
 */
@Timeout(120)
class HpaMetricsApiTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String STORE_PASS = "changeit";

    private Path dir;
    private HttpsServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private ControllerManagerUnderTest cm;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("hpa-metrics");
        serve(certificate("server", "metrics-server.kube-system.svc"));
        cm = new ControllerManagerUnderTest(
                ETCD,
                java.time.Clock.systemUTC(),
                "--controllers=horizontalpodautoscaling",
                "--horizontal-pod-autoscaler-sync-period=1s");
    }

    /** A self-signed certificate for {@code dnsName} in {@code <alias>.p12}, its PEM in {@code <alias>.pem}. */
    private Path certificate(String alias, String dnsName) throws Exception {
        Path ks = dir.resolve(alias + ".p12");
        keytool(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + alias,
                "-ext",
                "SAN=dns:" + dnsName,
                "-validity",
                "2",
                "-keystore",
                ks.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                STORE_PASS,
                "-keypass",
                STORE_PASS);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                alias,
                "-keystore",
                ks.toString(),
                "-storepass",
                STORE_PASS,
                "-file",
                dir.resolve(alias + ".pem").toString());
        return ks;
    }

    /** Serves PodMetricsLists for web-0 and web-1 over HTTPS on 127.0.0.1 with the keystore's certificate. */
    private void serve(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = new FileInputStream(keystore.toFile())) {
            store.load(in, STORE_PASS.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, STORE_PASS.toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", ex -> {
            seen.add(ex.getRequestURI().getRawQuery() + " user="
                    + ex.getRequestHeaders().getFirst("X-Remote-User"));
            // metrics-server's shapes: CPU in nanocores, memory in Ki, a Go duration window
            String now = Instant.now().toString();
            String body = "{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},"
                    + "\"items\":[" + item("web-0", now) + "," + item("web-1", now) + "]}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
    }

    private static String item(String pod, String now) {
        return "{\"metadata\":{\"name\":\"" + pod + "\",\"namespace\":\"default\"},\"timestamp\":\"" + now
                + "\",\"window\":\"10.5s\",\"containers\":[{\"name\":\"app\",\"usage\":{\"cpu\":\"90000000n\","
                + "\"memory\":\"10240Ki\"}}]}";
    }

    private void keytool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("keytool %s: %s", args[0], out).isZero();
    }

    @AfterEach
    void stop() throws Exception {
        if (cm != null) {
            cm.close();
        }
        if (server != null) {
            server.stop(0);
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    private void registerMetricsApi(boolean insecure, ByteString caBundle) {
        join(cm.of(ServiceKind.RESOURCE)
                .create(Service.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setNamespace("kube-system")
                                .setName("metrics-server"))
                        .setSpec(ServiceSpec.newBuilder()
                                .addPorts(ServicePort.newBuilder()
                                        .setName("https")
                                        .setPort(443)))
                        .build()));
        join(cm.of(EndpointSliceKind.RESOURCE)
                .create(EndpointSlice.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setNamespace("kube-system")
                                .setName("metrics-server-abcde")
                                .putLabels(EndpointSliceKind.SERVICE_NAME_LABEL, "metrics-server"))
                        .setAddressType("IPv4")
                        .addEndpoints(Endpoint.newBuilder()
                                .addAddresses("127.0.0.1")
                                .setConditions(EndpointConditions.newBuilder().setReady(true)))
                        .addPorts(EndpointPort.newBuilder()
                                .setName("https")
                                .setPort(server.getAddress().getPort()))
                        .build()));
        join(cm.of(APIServiceKind.RESOURCE)
                .create(APIService.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("v1beta1.metrics.k8s.io"))
                        .setSpec(APIServiceSpec.newBuilder()
                                .setService(APIServiceReference.newBuilder()
                                        .setNamespace("kube-system")
                                        .setName("metrics-server")
                                        .setPort(443))
                                .setGroup("metrics.k8s.io")
                                .setVersion("v1beta1")
                                .setInsecureSkipTlsVerify(insecure)
                                .setCaBundle(caBundle)
                                .setGroupPriorityMinimum(100)
                                .setVersionPriority(100))
                        .build()));
    }

    private HorizontalPodAutoscaler awaitHpa(String what, java.util.function.Predicate<HorizontalPodAutoscaler> ok) {
        return Poll.until(
                        WAIT,
                        "hpa web " + what,
                        () -> java.util.Optional.ofNullable(
                                        cm.getOrNull(HorizontalPodAutoscalerKind.RESOURCE, "default", "web"))
                                .map(h -> new Object() {
                                    final HorizontalPodAutoscaler hpa = h;

                                    @Override
                                    public String toString() {
                                        return "conditions=[" + conditions(h) + "] "
                                                + condition(h, "ScalingActive").getMessage();
                                    }
                                }),
                        o -> o.isPresent() && ok.test(o.get().hpa))
                .get()
                .hpa;
    }

    private void webAt2() {
        join(cm.of(DeploymentKind.RESOURCE).create(deployment("web", 2)));
        join(cm.of(PodKind.RESOURCE).create(readyPod("web", "web-0", "100m")));
        join(cm.of(PodKind.RESOURCE).create(readyPod("web", "web-1", "100m")));
        join(cm.of(HorizontalPodAutoscalerKind.RESOURCE)
                .create(hpa("web", "web", 1, 10, cpuUtilization(50)).build()));
    }

    private void awaitWebAt4() {
        // 90000000n = 90m of a 100m request: 90% against 50%, ceil(2 * 1.8) = 4
        Poll.until(
                WAIT,
                "deployment web scaled to 4",
                () -> cm.getOrNull(DeploymentKind.RESOURCE, "default", "web")
                        .getSpec()
                        .getReplicas(),
                n -> n == 4);
        assertThat(seen).isNotEmpty();
        assertThat(seen.get(0)).isEqualTo("labelSelector=app%3Dweb user=system:kube-controller-manager");
    }

    @Test
    void withoutTheApiServiceTheMetricFailsThenTheRegisteredBackendScales() {
        webAt2();
        HorizontalPodAutoscaler h = awaitHpa(
                "failing without metrics.k8s.io",
                x -> condition(x, "ScalingActive").getReason().equals("FailedGetResourceMetric"));
        assertThat(condition(h, "ScalingActive").getMessage())
                .isEqualTo("the HPA was unable to compute the replica count: failed to get cpu utilization: unable to"
                        + " get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server"
                        + " could not find the requested resource (get pods.metrics.k8s.io)");

        registerMetricsApi(true, ByteString.EMPTY);
        awaitWebAt4();
        HorizontalPodAutoscaler after = awaitHpa(
                "reporting 90%",
                x -> x.getStatus().getCurrentMetricsCount() == 1
                        && x.getStatus()
                                        .getCurrentMetrics(0)
                                        .getResource()
                                        .getCurrent()
                                        .getAverageUtilization()
                                == 90);
        assertThat(after.getStatus()
                        .getCurrentMetrics(0)
                        .getResource()
                        .getCurrent()
                        .getAverageValue())
                .isEqualTo("90m");
    }

    @Test
    void aCaBundleIsTrustedForTheServiceName() throws Exception {
        registerMetricsApi(false, ByteString.copyFrom(Files.readAllBytes(dir.resolve("server.pem"))));
        webAt2();
        awaitWebAt4();
    }

    @Test
    void aBackendTheCaBundleDoesNotVouchForIsRefused() throws Exception {
        certificate("other", "metrics-server.kube-system.svc");
        registerMetricsApi(false, ByteString.copyFrom(Files.readAllBytes(dir.resolve("other.pem"))));
        webAt2();
        HorizontalPodAutoscaler h = awaitHpa(
                "failing the TLS handshake",
                x -> condition(x, "ScalingActive").getReason().equals("FailedGetResourceMetric"));
        assertThat(condition(h, "ScalingActive").getMessage())
                .contains("unable to fetch metrics from resource metrics API: GET https://127.0.0.1:"
                        + server.getAddress().getPort() + "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods");
        assertThat(seen).isEmpty();
        assertThat(cm.getOrNull(DeploymentKind.RESOURCE, "default", "web")
                        .getSpec()
                        .getReplicas())
                .isEqualTo(2);
    }

    @Test
    void aCertificateForAnotherNameIsRefusedThoughTheCaBundleHoldsIt() throws Exception {
        server.stop(0);
        serve(certificate("elsewhere", "elsewhere.kube-system.svc"));
        registerMetricsApi(false, ByteString.copyFrom(Files.readAllBytes(dir.resolve("elsewhere.pem"))));
        webAt2();
        HorizontalPodAutoscaler h = awaitHpa(
                "failing the server name check",
                x -> condition(x, "ScalingActive").getReason().equals("FailedGetResourceMetric"));
        assertThat(condition(h, "ScalingActive").getMessage())
                .contains("x509: certificate is not valid for metrics-server.kube-system.svc");
        assertThat(seen).isEmpty();
    }
}
